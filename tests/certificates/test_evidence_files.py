"""Evidence files: checked by content when uploaded, stored privately, downloaded only by their
owner and the owner's admins, as attachments the browser does not sniff."""

import datetime
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from certificates.models import HoursEntry
from institutions.reporting.models import ExternalQualification
from institutions.reporting.services.qualifications import qualification_submit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return buffer.getvalue()


def _private_files() -> set[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def _post_hours(client, name: str, content: bytes):
    return client.post(
        "/certificates/hours/",
        {
            "ext-title": "老年社会工作专题培训",
            "ext-provider": "江城市社会工作协会",
            "ext-hours": "6",
            "ext-earned_on": (datetime.date.today() - datetime.timedelta(days=3)).isoformat(),
            "ext-evidence": SimpleUploadedFile(name, content),
        },
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("证明.pdf", HTML, "Upload a PDF, JPEG or PNG file."),
        ("证明.png", b"MZ\x90\x00" + b"\x00" * 64, "Upload a PDF, JPEG or PNG file."),
        ("证明.pdf", PDF + b"0" * (1024 * 1024), "The file is larger than 1 MB."),
    ],
)
def test_bad_evidence_is_refused_on_the_page_and_nothing_is_stored(
    client, learner, settings, name, content, message
):
    settings.UPLOAD_EVIDENCE_MAX_BYTES = 1024 * 1024
    client.force_login(learner)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    before = _private_files()
    response = _post_hours(client, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not HoursEntry.objects.exists()
    assert _private_files() == before


def test_evidence_is_stored_privately_and_only_its_owner_and_admins_download_it(client, learner):
    client.force_login(learner)
    assert _post_hours(client, "扫描件.PNG", _png()).status_code == 302
    entry = HoursEntry.objects.get()
    assert entry.evidence.name.endswith(".png")  # named by its content, not by the upload
    assert Path(entry.evidence.path).is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT))

    response = client.get(f"/certificates/hours/{entry.pk}/evidence/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"

    client.force_login(UserFactory(role="candidate"))
    assert client.get(f"/certificates/hours/{entry.pk}/evidence/").status_code == 404


def test_qualification_evidence_downloads_as_an_attachment_for_its_owner_only(client, learner):
    qualification = qualification_submit(
        user=learner,
        kind="junior",
        title="助理社会工作师职业资格证书",
        number="",
        issuer="人力资源和社会保障部",
        issued_on=datetime.date(2025, 6, 1),
        evidence=SimpleUploadedFile("证书.pdf", PDF),
    )
    assert isinstance(qualification, ExternalQualification)
    url = f"/institutions/qualifications/{qualification.pk}/evidence/"
    client.force_login(learner)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(UserFactory(role="candidate"))
    assert client.get(url).status_code == 404
