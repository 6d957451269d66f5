"""The Ed25519 keys that sign credentials. One is current; retired ones still verify."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SigningKey(models.Model):
    did = models.CharField(_("issuer DID"), max_length=200, unique=True)  # did:key:z6Mk…
    private_key_pem = models.TextField()
    current = models.BooleanField(_("current"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        constraints = [
            models.UniqueConstraint(
                fields=["current"], condition=models.Q(current=True), name="one_current_key"
            )
        ]

    def __str__(self) -> str:
        return self.did
