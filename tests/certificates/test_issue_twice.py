"""A certificate task delivered twice (a worker killed before it acknowledged the first run)
issues one certificate."""

import pytest
from django.db import IntegrityError, transaction

from certificates.models import Certificate
from certificates.services.issuance import certificate_issue_if_earned
from certificates.tasks import issue_if_earned
from tests.certificates.conftest import complete_course

pytestmark = pytest.mark.django_db


def test_the_issue_task_run_twice_issues_one_certificate(learner, programme):
    complete_course(learner, programme.course)  # its task is queued on a commit: not here
    first = issue_if_earned.apply((learner.pk, programme.pk)).get()
    second = issue_if_earned.apply((learner.pk, programme.pk)).get()
    assert first is not None and first == second
    assert Certificate.objects.filter(holder=learner, programme=programme).count() == 1


def test_the_database_refuses_a_second_current_certificate(learner, programme):
    complete_course(learner, programme.course)
    certificate = certificate_issue_if_earned(holder=learner, programme=programme)
    certificate.pk = None
    certificate.serial, certificate.code = "QH-DUP-000001", "duplicate-code"
    with pytest.raises(IntegrityError), transaction.atomic():
        certificate.save()
