"""Anyone can check a certificate; only its holder and their admins can download it."""

import copy
import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from openbadgeslib.ob3 import OB3LdpVerifier, decode_encoded_list, resolve_did, set_indices

from certificates.services.credentials import LIST_SIZE, credential_verify
from certificates.services.issuance import (
    certificate_documents_ensure,
    certificate_issue_if_earned,
    certificate_revoke,
)
from certificates.services.keys import signing_key_rotate
from institutions.services import membership_set
from tests.certificates.conftest import complete_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(learner, programme):
    complete_course(learner, programme.course)
    return certificate_documents_ensure(
        certificate_issue_if_earned(holder=learner, programme=programme)
    )


def test_verify_page_shows_the_facts_with_the_name_masked(client, certificate):
    page = client.get(f"/certificates/verify/{certificate.code}/")
    html = page.content.decode()
    assert page.status_code == 200 and 'data-verify-state="valid"' in html
    assert "王*磊" in html and "王晓磊" not in html
    assert certificate.serial in html and "社会工作轮训结业证书" in html and "16.0" in html


def test_unknown_codes_are_a_plain_not_found(client, certificate):
    for code in ("nope", certificate.code[:-1], certificate.code + "x"):
        page = client.get(f"/certificates/verify/{code}/")
        assert page.status_code == 404
        assert 'data-verify-state="not-found"' in page.content.decode()


def test_revoked_and_expired_show_everywhere(client, certificate, city_admin, api):
    certificate_revoke(actor=city_admin, certificate=certificate, reason="材料不实")
    html = client.get(f"/certificates/verify/{certificate.code}/").content.decode()
    assert 'data-verify-state="revoked"' in html and "✓" not in html
    verdict = api.post("/api/v1/certificates/verify/", certificate.credential, format="json").json()
    assert verdict["status"] == "revoked" and verdict["holder"] == "王*磊"
    certificate.revoked_at = None
    certificate.expires_at = timezone.now() - datetime.timedelta(days=1)
    certificate.save()
    html = client.get(f"/certificates/verify/{certificate.code}/").content.decode()
    assert 'data-verify-state="expired"' in html
    assert credential_verify(certificate.credential).status == "expired"


@override_settings(CERTIFICATE_VERIFY_RATE="3/m")
def test_verification_is_rate_limited_per_address(client, certificate):
    address = f"10.9.{certificate.pk % 250}.7"
    codes = [
        client.get(f"/certificates/verify/{certificate.code}/", REMOTE_ADDR=address).status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]


def test_the_credential_verifies_offline_and_tampering_is_caught(client, certificate):
    document = json.loads(client.get(f"/certificates/{certificate.code}/credential.json").content)
    assert "OpenBadgeCredential" in document["type"]
    assert document["issuer"]["id"].startswith("did:key:z6Mk")
    # Any conforming verifier, with nothing but the credential: the key comes from the did:key.
    OB3LdpVerifier(resolve_did(document["issuer"]["id"])).verify(json.dumps(document))
    assert credential_verify(document).status == "valid"
    tampered = copy.deepcopy(document)
    tampered["credentialSubject"]["creditsEarned"] = 160
    assert credential_verify(tampered).status == "tampered"


def test_old_credentials_keep_verifying_after_key_rotation(learner, programme, certificate):
    old_did = certificate.signing_key.did
    signing_key_rotate()
    other = UserFactory(role="candidate", real_name="李四")
    complete_course(other, programme.course)
    newer = certificate_documents_ensure(
        certificate_issue_if_earned(holder=other, programme=programme)
    )
    assert newer.signing_key.did != old_did
    assert credential_verify(certificate.credential).status == "valid"
    assert credential_verify(newer.credential).status == "valid"


def test_the_status_list_shows_revocation(client, certificate, city_admin):
    import jwt

    entry = certificate.credential["credentialStatus"]
    entry = entry[0] if isinstance(entry, list) else entry
    path = entry["statusListCredential"].split("://", 1)[1].split("/", 1)[1]
    index = int(entry["statusListIndex"])

    def revoked_bits():
        token = client.get("/" + path).content.decode()
        claims = jwt.decode(token, options={"verify_signature": False})
        encoded = claims["credentialSubject"]["encodedList"]
        return set_indices(decode_encoded_list(encoded))

    assert index == certificate.pk % LIST_SIZE and index not in revoked_bits()
    certificate_revoke(actor=city_admin, certificate=certificate, reason="撤销测试")
    assert index in revoked_bits()


def test_api_refuses_what_is_not_a_credential(api):
    for body in ({"hello": "world"}, ["a"], {"@context": [], "proof": "x"}):
        response = api.post("/api/v1/certificates/verify/", body, format="json")
        assert response.status_code in (200, 400)
        if response.status_code == 200:
            assert response.json()["status"] == "tampered"
    upload = SimpleUploadedFile("x.json", b"\xff\xfe not json")
    response = api.post("/api/v1/certificates/verify/", {"credential": upload})
    assert response.status_code == 400 and "credential" in response.json()["errors"]
    response = api.post("/api/v1/certificates/verify/", {"hello": "world"}, format="json")
    assert response.status_code == 400


def test_only_the_holder_and_their_admins_download_the_pdf(client, certificate, bureau):
    url = f"/certificates/{certificate.code}/pdf/"
    assert client.get(url).status_code == 302  # to the login page
    own_admin = UserFactory(role="institution_admin")
    membership_set(user=own_admin, institution=bureau["city"], staff_category="civil_servant")
    foreign_admin = UserFactory(role="institution_admin")
    membership_set(user=foreign_admin, institution=bureau["other"], staff_category="civil_servant")
    for user, expected in (
        (certificate.holder, 200),
        (own_admin, 200),
        (UserFactory(role="candidate"), 404),
        (foreign_admin, 404),
        (UserFactory(role="trainer"), 404),
    ):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == expected, user
        if expected == 200:
            assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_my_certificates_lists_only_mine(client, certificate, programme):
    other = UserFactory(role="candidate", real_name="李四")
    complete_course(other, programme.course)
    theirs = certificate_issue_if_earned(holder=other, programme=programme)
    client.force_login(certificate.holder)
    html = client.get("/certificates/").content.decode()
    assert certificate.serial in html and theirs.serial not in html


def test_an_expired_credential_is_authentic_and_reported_expired(learner, programme, client):
    complete_course(learner, programme.course)
    four_years_ago = timezone.now() - datetime.timedelta(days=4 * 365)
    old = certificate_issue_if_earned(holder=learner, programme=programme, now=four_years_ago)
    old = certificate_documents_ensure(old)
    assert old.credential["validUntil"] < timezone.now().isoformat()
    assert credential_verify(old.credential).status == "expired"
    tampered = copy.deepcopy(old.credential)
    tampered["validUntil"] = "2099-01-01T00:00:00Z"
    assert credential_verify(tampered).status == "tampered"
    html = client.get(f"/certificates/verify/{old.code}/").content.decode()
    assert 'data-verify-state="expired"' in html
