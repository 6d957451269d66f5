"""Celery tasks of institution reporting (queue "reports"). Thin: each calls a service, and each
can run twice without doing anything twice."""

import datetime

from celery import shared_task
from django.contrib.auth import get_user_model

from lms.queueing import enqueue

from .models import TrainingRequirement
from .services.reminders import assignment_reminders_send
from .services.reports import report_build, scheduled_report_send, scheduled_reports_create
from .services.requirements import assignments_complete, assignments_generate


@shared_task
def generate_assignments(requirement_id: int | None = None, user_id: int | None = None) -> int:
    requirement = (
        TrainingRequirement.objects.filter(pk=requirement_id).first() if requirement_id else None
    )
    if requirement_id and requirement is None:
        return 0
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    if user_id and user is None:
        return 0
    return assignments_generate(requirement=requirement, user=user)


@shared_task
def complete_assignments(user_id: int) -> int:
    user = get_user_model().objects.filter(pk=user_id).first()
    return assignments_complete(user=user) if user is not None else 0


@shared_task
def send_assignment_reminders() -> int:
    return assignment_reminders_send()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def build_report(report_id: int) -> None:
    report_build(report_id)


@shared_task
def schedule_reports(kind: str) -> int:
    """Make last month's (or last year's) reports and queue their building and sending."""
    due = scheduled_reports_create(kind)
    for institution_id, period_start in due:
        enqueue(send_scheduled_report, institution_id, kind, period_start)
    return len(due)


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def send_scheduled_report(institution_id: int, kind: str, period_start: str) -> bool:
    return scheduled_report_send(
        institution_id=institution_id,
        kind=kind,
        period_start=datetime.date.fromisoformat(period_start),
    )
