from django.db import models


class ExpiryReminder(models.Model):
    """A reminder sent (or, when a later one superseded it, skipped) before a certificate
    expires; one row per certificate and threshold, so a job run twice sends nothing twice."""

    certificate = models.ForeignKey(
        "certificates.Certificate", on_delete=models.CASCADE, related_name="reminders"
    )
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(null=True, blank=True)  # empty: skipped

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "days_before"], name="one_reminder_per_threshold"
            )
        ]

    def __str__(self) -> str:
        return f"{self.certificate} −{self.days_before} d"
