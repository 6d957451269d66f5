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
def after_submit(attempt_id: int) -> bool:
    from quizzes.services.analysis import attempt_analyse

    return attempt_analyse(attempt_id=attempt_id)


@shared_task(acks_late=True)
def apply_question_import(import_id: int) -> str:
    from quizzes.services.import_jobs import question_import_apply

    return question_import_apply(import_id=import_id).state
