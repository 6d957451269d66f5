"""Qualifications gained elsewhere: the learner records one with evidence; an admin of their
institution approves it, and it satisfies the requirements it counts for."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from certificates.services.hours import evidence_kind
from institutions.selectors import administered_institutions, administers
from lms.notices import language_of, notice_send

from ..models import Assignment, ExternalQualification, QualificationKind, QualificationState
from .requirements import assignments_complete


def qualification_submit(
    *,
    user,
    kind: str,
    title: str,
    number: str,
    issuer: str,
    issued_on: datetime.date | None,
    evidence,
) -> ExternalQualification:
    errors = {}
    if kind not in QualificationKind.values:
        errors["kind"] = _("Choose the kind of qualification.")
    if not title.strip():
        errors["title"] = _("Give the title printed on the certificate.")
    if not issuer.strip():
        errors["issuer"] = _("Name who issued it.")
    if issued_on is None or issued_on > timezone.localdate():
        errors["issued_on"] = _("The date cannot be in the future.")
    try:
        extension = evidence_kind(evidence)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    qualification = ExternalQualification(
        user=user,
        kind=kind,
        title=title.strip(),
        number=number.strip(),
        issuer=issuer.strip(),
        issued_on=issued_on,
    )
    qualification.evidence.save(f"evidence.{extension}", evidence, save=False)
    qualification.save()
    return qualification


def open_assignments_for(admin, person):
    """The person's open assignments under requirements of ``admin``'s own institutions: the
    ones an approved qualification of theirs may count for."""
    return Assignment.objects.filter(
        user=person,
        completed_at__isnull=True,
        requirement__institution__in=administered_institutions(admin),
    ).select_related("requirement")


def qualification_review(
    *,
    actor,
    qualification: ExternalQualification,
    approve: bool,
    note: str = "",
    counts_for: list[int] | None = None,
) -> ExternalQualification:
    """Approve (optionally naming open assignments it satisfies, e.g. equivalent training) or
    reject with a reason. Only an admin of the person's institution may review."""
    if not administers(actor, qualification.user) or actor.pk == qualification.user_id:
        raise PermissionDenied
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why the qualification is not accepted.")})
    with transaction.atomic():
        qualification = ExternalQualification.objects.select_for_update().get(pk=qualification.pk)
        if qualification.state != QualificationState.PENDING:
            raise ValidationError(_("This qualification was already reviewed."))
        now = timezone.now()
        qualification.state = (
            QualificationState.APPROVED if approve else QualificationState.REJECTED
        )
        qualification.reviewed_by = actor
        qualification.reviewed_at = now
        qualification.review_note = note.strip()
        qualification.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_note"])
        if approve:
            open_assignments_for(actor, qualification.user).filter(pk__in=counts_for or []).update(
                completed_at=now, qualification=qualification
            )
            assignments_complete(user=qualification.user)
        with translation.override(language_of(qualification.user)):
            message = (
                _("Your qualification “%(title)s” was approved.")
                if approve
                else _("Your qualification “%(title)s” was not accepted: %(note)s")
            ) % {"title": qualification.title, "note": note.strip()}
        notice_send(user=qualification.user, message=message, link=reverse("my-training"))
    return qualification
