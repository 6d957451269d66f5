"""Celery tasks of quizzes. Thin: they call services."""

from celery import shared_task

from quizzes.services import attempts


@shared_task
def submit_overdue_attempts() -> int:
    """Every 30 s (Celery beat): submit the attempts past their deadline."""
    return attempts.attempts_submit_overdue()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def after_submit(attempt_id: int) -> bool:
    from quizzes.services.analysis import attempt_analyse

    return attempt_analyse(attempt_id=attempt_id)


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def compute_quiz_statistics(quiz_id: int) -> int:
    from quizzes.services.item_statistics import quiz_statistics_compute

    quiz_stats = quiz_statistics_compute(quiz_id=quiz_id)
    return quiz_stats.attempts if quiz_stats else 0


@shared_task
def refresh_item_statistics() -> dict:
    from quizzes.services.item_statistics import item_statistics_refresh

    return item_statistics_refresh()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def regrade_with_corrected_key(version_id: int, by_id: int | None = None) -> int:
    """Re-score past answers with a corrected key (idempotent: a second run changes nothing)."""
    from quizzes.services.regrade import regrade_with_corrected_key as regrade

    return regrade(version_id=version_id, by_id=by_id)


@shared_task
def check_question_import(import_id: int) -> str:
    from quizzes.services.import_jobs import question_import_check

    return question_import_check(import_id=import_id).state


@shared_task
def apply_question_import(import_id: int) -> str:
    from quizzes.services.import_jobs import question_import_apply

    return question_import_apply(import_id=import_id).state
