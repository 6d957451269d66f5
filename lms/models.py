from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.personal_data import mask_login


class User(AbstractUser):
    """A person using Qihang. Roles are groups (see ``lms.roles``)."""

    real_name = models.CharField(_("real name"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Leave empty to follow the browser."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def display_name(self) -> str:
        """How others see the person: a username that is a phone or an email is masked."""
        return self.real_name or self.get_full_name() or mask_login(self.username)

    def __str__(self) -> str:
        return self.display_name


class Notice(models.Model):
    """An in-app message to one person (a reminder, a review outcome), shown until read."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    message = models.CharField(_("message"), max_length=500)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.message


class DeferredTask(models.Model):
    """A Celery task the broker could not take when it was queued (see ``lms.queueing``); sent
    again, then deleted, once the broker is back."""

    name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    kwargs = models.JSONField(_("keyword arguments"), default=dict)
    options = models.JSONField(_("options"), default=dict)  # e.g. {"eta": ISO 8601}
    created_at = models.DateTimeField(_("deferred"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("failed sends"), default=0)

    class Meta:
        verbose_name = _("deferred task")
        verbose_name_plural = _("deferred tasks")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class AuditAction(models.TextChoices):
    EXPORT_DOWNLOADED = "export_downloaded", _("Certificate export downloaded")
    REPORT_DOWNLOADED = "report_downloaded", _("Report downloaded")
    PERSON_RECORD_VIEWED = "person_record_viewed", _("Person's record viewed")
    EVIDENCE_VIEWED = "evidence_viewed", _("Evidence file viewed")
    PERSONAL_DATA_EXPORTED = "personal_data_exported", _("Personal data exported")
    DELETION_REQUESTED = "deletion_requested", _("Deletion requested")
    PERSON_ANONYMISED = "person_anonymised", _("Person anonymised")


class AuditEvent(models.Model):
    """Who saw or took personal data, and when. Written by ``lms.audit.audit_record``, never
    changed or deleted afterwards (the admin offers no way to)."""

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_label = models.CharField(_("by (as recorded)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("person"),
    )
    subject_label = models.CharField(_("person (as recorded)"), max_length=150, blank=True)
    institution = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("institution"),
    )
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["action", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.actor_label} · {self.subject_label}"
