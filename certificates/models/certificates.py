"""Issued certificates, their serial numbers and what happened to them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.personal_data import DELETED_NAME, mask_login
from lms.storage import private_storage


class CertificateState(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Superseded by a newer certificate")


class SerialCounter(models.Model):
    """The last serial number given out in a year (``QH-<year>-<number>``)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Certificate(models.Model):
    """One certificate of one holder for one programme.

    At most one is *current* per holder and programme (a database constraint, so issuance
    happens exactly once even when two completion events race); re-certification after expiry
    makes a new current certificate and marks the old one superseded. What the certificate
    says (name, programme, hours, issuer) is copied at issue, so later edits do not change it.
    """

    programme = models.ForeignKey(
        "certificates.CertificateProgramme",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("programme"),
    )
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("holder"),
    )
    serial = models.CharField(_("serial number"), max_length=20, unique=True)
    code = models.CharField(_("verification code"), max_length=32, unique=True)
    holder_name = models.CharField(_("holder's name"), max_length=150)
    programme_name = models.CharField(_("programme"), max_length=200)
    issuer_name = models.CharField(_("issuer"), max_length=200)
    hours = models.DecimalField(_("credit hours"), max_digits=6, decimal_places=1)
    issued_at = models.DateTimeField(_("issued"))
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    current = models.BooleanField(default=True)
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)
    signing_key = models.ForeignKey(
        "certificates.SigningKey", on_delete=models.PROTECT, related_name="certificates"
    )
    credential = models.JSONField(_("signed credential"), null=True, blank=True)
    pdf = models.FileField(
        _("PDF"), upload_to="certificates/%Y/", storage=private_storage, blank=True
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["holder", "programme"],
                condition=models.Q(current=True),
                name="one_current_certificate",
            )
        ]
        indexes = [models.Index(fields=["holder", "issued_at"])]

    def __str__(self) -> str:
        return self.serial

    @property
    def holder_label(self) -> str:
        """The holder's name for admins' lists: a phone or email standing in for it is masked."""
        return mask_login(self.holder_name) if self.holder_name else str(DELETED_NAME)

    def state_label(self) -> str:
        return CertificateState(self.state()).label

    def state(self, now=None) -> str:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return CertificateState.REVOKED
        if not self.current:
            return CertificateState.SUPERSEDED
        if self.expires_at is not None and self.expires_at <= now:
            return CertificateState.EXPIRED
        return CertificateState.VALID


class CertificateEvent(models.Model):
    """The audit trail: who issued, revoked or superseded a certificate, when and why."""

    class Action(models.TextChoices):
        ISSUED = "issued", _("Issued automatically")
        ISSUED_BY_ADMIN = "issued_by_admin", _("Issued by an administrator")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Superseded")

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("certificate event")
        verbose_name_plural = _("certificate events")
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.certificate} {self.action}"
