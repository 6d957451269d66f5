"""A question file a trainer uploaded in the admin: checked (a dry run), then applied."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.storage import private_storage


def _import_path(instance, filename: str) -> str:
    """Stored under a random name: the uploader's file name is kept only as data."""
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"question-imports/{uuid.uuid4().hex}{suffix}"


class QuestionImport(models.Model):
    class State(models.TextChoices):
        CHECKING = "checking", _("Being checked")
        READY = "ready", _("Ready to import")
        INVALID = "invalid", _("Has errors")
        APPLYING = "applying", _("Importing")
        APPLIED = "applied", _("Imported")
        FAILED = "failed", _("Failed")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="question_imports",
        verbose_name=_("uploaded by"),
    )
    bank = models.ForeignKey(
        "quizzes.QuestionBank",
        on_delete=models.CASCADE,
        related_name="imports",
        verbose_name=_("bank"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    file = models.FileField(upload_to=_import_path, storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=255)
    format = models.CharField(_("format"), max_length=16, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.READY)
    # ImportReport.to_dict() of the last check or of the import
    report = models.JSONField(default=dict, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("question import")
        verbose_name_plural = _("question imports")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_state_display()})"

    @property
    def busy(self) -> bool:
        return self.state in (self.State.CHECKING, self.State.APPLYING)

    @property
    def job(self) -> str:
        return f"admin-{self.pk}"
