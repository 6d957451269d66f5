"""Outgoing email. Requests enqueue it; a Celery worker sends it."""

from django.core.mail import EmailMessage
from django.db import transaction


def email_send(*, subject: str, body: str, to: list[str]) -> None:
    EmailMessage(subject=subject, body=body, to=to).send()


def email_enqueue(*, subject: str, body: str, to: list[str]) -> None:
    """Send after the current transaction commits, off the request."""
    from lms.tasks import send_email_task

    transaction.on_commit(lambda: send_email_task.delay(subject, body, to))
