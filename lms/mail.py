"""Outgoing email. Requests enqueue it; a Celery worker sends it."""

from django.core.mail import EmailMessage

from lms.queueing import enqueue


def email_send(*, subject: str, body: str, to: list[str]) -> None:
    EmailMessage(subject=subject, body=body, to=to).send()


def email_enqueue(*, subject: str, body: str, to: list[str]) -> None:
    """Send after the current transaction commits, off the request."""
    from lms.tasks import send_email_task

    enqueue(send_email_task, subject, body, to)
