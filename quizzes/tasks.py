"""Celery tasks of quizzes. Thin: they call services."""

from celery import shared_task

from quizzes.models import Attempt, AttemptState, SubmitReason
from quizzes.services import attempts


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=10)
def submit_at_deadline(attempt_id: int) -> None:
    attempt = Attempt.objects.filter(pk=attempt_id, state=AttemptState.IN_PROGRESS).first()
    if attempt is not None:
        attempts.attempt_submit(attempt=attempt, reason=SubmitReason.DEADLINE)


@shared_task(acks_late=True)
def submit_overdue_attempts() -> int:
    return attempts.attempts_submit_overdue()
