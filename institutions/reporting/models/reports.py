"""Report files: built on demand or on a schedule, kept in private storage."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.storage import private_storage


class ReportKind(models.TextChoices):
    ON_DEMAND = "on_demand", _("On demand")
    MONTHLY = "monthly", _("Monthly")
    ANNUAL = "annual", _("Annual")


class ReportFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel workbook (XLSX)")
    CSV = "csv", _("CSV")
    PDF = "pdf", _("PDF with charts")


class ReportState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being built")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class Report(models.Model):
    institution = models.ForeignKey(
        "institutions.Institution", on_delete=models.CASCADE, related_name="reports"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ReportKind)
    format = models.CharField(_("format"), max_length=8, choices=ReportFormat)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to (exclusive)"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    language = models.CharField(max_length=10, blank=True)
    state = models.CharField(max_length=16, choices=ReportState, default=ReportState.QUEUED)
    error = models.CharField(max_length=300, blank=True)
    file = models.FileField(storage=private_storage, upload_to="reports/%Y/%m/", blank=True)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        constraints = [
            # A scheduled report exists once per institution, period and format.
            models.UniqueConstraint(
                fields=["institution", "kind", "format", "period_start"],
                condition=~Q(kind="on_demand"),
                name="unique_scheduled_report",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.period_start}–{self.period_end} {self.format}"
