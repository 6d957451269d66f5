"""Issuing certificates exactly once, re-certifying after expiry, and revoking them.

Exactly once: at most one *current* certificate per holder and programme is a database
constraint, so when two completion events race, one insert wins and the other finds it.
"""

import datetime
import secrets

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.models import (
    Certificate,
    CertificateEvent,
    CertificateProgramme,
    SerialCounter,
)
from certificates.services.credentials import credential_sign
from certificates.services.hours import hours_from_certificate
from certificates.services.keys import current_signing_key
from certificates.services.rendering import certificate_pdf
from certificates.services.rules import rule_check
from certificates.signals import certificate_issued
from institutions.selectors import administers

Action = CertificateEvent.Action


def _next_serial(year: int) -> str:
    counter, _created = SerialCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"QH-{year}-{counter.last:06d}"


def _issue(
    *, holder, programme: CertificateProgramme, now, action: str, actor=None, reason=""
) -> Certificate | None:
    """Make the holder's new current certificate (superseding an expired one); None when a
    concurrent issuance got there first."""
    try:
        with transaction.atomic():
            previous = (
                Certificate.objects.select_for_update()
                .filter(holder=holder, programme=programme, current=True)
                .first()
            )
            if previous is not None:
                if previous.revoked_at is None and (
                    previous.expires_at is None or previous.expires_at > now
                ):
                    return None  # still valid: nothing to issue
                previous.current = False
                previous.superseded_at = now
                previous.save(update_fields=["current", "superseded_at"])
                CertificateEvent.objects.create(
                    certificate=previous, action=Action.SUPERSEDED, actor=actor, at=now
                )
            certificate = Certificate.objects.create(
                programme=programme,
                holder=holder,
                serial=_next_serial(timezone.localtime(now).year),
                code=secrets.token_urlsafe(12),
                holder_name=holder.real_name or holder.get_username(),
                programme_name=programme.name,
                issuer_name=programme.issuer.name,
                hours=programme.credit_hours,
                issued_at=now,
                expires_at=(
                    now + relativedelta(months=programme.validity_months)
                    if programme.validity_months
                    else None
                ),
                signing_key=current_signing_key(),
            )
            CertificateEvent.objects.create(
                certificate=certificate, action=action, actor=actor, reason=reason, at=now
            )
            hours_from_certificate(certificate)
    except IntegrityError:
        return None
    certificate_issued.send(sender=Certificate, certificate=certificate)
    return certificate


def certificate_issue_if_earned(
    *, holder, programme: CertificateProgramme, now: datetime.datetime | None = None
) -> Certificate | None:
    """Issue the programme's certificate if the holder has met its rule and holds no current
    one (a valid or revoked certificate blocks; an expired one is superseded after a retake).
    Returns the new certificate, or None."""
    now = now or timezone.now()
    if not programme.is_active:
        return None
    previous = Certificate.objects.filter(holder=holder, programme=programme, current=True).first()
    if previous is not None and (
        previous.revoked_at is not None or previous.expires_at is None or previous.expires_at > now
    ):
        return None
    since = previous.expires_at if previous is not None else None
    if not rule_check(user=holder, programme=programme, since=since).met:
        return None
    return _issue(holder=holder, programme=programme, now=now, action=Action.ISSUED)


def certificate_issue_by_admin(
    *, actor, holder, programme: CertificateProgramme, reason: str
) -> Certificate | None:
    """An institution admin issues a certificate to one of their own people (bulk issue calls
    this per person); the rule is not checked, the reason is recorded."""
    if not administers(actor, holder):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the certificate is issued by hand.")})
    return _issue(
        holder=holder,
        programme=programme,
        now=timezone.now(),
        action=Action.ISSUED_BY_ADMIN,
        actor=actor,
        reason=reason.strip(),
    )


def certificate_revoke(*, actor, certificate: Certificate, reason: str) -> Certificate:
    if not administers(actor, certificate.holder):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for revoking the certificate.")})
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.revoked_at is not None:
            return certificate
        now = timezone.now()
        certificate.revoked_at = now
        certificate.revoked_reason = reason.strip()
        certificate.save(update_fields=["revoked_at", "revoked_reason"])
        CertificateEvent.objects.create(
            certificate=certificate, action=Action.REVOKED, actor=actor, reason=reason, at=now
        )
    return certificate


def certificate_documents_ensure(certificate: Certificate, *, pdf: bool = True) -> Certificate:
    """Sign the credential and render the PDF if either is missing (idempotent; the Celery
    task that follows issuance calls it, and a download renders a missing PDF at once).
    ``pdf=False`` only signs (the public credential endpoint never renders)."""
    fields = []
    if certificate.credential is None:
        certificate.credential = credential_sign(certificate)
        fields.append("credential")
    if pdf and not certificate.pdf:
        certificate.pdf.save(
            f"{certificate.serial}.pdf", ContentFile(certificate_pdf(certificate)), save=False
        )
        fields.append("pdf")
    if fields:
        certificate.save(update_fields=fields)
    return certificate
