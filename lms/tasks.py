"""Celery tasks of the platform. Thin: they call services."""

from celery import shared_task

from lms import mail


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email_task(subject: str, body: str, to: list[str]) -> None:
    mail.email_send(subject=subject, body=body, to=to)
