"""Question imports uploaded in the admin: checked, then applied, each by a Celery task (a big
file takes a while); the page polls the state and the progress."""

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from lms.queueing import enqueue
from lms.taskbase import TRANSIENT_ERRORS
from quizzes.formats.base import MAX_FILE_BYTES
from quizzes.models import QuestionBank, QuestionImport
from quizzes.services.import_report import ImportReport
from quizzes.services.imports import questions_import

logger = logging.getLogger(__name__)


@transaction.atomic
def question_import_create(*, user, upload, fmt: str | None, bank: QuestionBank) -> QuestionImport:
    """Store an upload and queue its check (a dry run)."""
    from quizzes.tasks import check_question_import

    data = upload.read(MAX_FILE_BYTES + 1)
    question_import = QuestionImport(
        uploaded_by=user,
        bank=bank,
        original_name=upload.name[:255],
        format=fmt or "",
        state=QuestionImport.State.CHECKING,
    )
    question_import.file.save(upload.name, ContentFile(data), save=False)
    question_import.save()
    enqueue(check_question_import, question_import.pk)
    return question_import


def _run(question_import: QuestionImport, *, dry_run: bool) -> ImportReport:
    """Check (``dry_run``) or import the stored file, as its uploader."""
    with question_import.file.open("rb") as handle:
        data = handle.read()
    return questions_import(
        data=data,
        filename=question_import.original_name,
        fmt=question_import.format or None,
        bank=question_import.bank,
        actor=question_import.uploaded_by,
        dry_run=dry_run,
        job=None if dry_run else question_import.job,
    )


def question_import_check(*, import_id: int) -> QuestionImport:
    """Check a stored upload; the file is kept only when it can be applied."""
    question_import = QuestionImport.objects.select_related("bank", "uploaded_by").get(pk=import_id)
    if question_import.state != QuestionImport.State.CHECKING:
        return question_import
    report = _run(question_import, dry_run=True)
    question_import.format = report.format
    question_import.report = report.to_dict()
    question_import.state = (
        QuestionImport.State.READY if report.ok else QuestionImport.State.INVALID
    )
    if not report.ok:
        question_import.file.delete(save=False)
    question_import.save(update_fields=["format", "report", "state", "file"])
    return question_import


@transaction.atomic
def question_import_apply_request(*, question_import: QuestionImport) -> QuestionImport:
    """Queue the import of a checked file (once); the task runs after this transaction."""
    from quizzes.tasks import apply_question_import

    locked = QuestionImport.objects.select_for_update().get(pk=question_import.pk)
    if locked.state != QuestionImport.State.READY:
        return locked
    locked.state = QuestionImport.State.APPLYING
    locked.save(update_fields=["state"])
    enqueue(apply_question_import, locked.pk)
    return locked


def question_import_apply(*, import_id: int) -> QuestionImport:
    question_import = QuestionImport.objects.select_related("bank", "uploaded_by").get(pk=import_id)
    if question_import.state != QuestionImport.State.APPLYING:
        return question_import
    try:
        report = _run(question_import, dry_run=False)
    except TRANSIENT_ERRORS:
        raise  # the database or broker was away: the task runs it again, still APPLYING
    except Exception:
        logger.exception("Question import %s failed", import_id)
        question_import.state = QuestionImport.State.FAILED
        question_import.save(update_fields=["state"])
        raise
    question_import.report = report.to_dict()
    if report.applied:
        question_import.state = QuestionImport.State.APPLIED
        question_import.applied_at = timezone.now()
    else:  # the bank or the syllabus changed since the check
        question_import.state = QuestionImport.State.INVALID
    question_import.save(update_fields=["report", "state", "applied_at"])
    return question_import


def question_import_report(question_import: QuestionImport) -> ImportReport:
    return ImportReport.from_dict(question_import.report or {"filename": ""})
