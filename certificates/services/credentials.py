"""Certificates as Open Badges 3.0 credentials, signed (Data Integrity, eddsa-rdfc-2022), and
their revocation status lists (W3C Bitstring Status List), with openbadgeslib doing the
canonicalisation and the cryptography."""

import datetime
import json
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from openbadgeslib.ob3 import (
    Achievement,
    IdentityObject,
    Issuer,
    OB3LdpSigner,
    OB3LdpVerifier,
    OB3VerificationError,
    OpenBadgeCredential,
    build_status_list_credential,
    resolve_did,
    sign_status_list_credential,
    status_entry,
)

from certificates.models import Certificate, SigningKey

EXPIRED_PREFIX = "Credential has expired"  # openbadgeslib's message once validUntil has passed
LIST_SIZE = 131_072  # bits per status list, the specification's minimum
PURPOSE = "revocation"


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def status_list_url(key: SigningKey, block: int) -> str:
    return _absolute(reverse("certificate-status-list", args=[key.pk, block]))


def credential_url(certificate: Certificate) -> str:
    return _absolute(reverse("certificate-credential", args=[certificate.code]))


def credential_sign(certificate: Certificate) -> dict:
    """The signed credential of a certificate (stored at issue; it never changes after)."""
    key = certificate.signing_key
    programme = certificate.programme
    achievement = Achievement(
        id=_absolute(f"/certificates/programmes/{programme.pk}/"),
        name=certificate.programme_name,
        description=certificate.programme_name,
        criteria_narrative=programme.rule_text(),
        achievement_type="Certificate",
        credits_available=float(certificate.hours),
    )
    credential = OpenBadgeCredential(
        issuer=Issuer(id=key.did, name=certificate.issuer_name, url=settings.SITE_URL),
        recipient_id=None,
        achievement=achievement,
        id=credential_url(certificate),
        issuance_date=certificate.issued_at,
        expiration_date=certificate.expires_at,
        credential_status=[
            status_entry(
                status_list_url(key, certificate.pk // LIST_SIZE),
                PURPOSE,
                certificate.pk % LIST_SIZE,
            )
        ],
        credits_earned=float(certificate.hours),
        # The holder's name, salted and hashed: the holder can prove it is theirs, a reader of
        # the credential alone cannot read it.
        identifiers=[
            IdentityObject.create(
                certificate.holder_name, salt=certificate.code, identity_type="name"
            )
        ],
    )
    return OB3LdpSigner(key.private_key_pem).sign(credential, created=certificate.issued_at)


def status_list(key: SigningKey, block: int) -> str:
    """The signed status list (a JWT) of the certificates ``key`` signed in ``block``."""
    revoked = Certificate.objects.filter(
        signing_key=key,
        revoked_at__isnull=False,
        pk__gte=block * LIST_SIZE,
        pk__lt=(block + 1) * LIST_SIZE,
    ).values_list("pk", flat=True)
    now = timezone.now()
    document = build_status_list_credential(
        key.did,
        status_list_url(key, block),
        PURPOSE,
        [pk % LIST_SIZE for pk in revoked],
        issued=now,
        valid_until=now + datetime.timedelta(days=1),
    )
    return sign_status_list_credential(document, key.private_key_pem, "EdDSA")


@dataclass
class Verdict:
    status: str  # valid | tampered | unknown_issuer | revoked | expired | not_found
    detail: str = ""
    certificate: Certificate | None = None


def credential_verify(document: dict) -> Verdict:
    """Check a credential someone holds: signature (offline, from its did:key), issuer is one
    of Qihang's keys, then revocation and expiry as Qihang records them."""
    proof = document.get("proof") if isinstance(document, dict) else None
    method = proof.get("verificationMethod", "") if isinstance(proof, dict) else ""
    did = method.split("#", 1)[0]
    if not did.startswith("did:key:"):
        return Verdict("tampered", "no Ed25519 did:key proof")
    try:
        public_pem = resolve_did(did)
        OB3LdpVerifier(public_pem).verify(json.dumps(document))
    except (OB3VerificationError, ValueError) as error:
        # The library checks the validity window only after the signature: past validUntil,
        # the credential is authentic and Qihang's own record below says it has expired.
        if not str(error).startswith(EXPIRED_PREFIX):
            return Verdict("tampered", str(error))
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer_id != did or not SigningKey.objects.filter(did=did).exists():
        return Verdict("unknown_issuer", "not signed by Qihang")
    certificate = Certificate.objects.filter(
        credential__id=document.get("id"), signing_key__did=did
    ).first()
    if certificate is None:
        return Verdict("not_found")
    if certificate.revoked_at is not None:
        return Verdict("revoked", certificate.revoked_reason, certificate)
    if certificate.expires_at is not None and certificate.expires_at <= timezone.now():
        return Verdict("expired", "", certificate)
    return Verdict("valid", "", certificate)
