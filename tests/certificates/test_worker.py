"""Completing a course earns the certificate through the real Celery worker, at once."""

import os
import time

import pytest
from django.conf import settings

from certificates.models import Certificate
from tests.certificates.conftest import complete_course


@pytest.mark.skipif(
    not os.environ.get("QIHANG_WORKER_MAIL_DIR"),
    reason="needs the Celery worker and Redis started by `make test`",
)
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_completing_the_course_issues_the_certificate_with_its_pdf(learner, programme):
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    complete_course(learner, programme.course)
    completed_at = learner.enrollments.get().completed_at
    deadline = time.monotonic() + 60
    certificate = None
    while time.monotonic() < deadline:
        certificate = Certificate.objects.filter(holder=learner, pdf__gt="").first()
        if certificate is not None and certificate.credential is not None:
            break
        time.sleep(0.3)
    assert certificate is not None, "no certificate within 60 s"
    assert certificate.issued_at == completed_at  # dated by the completion, not the queue
    assert certificate.pdf.open("rb").read(4) == b"%PDF"
    assert Certificate.objects.filter(holder=learner).count() == 1
