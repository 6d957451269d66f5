"""Reminders before expiry: to the holder and their institution admins, each sent once."""

import datetime

import pytest
from django.utils import timezone

from certificates.models import ExpiryReminder
from certificates.services.issuance import certificate_issue_if_earned
from certificates.services.reminders import expiry_reminders_send
from institutions.selectors import admins_of
from institutions.services import membership_set
from tests.certificates.conftest import complete_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_admins_of_a_person_are_those_of_their_institution_and_above(learner, bureau):
    above = UserFactory(role="institution_admin")
    membership_set(user=above, institution=bureau["city"], staff_category="civil_servant")
    beside = UserFactory(role="institution_admin")
    membership_set(user=beside, institution=bureau["other"], staff_category="civil_servant")
    colleague = UserFactory(role="candidate")
    membership_set(user=colleague, institution=bureau["bureau"], staff_category="civil_servant")
    assert list(admins_of(learner)) == [above]


def test_each_reminder_goes_once_and_late_ones_skip_the_earlier(
    learner, programme, bureau, django_capture_on_commit_callbacks
):
    admin = UserFactory(role="institution_admin", email="admin@example.org")
    membership_set(user=admin, institution=bureau["city"], staff_category="civil_servant")
    learner.email = "learner@example.org"
    learner.save()
    complete_course(learner, programme.course)
    certificate = certificate_issue_if_earned(holder=learner, programme=programme)
    expires = certificate.expires_at

    def run(days_before_expiry):
        with django_capture_on_commit_callbacks() as emails:
            sent = expiry_reminders_send(now=expires - datetime.timedelta(days=days_before_expiry))
        return sent, len(emails)

    assert run(100) == (0, 0)
    assert run(85) == (1, 2)  # the holder and the admin
    assert run(84) == (0, 0)  # the job ran again: nothing twice
    assert run(29) == (1, 2)
    assert run(6) == (1, 2)
    assert run(1) == (0, 0)
    rows = dict(ExpiryReminder.objects.values_list("days_before", "sent_at"))
    assert set(rows) == {90, 30, 7} and all(rows.values())


def test_a_certificate_first_seen_late_gets_only_the_latest_reminder(
    learner, programme, django_capture_on_commit_callbacks
):
    learner.email = "learner@example.org"
    learner.save()
    complete_course(learner, programme.course)
    certificate = certificate_issue_if_earned(holder=learner, programme=programme)
    with django_capture_on_commit_callbacks() as emails:
        expiry_reminders_send(now=certificate.expires_at - datetime.timedelta(days=5))
    assert len(emails) == 1
    sent = {r.days_before: r.sent_at is not None for r in ExpiryReminder.objects.all()}
    assert sent == {7: True, 30: False, 90: False}
    assert timezone.now() < certificate.expires_at
