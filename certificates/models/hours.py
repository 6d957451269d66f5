"""The continuing-education hours ledger and the registration periods it is counted against.

A social worker's certificate never expires; its registration does: valid 3 years, renewed in
the 3 months before it lapses, with at least 72 hours of continuing education in the period
(junior) or 90 (intermediate and senior). Every certificate Qihang issues adds its credit hours
to the ledger; training elsewhere is entered by the learner with evidence and counts once their
institution admin approves it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.storage import private_storage


class RegistrationLevel(models.TextChoices):
    JUNIOR = "junior", _("Assistant social worker (junior)")
    INTERMEDIATE = "intermediate", _("Social worker (intermediate)")
    SENIOR = "senior", _("Senior social worker")


REQUIRED_HOURS = {
    RegistrationLevel.JUNIOR: 72,
    RegistrationLevel.INTERMEDIATE: 90,
    RegistrationLevel.SENIOR: 90,
}
PERIOD_YEARS = 3
RENEWAL_WINDOW_MONTHS = 3


class Registration(models.Model):
    """A learner's professional registration: the level and the date it first took effect."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registration"
    )
    level = models.CharField(_("level"), max_length=16, choices=RegistrationLevel.choices)
    registered_on = models.DateField(_("first registered on"))

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")

    def __str__(self) -> str:
        return f"{self.user} {self.level} {self.registered_on}"


class HoursState(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class HoursEntry(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hours_entries"
    )
    certificate = models.OneToOneField(
        "certificates.Certificate",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="hours_entry",
    )
    title = models.CharField(_("training"), max_length=200)
    provider = models.CharField(_("provider"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1)
    earned_on = models.DateField(_("completed on"))
    evidence = models.FileField(
        _("evidence"), upload_to="hours/%Y/", storage=private_storage, blank=True
    )
    state = models.CharField(
        _("state"), max_length=16, choices=HoursState.choices, default=HoursState.PENDING
    )
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
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("hours entry")
        verbose_name_plural = _("hours ledger")
        ordering = ["-earned_on", "-pk"]
        indexes = [models.Index(fields=["user", "earned_on"])]

    def __str__(self) -> str:
        return f"{self.user} {self.hours} h {self.title}"
