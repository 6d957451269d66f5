"""External qualifications count once an admin of the person approves them; reminders before the
due date and when overdue are sent once, by email and as an in-app notice."""

import datetime
import io

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from institutions.reporting.models import Assignment, AssignmentReminder, TrainingRequirement
from institutions.reporting.services.qualifications import (
    qualification_review,
    qualification_submit,
)
from institutions.reporting.services.reminders import assignment_reminders_send
from institutions.reporting.services.requirements import assignments_generate
from lms.models import Notice
from tests.reporting.conftest import days_ago, person, rotation_requirement

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()  # a real image: evidence is read by Pillow, not recognised by its first bytes


def evidence(content=PNG, name="cert.png"):
    return SimpleUploadedFile(name, content, content_type="image/png")


def submit(user, **fields):
    values = {
        "kind": "junior",
        "title": "助理社会工作师职业资格证书",
        "number": "2026-0001",
        "issuer": "人力资源和社会保障部",
        "issued_on": days_ago(20),
        "evidence": evidence(),
    }
    values.update(fields)
    return qualification_submit(user=user, **values)


@pytest.fixture
def qualification_requirement(city):
    return TrainingRequirement.objects.create(
        name="两年内取得社会工作者职业资格",
        institution=city["a"],
        target="qualification",
        qualification_kinds=["junior", "intermediate"],
        due_rule="months_after_hire",
        due_months=24,
    )


def test_approved_qualification_completes_the_requirement(city, admins, qualification_requirement):
    learner = person(city["a1"], name="考生", hired=days_ago(100), language="en")
    assignments_generate()
    qualification = submit(learner)
    assert Assignment.objects.get(user=learner).completed_at is None  # waiting for review
    qualification_review(actor=admins["a"], qualification=qualification, approve=True)
    assert Assignment.objects.get(user=learner).completed_at is not None
    assert Notice.objects.filter(user=learner, message__contains="approved").exists()


def test_an_approved_training_certificate_can_count_for_a_named_assignment(city, admins, rotation):
    learner = person(city["a1"], name="外训", hired=days_ago(100))
    rotation_requirement(city["a"], rotation, staff_categories=[])
    assignments_generate()
    assignment = Assignment.objects.get(user=learner)
    qualification = submit(learner, kind="training", title="省社会工作轮训结业证书")
    qualification_review(
        actor=admins["a"], qualification=qualification, approve=True, counts_for=[assignment.pk]
    )
    assignment.refresh_from_db()
    assert assignment.completed_at is not None and assignment.qualification == qualification


def test_only_an_admin_of_the_person_reviews_and_a_rejection_needs_a_reason(city, admins):
    learner = person(city["a1"], name="考生")
    qualification = submit(learner)
    with pytest.raises(PermissionDenied):
        qualification_review(actor=admins["b"], qualification=qualification, approve=True)
    with pytest.raises(ValidationError):
        qualification_review(actor=admins["a"], qualification=qualification, approve=False)
    qualification_review(
        actor=admins["a"], qualification=qualification, approve=False, note="证书照片不清晰"
    )
    qualification.refresh_from_db()
    assert qualification.state == "rejected"
    with pytest.raises(ValidationError):  # reviewed once only
        qualification_review(actor=admins["a"], qualification=qualification, approve=True)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"evidence": evidence(b"just text, not a scan", "cert.png")}, "evidence"),
        ({"evidence": evidence(PNG + b"\x00" * (5 * 1024 * 1024), "big.png")}, "evidence"),
        ({"issued_on": datetime.date(2999, 1, 1)}, "issued_on"),  # in the future, whenever run
        ({"kind": "doctorate"}, "kind"),
        ({"title": "  "}, "title"),
    ],
)
def test_bad_qualification_input_is_refused_and_nothing_is_stored(city, fields, field):
    learner = person(city["a1"], name="考生")
    with pytest.raises(ValidationError) as error:
        submit(learner, **fields)
    assert field in error.value.message_dict
    assert not learner.qualifications.exists()


def test_reminders_go_once_each_and_admins_hear_of_overdue_only(
    city, admins, rotation, django_capture_on_commit_callbacks, settings, eager_tasks
):
    learner = person(city["a1"], name="学员", email="learner@example.org", category="social_worker")
    outsider_admin = admins["b"]
    rotation_requirement(
        city["a"],
        rotation,
        staff_categories=["social_worker"],
        due_rule="fixed_date",
        due_date=datetime.date(2026, 6, 30),
    )
    assignments_generate()
    due = datetime.datetime(2026, 6, 30, 9, tzinfo=timezone.get_current_timezone())

    def run(days_before_due):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            sent = assignment_reminders_send(now=due - datetime.timedelta(days=days_before_due))
        return sent, sorted(address for message in mail.outbox for address in message.to)

    assert run(40) == (0, [])
    assert run(25) == (1, ["learner@example.org"])
    assert run(24) == (0, [])  # the daily job ran again
    assert run(5) == (1, ["learner@example.org"])
    assert run(-3) == (1, ["learner@example.org", admins["a"].email])
    assert run(-4) == (0, [])
    assert set(AssignmentReminder.objects.values_list("kind", flat=True)) == {
        "due_soon",
        "due_this_week",
        "overdue",
    }
    assert Notice.objects.filter(user=learner).count() == 3
    assert Notice.objects.filter(user=admins["a"], message__contains="overdue").count() == 1
    assert not Notice.objects.filter(user=outsider_admin).exists()


def test_an_assignment_first_seen_overdue_gets_one_reminder(
    city, admins, rotation, django_capture_on_commit_callbacks, eager_tasks
):
    learner = person(city["a1"], name="学员", email="learner@example.org", hired=days_ago(400))
    rotation_requirement(city["a"], rotation, staff_categories=[])
    assignments_generate()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert assignment_reminders_send() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [admins["a"].email, "learner@example.org"]
    )
    # Written in the learner's language; without a choice, the site's (Chinese).
    assert "已逾期" in next(m.subject for m in mail.outbox if m.to == ["learner@example.org"])
    assert "overdue" in next(m.subject for m in mail.outbox if m.to != ["learner@example.org"])
    assert Notice.objects.filter(user=learner).count() == 1


def test_a_completed_assignment_is_not_reminded(city, rotation):
    learner = person(city["a1"], name="学员", hired=days_ago(400))
    rotation_requirement(city["a"], rotation, staff_categories=[])
    assignments_generate()
    Assignment.objects.filter(user=learner).update(completed_at=timezone.now())
    assert assignment_reminders_send() == 0
