"""Roster imports: store the upload, check it (the dry run), apply it in one transaction.

Both steps run in Celery tasks (``institutions.tasks``). Their progress lives in the cache, not
the database: the apply transaction's own writes would be invisible to the page until commit.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from institutions.models import RosterImport
from institutions.services import membership_set
from lms.mail import email_enqueue
from lms.queueing import enqueue
from lms.services import user_create_unclaimed
from lms.taskbase import TRANSIENT_ERRORS

from .checking import Check, RowPlan, roster_check
from .reading import RosterFileError, read_roster

logger = logging.getLogger(__name__)
PROGRESS_SECONDS = 6 * 3600


def _progress_key(import_id: int) -> str:
    return f"roster-import:{import_id}:progress"


def roster_progress(roster_import: RosterImport) -> dict:
    """Rows done of the step under way, as the page's progress bar shows it."""
    stored = cache.get(_progress_key(roster_import.pk)) or {}
    total = stored.get("total", roster_import.row_count)
    done = stored.get("done", 0)
    if not roster_import.busy:
        done = total
    return {"done": done, "total": total}


def _progress_setter(import_id: int):
    def progress(done: int, total: int) -> None:
        cache.set(_progress_key(import_id), {"done": done, "total": total}, PROGRESS_SECONDS)

    return progress


def roster_import_create(*, admin, upload) -> RosterImport:
    """Store an uploaded roster privately and queue its check."""
    roster_import = RosterImport(uploaded_by=admin, original_name=upload.name[:255])
    roster_import.file.save(upload.name, upload, save=False)
    roster_import.save()
    cache.set(_progress_key(roster_import.pk), {"done": 0, "total": 0}, PROGRESS_SECONDS)
    from institutions.tasks import check_roster

    enqueue(check_roster, roster_import.pk)
    return roster_import


def _read(roster_import: RosterImport):
    with roster_import.file.open("rb") as handle:
        content = handle.read(settings.ROSTER_MAX_UPLOAD_BYTES + 1)
    return read_roster(content, roster_import.original_name)


def _file_error(error: RosterFileError) -> dict:
    return {"row": error.row, "column": "", "message": error.message, "params": error.params}


def _record(roster_import: RosterImport, check: Check) -> None:
    roster_import.errors = check.errors
    roster_import.preview = check.preview()
    roster_import.row_count = len(check.rows)
    roster_import.create_count = check.count("create")
    roster_import.update_count = check.count("update")
    roster_import.unchanged_count = check.count("unchanged")
    roster_import.checked_at = timezone.now()


def roster_import_check(*, import_id: int) -> RosterImport:
    """The dry run: work out each row's action and every error; write nothing else."""
    roster_import = RosterImport.objects.select_related("uploaded_by").get(pk=import_id)
    if roster_import.state != RosterImport.State.VALIDATING:
        return roster_import  # checked already (a task delivered twice)
    try:
        sheet = _read(roster_import)
        check = roster_check(
            sheet=sheet,
            admin=roster_import.uploaded_by,
            progress=_progress_setter(roster_import.pk),
        )
    except RosterFileError as error:
        roster_import.errors = [_file_error(error)]
        roster_import.state = RosterImport.State.INVALID
    except TRANSIENT_ERRORS:
        raise  # the database was away: the task checks again, still VALIDATING
    except Exception:
        logger.exception("roster import %s: check failed", roster_import.pk)
        roster_import.state = RosterImport.State.FAILED
    else:
        _record(roster_import, check)
        roster_import.state = (
            RosterImport.State.READY if check.ok and check.rows else RosterImport.State.INVALID
        )
        if not check.rows and check.ok:
            roster_import.errors = [
                {
                    "row": None,
                    "column": "",
                    "message": gettext_noop("The file has no data rows."),
                    "params": {},
                }
            ]
    roster_import.save()
    return roster_import


def roster_import_apply_request(*, admin, roster_import: RosterImport) -> bool:
    """Queue the import of a checked roster; False if it is not ready (or already queued)."""
    started = RosterImport.objects.filter(
        pk=roster_import.pk, uploaded_by=admin, state=RosterImport.State.READY
    ).update(state=RosterImport.State.APPLYING)
    if not started:
        return False
    cache.set(
        _progress_key(roster_import.pk),
        {"done": 0, "total": roster_import.row_count},
        PROGRESS_SECONDS,
    )
    from institutions.tasks import apply_roster

    enqueue(apply_roster, roster_import.pk)
    return True


class _Invalid(Exception):
    def __init__(self, check: Check):
        self.check = check


def roster_import_apply(*, import_id: int) -> RosterImport:
    """Check the file again and, if it is still clean, import every row in one transaction."""
    roster_import = RosterImport.objects.select_related("uploaded_by").get(pk=import_id)
    if roster_import.state != RosterImport.State.APPLYING:
        return roster_import  # applied already (a task delivered twice) or never requested
    progress = _progress_setter(roster_import.pk)
    try:
        sheet = _read(roster_import)
        with transaction.atomic():
            check = roster_check(sheet=sheet, admin=roster_import.uploaded_by)
            if not check.ok:
                raise _Invalid(check)
            invited = _write(check, roster_import.uploaded_by, progress)
            _record(roster_import, check)
            roster_import.invited_count = invited
            roster_import.state = RosterImport.State.APPLIED
            roster_import.applied_at = timezone.now()
            roster_import.save()
    except RosterFileError as error:
        roster_import.errors = [_file_error(error)]
        roster_import.state = RosterImport.State.INVALID
        roster_import.save(update_fields=["errors", "state"])
    except _Invalid as invalid:
        # Something changed since the dry run (a person or an institution): nothing written.
        _record(roster_import, invalid.check)
        roster_import.state = RosterImport.State.INVALID
        roster_import.save()
    except TRANSIENT_ERRORS:
        raise  # the database was away: nothing was written, the task applies it again
    except Exception:
        logger.exception("roster import %s: apply failed", roster_import.pk)
        RosterImport.objects.filter(pk=roster_import.pk).update(state=RosterImport.State.FAILED)
        roster_import.state = RosterImport.State.FAILED
    return roster_import


def _write(check: Check, admin, progress) -> int:
    """Create the new people, then set every membership that changes. Returns invitations."""
    people = {}  # person (first row) -> user
    invited = 0
    for person, details in check.new_people.items():
        user = user_create_unclaimed(
            username=details["phone"] or details["email"],
            real_name=details["name"],
            phone=details["phone"],
            email=details["email"],
        )
        people[person] = user
        if user.email:
            _invite(user, admin)
            invited += 1
    total = len(check.rows)
    for done, plan in enumerate(check.rows, start=1):
        _write_row(plan, people)
        if done % 100 == 0 or done == total:
            progress(done, total)
    return invited


def _write_row(plan: RowPlan, people: dict) -> None:
    user = plan.user or people[plan.person]
    if "name" in plan.changes:
        user.real_name = plan.name
        user.save(update_fields=["real_name"])
    if plan.action == "unchanged" or plan.changes == ["name"]:
        return
    membership = plan.membership
    if plan.supervisor is None:
        supervisor = membership.supervisor if membership else None
    else:
        kind, key = plan.supervisor
        supervisor = people[key] if kind == "row" else get_user_model().objects.get(pk=key)
    membership_set(
        user=user,
        institution=plan.institution,
        staff_category=plan.staff_category or membership.staff_category,
        post=plan.post if plan.post is not None else (membership.post if membership else ""),
        hire_date=plan.hire_date or (membership.hire_date if membership else None),
        supervisor=supervisor,
    )


def _invite(user, admin) -> None:
    link = settings.SITE_URL.rstrip("/") + reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "name": user.display_name,
        "admin": admin.display_name,
        "username": user.username,
        "link": link,
        "days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        email_enqueue(
            subject=_("You are invited to Qihang"),
            body=_(
                "%(name)s, %(admin)s has added you to Qihang, where you will take your training "
                "and prepare for the social work exams.\n\n"
                "Your username is %(username)s. Open this link within %(days)s days to choose "
                "your password:\n%(link)s\n"
            )
            % context,
            to=[user.email],
        )
