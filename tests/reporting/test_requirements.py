"""Requirements assign themselves to the people they cover, with due dates, once; the event that
satisfies an assignment completes it."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError

from courses import services as course_services
from institutions.reporting.models import Assignment, TrainingRequirement
from institutions.reporting.services.requirements import (
    assignments_generate,
    requirement_save,
)
from institutions.services import membership_set
from tests.factories import lessons_of
from tests.reporting.conftest import days_ago, person, rotation_requirement

pytestmark = pytest.mark.django_db


def test_members_of_the_subtree_in_the_categories_get_assignments_due_after_hire(city, rotation):
    hired = datetime.date(2026, 3, 31)
    covered = person(city["a1"], name="甲", hired=hired)
    deeper_public = person(city["a2"], name="乙", category="public_institution", hired=hired)
    volunteer = person(city["a1"], name="丙", category="volunteer", hired=hired)
    elsewhere = person(city["b1"], name="丁", hired=hired)
    requirement = rotation_requirement(city["a"], rotation)

    assert assignments_generate(requirement=requirement) == 2
    due = dict(Assignment.objects.values_list("user__real_name", "due_on"))
    assert due == {"甲": datetime.date(2026, 9, 30), "乙": datetime.date(2026, 9, 30)}
    assert not Assignment.objects.filter(user__in=[volunteer, elsewhere]).exists()
    assert covered and deeper_public
    # The nightly run again: nothing new.
    assert assignments_generate() == 0
    assert Assignment.objects.count() == 2


def test_hired_after_and_fixed_due_date(city, rotation):
    old_hand = person(city["a1"], name="老员工", hired=datetime.date(2020, 1, 1))
    newcomer = person(city["a1"], name="新员工", hired=datetime.date(2026, 5, 1))
    requirement = rotation_requirement(
        city["a"],
        rotation,
        hired_after=datetime.date(2026, 1, 1),
        due_rule="fixed_date",
        due_date=datetime.date(2026, 12, 31),
    )
    assignments_generate(requirement=requirement)
    assert list(Assignment.objects.values_list("user", "due_on")) == [
        (newcomer.pk, datetime.date(2026, 12, 31))
    ]
    assert old_hand.pk not in Assignment.objects.values_list("user", flat=True)


def test_someone_who_joins_is_assigned_at_once(
    city, rotation, django_capture_on_commit_callbacks, eager_tasks
):
    rotation_requirement(city["a"], rotation)
    with django_capture_on_commit_callbacks(execute=True):
        joiner = person(city["a2"], name="新人", hired=days_ago(10))
    assignment = Assignment.objects.get(user=joiner)
    assert assignment.due_on == days_ago(10) + relativedelta(months=6)


def test_completing_the_course_completes_the_assignment(
    city, rotation, django_capture_on_commit_callbacks, eager_tasks
):
    learner = person(city["a1"], name="学员", hired=days_ago(30))
    assignments_generate(requirement=rotation_requirement(city["a"], rotation))
    with django_capture_on_commit_callbacks(execute=True):
        course_services.enrollment_create(user=learner, course=rotation)
        for lesson in lessons_of(rotation):
            course_services.lesson_complete(user=learner, lesson=lesson)
    assignment = Assignment.objects.get(user=learner)
    assert assignment.completed_at is not None
    assert assignment.state_label() == "Completed"


def test_an_overdue_assignment_says_so(city, rotation):
    learner = person(city["a1"], name="学员", hired=days_ago(400))
    assignments_generate(requirement=rotation_requirement(city["a"], rotation))
    assignment = Assignment.objects.get(user=learner)
    assert assignment.is_overdue() and assignment.state_label() == "Overdue"


def test_an_admin_sets_requirements_only_inside_their_own_subtree(city, admins, rotation):
    inside = TrainingRequirement(
        name="东湖轮训",
        institution=city["a1"],
        target="course",
        course=rotation,
        due_rule="months_after_hire",
        due_months=6,
    )
    assert requirement_save(actor=admins["a"], requirement=inside).pk
    outside = TrainingRequirement(
        name="越权",
        institution=city["b"],
        target="course",
        course=rotation,
        due_rule="months_after_hire",
        due_months=6,
    )
    with pytest.raises(PermissionDenied):
        requirement_save(actor=admins["a"], requirement=outside)
    assert not TrainingRequirement.objects.filter(name="越权").exists()


def test_an_incomplete_requirement_names_each_missing_field(city, admins):
    requirement = TrainingRequirement(
        name="缺项", institution=city["a"], target="course", due_rule="fixed_date"
    )
    with pytest.raises(ValidationError) as error:
        requirement_save(actor=admins["a"], requirement=requirement)
    assert set(error.value.message_dict) == {"course", "due_date"}
    assert not TrainingRequirement.objects.exists()


def test_a_person_in_two_covered_units_is_assigned_once_with_the_earliest_hire(city, rotation):
    learner = person(city["a1"], name="兼职", hired=datetime.date(2026, 2, 1))
    membership_set(
        user=learner,
        institution=city["a2"],
        staff_category="civil_servant",
        hire_date=datetime.date(2025, 11, 1),
    )
    assignments_generate(requirement=rotation_requirement(city["a"], rotation))
    assert list(Assignment.objects.values_list("due_on", flat=True)) == [datetime.date(2026, 5, 1)]


def test_a_changed_requirement_moves_open_due_dates_and_lets_go_of_those_no_longer_covered(
    city, rotation
):
    hired = datetime.date(2026, 1, 15)
    stays = person(city["a1"], name="留下", hired=hired)
    done = person(city["a1"], name="已完成", hired=hired)
    public = person(city["a1"], name="事业编", category="public_institution", hired=hired)
    requirement = rotation_requirement(city["a"], rotation)
    assignments_generate(requirement=requirement)
    Assignment.objects.filter(user=done).update(
        completed_at=datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC)
    )

    requirement.due_months = 12
    requirement.staff_categories = ["civil_servant"]
    requirement.save()
    assert assignments_generate(requirement=requirement) == 0
    due = dict(Assignment.objects.values_list("user__real_name", "due_on"))
    assert due == {
        "留下": datetime.date(2027, 1, 15),  # moved with the rule
        "已完成": datetime.date(2026, 7, 15),  # completed: left as it was
    }
    assert not Assignment.objects.filter(user=public).exists()  # no longer covered
    assert stays.pk and assignments_generate() == 0  # and the nightly run agrees


def test_an_unknown_hire_date_counts_from_the_day_of_assignment_every_night(city, rotation):
    learner = person(city["a1"], name="无入职日期")
    requirement = rotation_requirement(city["a"], rotation)
    first_night = datetime.datetime(2026, 2, 1, 1, 30, tzinfo=datetime.UTC)
    assignments_generate(requirement=requirement, now=first_night)
    assignments_generate(requirement=requirement, now=first_night + datetime.timedelta(days=40))
    assert Assignment.objects.get(user=learner).due_on == datetime.date(2026, 8, 1)
