"""Writing to the hours ledger: hours from Qihang's certificates, and training elsewhere that the
learner enters with evidence and their institution admin approves."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.models import Certificate, HoursEntry, HoursState, Registration
from institutions.selectors import administers
from lms.uploads import check_evidence


def hours_from_certificate(certificate: Certificate) -> HoursEntry:
    """The certificate's credit hours, approved at once (called when it is issued)."""
    entry, _created = HoursEntry.objects.get_or_create(
        certificate=certificate,
        defaults={
            "user_id": certificate.holder_id,
            "title": certificate.programme_name,
            "provider": certificate.issuer_name,
            "hours": certificate.hours,
            "earned_on": timezone.localdate(certificate.issued_at),
            "state": HoursState.APPROVED,
        },
    )
    return entry


def evidence_kind(upload) -> str:
    """The file type ("pdf", "jpg", "png") read from its content (``lms.uploads``);
    ValidationError on the "evidence" field if the file is missing, too large or not one."""
    if upload is None:
        raise ValidationError({"evidence": _("Attach the certificate or attendance record.")})
    try:
        return check_evidence(upload)
    except ValidationError as error:
        raise ValidationError({"evidence": error.messages}) from None


def external_hours_submit(
    *, user, title: str, provider: str, hours: Decimal, earned_on: datetime.date, evidence
) -> HoursEntry:
    errors = {}
    if not title.strip():
        errors["title"] = _("Name the training.")
    if not provider.strip():
        errors["provider"] = _("Name who gave the training.")
    if hours is None or not Decimal("0.5") <= hours <= Decimal(200):
        errors["hours"] = _("Give between 0.5 and 200 hours.")
    if earned_on is None or earned_on > timezone.localdate():
        errors["earned_on"] = _("The date cannot be in the future.")
    try:
        kind = evidence_kind(evidence)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    entry = HoursEntry(
        user=user,
        title=title.strip(),
        provider=provider.strip(),
        hours=hours,
        earned_on=earned_on,
        state=HoursState.PENDING,
    )
    entry.evidence.save(f"evidence.{kind}", evidence, save=False)
    entry.save()
    return entry


def external_hours_review(*, actor, entry: HoursEntry, approve: bool, note: str = "") -> HoursEntry:
    """An institution admin approves (or rejects, saying why) hours one of their people entered."""
    if entry.certificate_id is not None or not administers(actor, entry.user):
        raise PermissionDenied
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why the hours are not accepted.")})
    with transaction.atomic():
        entry = HoursEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.state != HoursState.PENDING:
            raise ValidationError(_("These hours were already reviewed."))
        entry.state = HoursState.APPROVED if approve else HoursState.REJECTED
        entry.reviewed_by = actor
        entry.reviewed_at = timezone.now()
        entry.review_note = note.strip()
        entry.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_note"])
    return entry


def registration_set(*, user, level: str, registered_on: datetime.date) -> Registration:
    if registered_on > timezone.localdate():
        raise ValidationError({"registered_on": _("The date cannot be in the future.")})
    registration, _created = Registration.objects.update_or_create(
        user=user, defaults={"level": level, "registered_on": registered_on}
    )
    return registration
