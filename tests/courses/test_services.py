import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from courses import selectors, services
from courses.models import Enrollment, LessonProgress, StudyTime
from tests.factories import course_tree, lessons_of

pytestmark = pytest.mark.django_db


def test_enrolling_twice_keeps_one_enrollment(candidate, course):
    first, created_first = services.enrollment_create(user=candidate, course=course)
    second, created_second = services.enrollment_create(user=candidate, course=course)
    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk
    assert Enrollment.objects.filter(user=candidate).count() == 1


def test_unpublished_course_refuses_enrolment(candidate, course):
    course.unpublish()
    course.refresh_from_db()
    with pytest.raises(ValidationError):
        services.enrollment_create(user=candidate, course=course)


def test_completing_requires_enrolment(candidate, course):
    with pytest.raises(services.NotEnrolled):
        services.lesson_complete(user=candidate, lesson=lessons_of(course)[0])
    assert not LessonProgress.objects.exists()


def test_completing_twice_changes_nothing(candidate, course):
    services.enrollment_create(user=candidate, course=course)
    lesson = lessons_of(course)[0]
    first = services.lesson_complete(user=candidate, lesson=lesson)
    second = services.lesson_complete(user=candidate, lesson=lesson)
    assert first.created and not second.created
    assert second.progress.completed_at == first.progress.completed_at
    assert LessonProgress.objects.filter(user=candidate).count() == 1


def test_course_completes_with_its_last_lesson(candidate, course):
    enrollment, _ = services.enrollment_create(user=candidate, course=course)
    lessons = lessons_of(course)
    results = [services.lesson_complete(user=candidate, lesson=lesson) for lesson in lessons]
    assert [r.course_completed for r in results] == [False] * (len(lessons) - 1) + [True]
    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None
    assert selectors.course_lesson_counts(user=candidate, course=course) == (4, 4)


def test_progress_is_per_person(candidate, other_candidate, course):
    for user in (candidate, other_candidate):
        services.enrollment_create(user=user, course=course)
    services.lesson_complete(user=candidate, lesson=lessons_of(course)[0])
    mine = selectors.course_outline_for(course=course, user=candidate)
    theirs = selectors.course_outline_for(course=course, user=other_candidate)
    assert (mine["completed_count"], mine["percent"]) == (1, 25)
    assert (theirs["completed_count"], theirs["percent"]) == (0, 0)


def test_sequential_course_locks_later_lessons(candidate):
    course = course_tree(sequential=True)
    services.enrollment_create(user=candidate, course=course)
    first, second, third, _fourth = lessons_of(course)
    with pytest.raises(services.LessonLocked):
        services.lesson_complete(user=candidate, lesson=second)
    services.lesson_complete(user=candidate, lesson=first)
    assert selectors.lesson_is_unlocked(user=candidate, course=course, lesson=second)
    assert not selectors.lesson_is_unlocked(user=candidate, course=course, lesson=third)


def test_continue_points_at_last_opened_unfinished_lesson(candidate, course):
    enrollment, _ = services.enrollment_create(user=candidate, course=course)
    lessons = lessons_of(course)
    outline = selectors.course_outline_for(course=course, user=candidate)
    assert outline["continue_lesson"].pk == lessons[0].pk
    services.enrollment_touch(enrollment=enrollment, lesson=lessons[2])
    outline = selectors.course_outline_for(course=course, user=candidate)
    assert outline["continue_lesson"].pk == lessons[2].pk
    services.lesson_complete(user=candidate, lesson=lessons[2])
    outline = selectors.course_outline_for(course=course, user=candidate)
    assert outline["continue_lesson"].pk == lessons[0].pk


class TestStudyTime:
    @pytest.fixture
    def lesson(self, candidate, course):
        services.enrollment_create(user=candidate, course=course)
        return lessons_of(course)[0]

    def beat(self, user, lesson, at):
        return services.study_heartbeat(user=user, lesson=lesson, now=at)

    def test_steady_heartbeats_accrue_elapsed_time(self, candidate, lesson):
        start = timezone.now()
        credits = [
            self.beat(candidate, lesson, start + datetime.timedelta(seconds=30 * i))
            for i in range(5)
        ]
        assert credits == [0, 30, 30, 30, 30]
        assert StudyTime.objects.get(user=candidate).seconds == 120

    def test_idle_gap_accrues_nothing(self, candidate, lesson):
        start = timezone.now()
        self.beat(candidate, lesson, start)
        assert self.beat(candidate, lesson, start + datetime.timedelta(minutes=20)) == 0
        assert (
            self.beat(candidate, lesson, start + datetime.timedelta(minutes=20, seconds=30)) == 30
        )

    def test_one_heartbeat_is_capped(self, candidate, lesson):
        start = timezone.now()
        self.beat(candidate, lesson, start)
        assert self.beat(candidate, lesson, start + datetime.timedelta(seconds=85)) == 60

    def test_late_or_repeated_heartbeats_credit_no_more_than_wall_time(self, candidate, lesson):
        start = timezone.now()
        self.beat(candidate, lesson, start + datetime.timedelta(seconds=60))
        assert self.beat(candidate, lesson, start + datetime.timedelta(seconds=30)) == 0  # older
        assert self.beat(candidate, lesson, start + datetime.timedelta(seconds=60)) == 0  # repeat
        assert StudyTime.objects.filter(user=candidate).count() == 0

    def test_two_tabs_do_not_double_count(self, candidate, course, lesson):
        other_lesson = lessons_of(course)[1]
        start = timezone.now()
        for i in range(4):  # two tabs, each beating every 30 s, 15 s apart
            self.beat(candidate, lesson, start + datetime.timedelta(seconds=30 * i))
            self.beat(candidate, other_lesson, start + datetime.timedelta(seconds=30 * i + 15))
        total = sum(StudyTime.objects.filter(user=candidate).values_list("seconds", flat=True))
        assert total == 105  # the 105 s from the first beat to the last, not twice that

    def test_heartbeat_requires_enrolment(self, other_candidate, lesson):
        with pytest.raises(services.NotEnrolled):
            services.study_heartbeat(user=other_candidate, lesson=lesson)
