"""Deleting a person's personal data: the account is anonymised at once, in one transaction.

What goes: name, username (``deleted-<id>``), email, phone, password (unusable), the account
itself (inactive, so every session and API token stops working), roles, posts, hire dates and
supervisors, accommodation reasons, notices, qualification numbers, two-factor keys and
recovery codes, and every uploaded evidence
file and certificate PDF (removed from storage once the transaction commits).

What stays, holding nothing that names the person: each membership's institution and staff
category (so the institution statistics still count their training), enrolments, progress,
study time, attempts and scores (as anonymous statistics), and certificates, so that a
certificate verifies as before. A certificate's stored name is cleared (the verification page
then says "Deleted user"); its signed credential is kept untouched, since it holds only a salted
hash of the name and changing it would break its signature.

The audit log keeps its events, but the names recorded in them for this person are replaced by
the anonymous label: the log must not keep what the deletion removed.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework.authtoken.models import Token

from certificates.models import Certificate, HoursEntry
from institutions.models import Membership
from lms.audit import audit_record
from lms.models import AuditAction, AuditEvent, Notice
from lms.two_factor import two_factor_disable
from quizzes.models import Accommodation

from ..models import ExternalQualification


def _files_of(person) -> list:
    files = []
    for model, field, owner in (
        (ExternalQualification, "evidence", "user"),
        (HoursEntry, "evidence", "user"),
        (Certificate, "pdf", "holder"),
    ):
        for row in model.objects.filter(**{owner: person}).exclude(**{field: ""}):
            stored = getattr(row, field)
            files.append((stored.storage, stored.name))
    return files


def _delete_files(files: list) -> None:
    for storage, name in files:
        storage.delete(name)


@transaction.atomic
def person_anonymise(*, person, actor, request=None, reason: str = "") -> None:
    """Anonymise ``person`` (by themself or by a city admin, ``actor``). Cannot be undone."""
    User = get_user_model()
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.username == f"deleted-{person.pk}":
        return  # already done
    audit_record(
        action=AuditAction.PERSON_ANONYMISED,
        actor=actor,
        subject=person,
        request=request,
        detail={"by_themself": actor is not None and actor.pk == person.pk, "reason": reason},
    )
    files = _files_of(person)
    label = f"deleted-{person.pk}"
    person.username = label
    person.real_name = person.first_name = person.last_name = ""
    person.email = person.phone = person.preferred_language = ""
    person.is_active = person.is_staff = person.is_superuser = False
    person.set_unusable_password()  # also ends every session: their hash no longer matches
    person.save()
    person.groups.clear()
    person.user_permissions.clear()
    Token.objects.filter(user=person).delete()
    two_factor_disable(user=person)  # the authenticator's key and the recovery codes
    Notice.objects.filter(user=person).delete()
    Membership.objects.filter(user=person).update(post="", hire_date=None, supervisor=None)
    Membership.objects.filter(supervisor=person).update(supervisor=None)
    Accommodation.objects.filter(user=person).update(reason="")
    ExternalQualification.objects.filter(user=person).update(number="", evidence="", review_note="")
    HoursEntry.objects.filter(user=person).update(evidence="")
    Certificate.objects.filter(holder=person).update(holder_name="", pdf="")
    AuditEvent.objects.filter(subject=person).update(subject_label=label)
    AuditEvent.objects.filter(actor=person).update(actor_label=label)
    transaction.on_commit(lambda: _delete_files(files))
