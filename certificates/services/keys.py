"""The Ed25519 keys that sign credentials and status lists.

The issuer of a credential is the ``did:key`` of the key that signed it, so anyone can verify it
offline. Rotating makes a new current key; retired keys are kept (they still sign the status
lists of the credentials they issued, and still count as Qihang's when verifying).
"""

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import transaction
from django.utils import timezone
from openbadgeslib.ob3 import did_key_from_pem

from certificates.models import SigningKey


def _new_key() -> tuple[str, str]:
    private = Ed25519PrivateKey.generate()
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return did_key_from_pem(public_pem), private_pem


def signing_key_rotate() -> SigningKey:
    """Retire the current key (if any) and make a new one current."""
    did, private_pem = _new_key()
    with transaction.atomic():
        SigningKey.objects.select_for_update().filter(current=True).update(
            current=False, retired_at=timezone.now()
        )
        return SigningKey.objects.create(did=did, private_key_pem=private_pem)


def current_signing_key() -> SigningKey:
    """The key new credentials are signed with; the first one is made on first use."""
    key = SigningKey.objects.filter(current=True).first()
    return key if key is not None else signing_key_rotate()
