"""Celery tasks of the platform. Thin: they call services."""

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings

from lms import mail, queueing


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email_task(subject: str, body: str, to: list[str]) -> None:
    mail.email_send(subject=subject, body=body, to=to)


@shared_task
def send_deferred_tasks() -> int:
    """Send the tasks kept while the broker was down (every minute, and when a worker starts)."""
    return queueing.deferred_tasks_send()


@worker_ready.connect
def _send_deferred_when_ready(sender, **kwargs) -> None:
    # Queued, not run here: the worker's main process keeps no database connection.
    if settings.DEFERRED_TASKS_AT_WORKER_START:
        send_deferred_tasks.delay()
