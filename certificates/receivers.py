"""Certificates listen to the apps above them: a completed course or a passed assessment may
earn a certificate. The work happens in a Celery task queued when the event's transaction
commits, so issuance follows the event at once and its dates are the event's."""

from django.dispatch import receiver
from django.utils import timezone

from certificates.models import CertificateProgramme
from courses.signals import course_completed
from lms.queueing import enqueue
from quizzes.signals import assessment_passed


def _queue(user_id: int, programme_ids, moment) -> None:
    from certificates.tasks import issue_if_earned

    earned_at = (moment or timezone.now()).isoformat()
    for programme_id in programme_ids:
        enqueue(issue_if_earned, user_id, programme_id, earned_at)


@receiver(course_completed)
def on_course_completed(sender, user, enrollment, **kwargs):
    programmes = CertificateProgramme.objects.filter(
        course_id=enrollment.course_id, is_active=True
    ).values_list("pk", flat=True)
    _queue(user.pk, list(programmes), enrollment.completed_at)


@receiver(assessment_passed)
def on_assessment_passed(sender, attempt, **kwargs):
    programmes = CertificateProgramme.objects.filter(
        required_assessments=attempt.quiz_id, is_active=True
    ).values_list("pk", flat=True)
    _queue(attempt.user_id, list(programmes), attempt.submitted_at)
