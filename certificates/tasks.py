"""Celery tasks of certificates. Thin: they call services."""

import datetime

from celery import shared_task
from django.contrib.auth import get_user_model

from certificates.models import Certificate, CertificateProgramme
from certificates.services.issuance import (
    certificate_documents_ensure,
    certificate_issue_if_earned,
)


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=8)
def issue_if_earned(user_id: int, programme_id: int, earned_at: str | None = None) -> str | None:
    """Enqueued when a learner completes a course or passes an assessment: issue the
    programme's certificate if earned, dated ``earned_at`` (the event's moment, ISO 8601), then
    sign and render it. Safe to run twice."""
    holder = get_user_model().objects.filter(pk=user_id).first()
    programme = (
        CertificateProgramme.objects.select_related("issuer").filter(pk=programme_id).first()
    )
    if holder is None or programme is None:
        return None  # deleted since the event: nothing to issue
    moment = datetime.datetime.fromisoformat(earned_at) if earned_at else None
    certificate_issue_if_earned(holder=holder, programme=programme, now=moment)
    current = (
        Certificate.objects.filter(holder=holder, programme=programme, current=True)
        .select_related("programme__template", "signing_key")
        .first()
    )
    if current is None:
        return None
    certificate_documents_ensure(current)
    return current.serial


@shared_task
def send_expiry_reminders() -> int:
    from certificates.services.reminders import expiry_reminders_send

    return expiry_reminders_send()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def build_export(export_id: int) -> int:
    from certificates.services.exports import export_build

    return export_build(export_id).pk
