"""Uploads are judged by their content, not their name, against a limit per kind."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook
from PIL import Image

from lms.uploads import (
    check_document,
    check_evidence,
    check_question_file,
    check_roster,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def image(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, fmt)
    return buffer.getvalue()


def workbook() -> bytes:
    buffer = io.BytesIO()
    book = Workbook()
    book.active.append(["姓名", "手机"])
    book.save(buffer)
    return buffer.getvalue()


def office(kind: str) -> bytes:
    """A minimal Word or PowerPoint file: a ZIP whose [Content_Types].xml names its main part."""
    main = {
        "docx": "wordprocessingml.document.main+xml",
        "pptx": "presentationml.presentation.main+xml",
    }[kind]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/main.xml" '
            f'ContentType="application/vnd.openxmlformats-officedocument.{main}"/></Types>',
        )
        archive.writestr("main.xml", "<x/>")
    return buffer.getvalue()


def refused(check, *args) -> str:
    with pytest.raises(ValidationError) as error:
        check(*args)
    return " ".join(error.value.messages)


# -- evidence ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("证明.pdf", PDF, "pdf"),
        ("照片.jpg", image("JPEG"), "jpg"),
        ("scan.png", image("PNG"), "png"),
    ],
)
def test_real_evidence_passes_and_is_stored_under_its_real_type(name, content, kind):
    assert check_evidence(upload(name, content)) == kind
    assert check_evidence(upload("named-wrongly.pdf", content)) == kind


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("证明.pdf", HTML),
        ("scan.png", EXE),
        ("scan.jpg", SVG),
        ("scan.png", b"\x89PNG\r\n\x1a\n" + b"<script>alert(1)</script>"),  # a PNG header only
        ("scan.gif", image("GIF")),  # a real image, but not JPEG or PNG
    ],
)
def test_evidence_that_is_not_a_pdf_or_photo_is_refused_whatever_its_name(name, content):
    assert refused(check_evidence, upload(name, content)) == "Upload a PDF, JPEG or PNG file."


def test_oversized_evidence_is_refused_with_the_limit(settings):
    settings.UPLOAD_EVIDENCE_MAX_BYTES = 2 * 1024 * 1024
    big = upload("证明.pdf", PDF + b"0" * (2 * 1024 * 1024))
    assert refused(check_evidence, big) == "The file is larger than 2 MB."


# -- rosters ----------------------------------------------------------------------------------


def test_a_real_roster_passes():
    assert check_roster(upload("名单.xlsx", workbook())) == "xlsx"
    assert check_roster(upload("名单.csv", "姓名,手机\n张三,13800000000\n".encode())) == "csv"
    assert check_roster(upload("名单.csv", "姓名,手机\n张三,13800000000\n".encode("gbk"))) == "csv"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("名单.xlsx", EXE, "not a real Excel workbook (.xlsx)"),
        ("名单.xlsx", office("docx"), "not a real Excel workbook (.xlsx)"),
        ("名单.csv", HTML, "not a real CSV table"),
        ("名单.csv", ELF, "not a real CSV table"),
        ("名单.csv", workbook(), "not a real CSV table"),
        ("名单.exe", workbook(), "Upload an .xlsx or a .csv file."),
    ],
)
def test_a_roster_that_is_not_what_its_name_says_is_refused(name, content, message):
    assert message in refused(check_roster, upload(name, content))


def test_oversized_roster_is_refused_with_the_limit(settings):
    settings.ROSTER_MAX_UPLOAD_BYTES = 1024 * 1024
    message = refused(check_roster, upload("名单.csv", b"a,b\n" * 300_000))
    assert message == "The file is larger than 1 MB."


# -- question files ---------------------------------------------------------------------------


def _question_files():
    from quizzes.formats import aiken, gift, moodle_xml, qti, xlsx
    from tests.quizzes.test_import_formats import copies

    return {
        "xlsx": xlsx.write(copies()),
        "gift": gift.write(copies()),
        "aiken": aiken.write(copies()[:1]),
        "moodle_xml": moodle_xml.write(copies()),
        "qti": qti.write(copies()),
        "qti-item": qti.write(copies()[:1]),
    }


@pytest.mark.parametrize("fmt", ["xlsx", "gift", "aiken", "moodle_xml", "qti", "qti-item"])
def test_real_question_files_pass(fmt):
    data = _question_files()[fmt]
    check_question_file(upload("bank", data), fmt.removesuffix("-item"))


@pytest.mark.parametrize(
    ("fmt", "content", "message"),
    [
        ("xlsx", EXE, "not a real Excel workbook (.xlsx)"),
        ("gift", EXE, "not a real text file"),
        ("aiken", HTML, "not a real text file"),
        ("moodle_xml", b"<html><body><script>alert(1)</script></body></html>", "not a real XML"),
        ("moodle_xml", HTML, "DTD"),
        (
            "moodle_xml",
            b'<?xml version="1.0"?><!DOCTYPE q [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<quiz>&x;</quiz>",
            "DTD",
        ),
        ("qti", ELF, "not a real XML"),
        ("qti", b"PK\x03\x04garbage", "not a real ZIP archive"),
    ],
)
def test_a_question_file_that_is_not_its_format_is_refused(fmt, content, message):
    assert message in refused(check_question_file, upload("bank", content), fmt)


def test_oversized_question_file_is_refused_with_the_limit(settings):
    settings.UPLOAD_QUESTION_FILE_MAX_BYTES = 512 * 1024
    message = refused(check_question_file, upload("bank.gift", b"x" * 600_000), "gift")
    assert message == "The file is larger than 0.5 MB."


def test_a_zip_bomb_is_refused_before_it_is_unpacked(settings):
    settings.UPLOAD_MAX_UNPACKED_BYTES = 1024 * 1024
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"0" * (2 * 1024 * 1024))
    message = refused(check_question_file, upload("bank.xlsx", buffer.getvalue()), "xlsx")
    assert message == "The archive unpacks to more than 1 MB."


# -- documents --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("讲义.pdf", PDF),
        ("讲义.docx", office("docx")),
        ("课件.pptx", office("pptx")),
        ("名单.xlsx", workbook()),
        ("说明.txt", "纯文本".encode()),
        ("视频.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 16),
        ("视频.webm", b"\x1a\x45\xdf\xa3" + b"\x00" * 16),
    ],
)
def test_real_documents_pass(name, content):
    check_document(upload(name, content))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("讲义.pdf", HTML),
        ("讲义.docx", EXE),
        ("讲义.docx", workbook()),
        ("说明.txt", HTML),
        ("视频.mp4", HTML),
        ("压缩包.zip", EXE),
    ],
)
def test_a_document_whose_content_is_not_its_extension_is_refused(name, content):
    assert "whatever its name says" in refused(check_document, upload(name, content))
