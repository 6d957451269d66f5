"""Celery tasks of quizzes. Thin: they call services."""

from celery import shared_task

from quizzes.services import attempts


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=10)
def submit_at_deadline(attempt_id: int) -> bool:
    """Queued with the attempt's deadline (plus grace) as its ETA; harmless if early or repeated."""
    return attempts.attempt_submit_if_overdue(attempt_id=attempt_id)


@shared_task(acks_late=True)
def submit_overdue_attempts() -> int:
    return attempts.attempts_submit_overdue()


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def update_mastery(attempt_id: int) -> int:
    from quizzes.services.mastery import mastery_update_for_attempt

    return mastery_update_for_attempt(attempt_id=attempt_id)
