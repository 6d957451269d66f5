"""Qualifications gained outside Qihang (the national exam, training elsewhere), with evidence."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.storage import private_storage


class QualificationKind(models.TextChoices):
    JUNIOR = "junior", _("Assistant social worker certificate (national exam, junior)")
    INTERMEDIATE = "intermediate", _("Social worker certificate (national exam, intermediate)")
    SENIOR = "senior", _("Senior social worker certificate")
    TRAINING = "training", _("Training certificate from another provider")


# The national social work qualification, at any level.
SOCIAL_WORK_QUALIFICATIONS = (
    QualificationKind.JUNIOR,
    QualificationKind.INTERMEDIATE,
    QualificationKind.SENIOR,
)


class QualificationState(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Not accepted")


class ExternalQualification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qualifications"
    )
    kind = models.CharField(_("qualification"), max_length=16, choices=QualificationKind)
    title = models.CharField(_("title on the certificate"), max_length=200)
    number = models.CharField(_("certificate number"), max_length=64, blank=True)
    issuer = models.CharField(_("issued by"), max_length=200)
    issued_on = models.DateField(_("issued on"))
    evidence = models.FileField(
        _("evidence"), storage=private_storage, upload_to="qualifications/%Y/%m/"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=QualificationState, default=QualificationState.PENDING
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("external qualification")
        verbose_name_plural = _("external qualifications")
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.user}: {self.title}"
