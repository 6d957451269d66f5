"""Lesson images and documents uploaded in the Wagtail admin, and where private files live."""

import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image

from lms.storage import private_media_outside_web_root, private_storage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'


def _png() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def trainer(client):
    user = UserFactory(role="trainer")
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return user


def _add_document(client, name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/admin/documents/add/",
        {"title": "讲义", "file": SimpleUploadedFile(name, content), "collection": 1},
    )


def _add_image(client, name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/admin/images/add/",
        {"title": "插图", "file": SimpleUploadedFile(name, content), "collection": 1},
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("讲义.pdf", HTML, "not a real PDF"),
        ("讲义.docx", b"MZ\x90\x00" + b"\x00" * 64, "not a real Word document (.docx)"),
        ("页面.html", HTML, "Files of this type cannot be uploaded here"),
    ],
)
def test_a_document_that_is_not_what_its_name_says_is_refused(
    client, trainer, name, content, message
):
    response = _add_document(client, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Document.objects.exists()


def test_an_oversized_document_is_refused_with_the_limit(client, trainer, settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 1024 * 1024
    response = _add_document(client, "讲义.pdf", PDF + b"0" * (1024 * 1024))
    assert "Maximum filesize 1.0\xa0MB" in response.content.decode()
    assert not Document.objects.exists()


def test_a_real_document_is_stored_and_served_through_wagtail_not_media(client, trainer):
    response = _add_document(client, "讲义.pdf", PDF)
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.url.startswith("/documents/")  # Wagtail's view, which checks privacy
    served = client.get(document.url)
    assert served.status_code == 200
    assert served["X-Content-Type-Options"] == "nosniff"


NOT_AN_IMAGE = ("either not an image or a corrupted image", "The extension does not match")


@pytest.mark.parametrize(
    ("name", "content", "messages"),
    [
        ("图.svg", SVG, ("Supported formats: JPG, JPEG, PNG, GIF, WEBP.",)),
        ("图.png", HTML, NOT_AN_IMAGE),
        ("图.png", SVG, NOT_AN_IMAGE),
        ("图.jpg", b"MZ\x90\x00" + b"\x00" * 64, NOT_AN_IMAGE),
    ],
)
def test_svg_and_renamed_files_are_refused_as_images(client, trainer, name, content, messages):
    response = _add_image(client, name, content)
    assert response.status_code == 200
    assert any(message in response.content.decode() for message in messages)
    assert not Image.objects.exists()


def test_an_oversized_image_is_refused_with_the_limit(client, trainer, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 100
    response = _add_image(client, "图.png", _png() + b"\x00" * 200)
    assert "Maximum filesize 100" in response.content.decode()
    assert not Image.objects.exists()


def test_a_real_image_is_stored(client, trainer):
    assert _add_image(client, "图.png", _png()).status_code == 302
    assert Image.objects.count() == 1


def test_private_files_are_not_served_from_media_url(client, settings):
    name = private_storage().save("hours/2026/evidence.pdf", ContentFile(PDF))
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / name).exists()
    assert client.get(f"{settings.MEDIA_URL}{name}").status_code == 404
    assert client.get(f"{settings.MEDIA_URL}../private/{name}").status_code == 404


def test_private_media_inside_the_web_root_fails_the_system_check(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "media" / "private"
    assert [error.id for error in private_media_outside_web_root()] == ["lms.E010"]
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    assert private_media_outside_web_root() == []
