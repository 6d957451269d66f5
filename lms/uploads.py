"""Checking uploads by their content, not their name: one function per kind of file.

Each ``check_*`` takes an uploaded file (anything with ``name``, ``size``, ``read`` and
``seek``), leaves it at its start, and raises a ``ValidationError`` with a message for the
person who uploaded it when the file is too large or is not what it claims to be. Forms and
services call them before anything is stored. Limits are settings (``UPLOAD_*``, "Uploads and
content" in ``lms/settings/base.py``).
"""

import codecs
import io
import re
import zipfile
from pathlib import PurePosixPath

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from lms.zipguard import NotAZipError, ZipTooLargeError, zip_member_names

# The main part an Office Open XML file of each kind declares in [Content_Types].xml. Files with
# macros (.xlsm, .docm) declare another content type and are refused.
OOXML_MAIN_PARTS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"),
}
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png"}
# What a file that claims to be text or a table must not start with: a web page or an image.
_MARKUP_START = re.compile(rb"^\s*<(?:!doctype|html|head|body|script|svg|iframe|\?xml)", re.I)
_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding=[\"']([\w.-]+)[\"'][^>]*\?>", re.I)


def _kind_label(kind: str) -> str:
    labels = {
        "pdf": _("PDF"),
        "xlsx": _("Excel workbook (.xlsx)"),
        "docx": _("Word document (.docx)"),
        "pptx": _("PowerPoint presentation (.pptx)"),
        "csv": _("CSV table"),
        "text": _("text file"),
        "xml": _("XML file"),
        "zip": _("ZIP archive"),
        "mp4": _("MP4 video"),
        "webm": _("WebM video"),
    }
    return labels.get(kind, kind)


def _not_kind(kind: str) -> ValidationError:
    return ValidationError(
        _("The file is not a real %(kind)s, whatever its name says.") % {"kind": _kind_label(kind)},
        code="content",
    )


def _megabytes(limit: int) -> str:
    return f"{limit / 2**20:g}"


def check_size(upload, limit: int) -> None:
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > limit:
        raise ValidationError(
            _("The file is larger than %(limit)s MB.") % {"limit": _megabytes(limit)},
            code="size",
        )


def _read(upload, count: int = -1) -> bytes:
    upload.seek(0)
    data = upload.read(count)
    upload.seek(0)
    return data


def extension(upload) -> str:
    return PurePosixPath(upload.name or "").suffix.lower().lstrip(".")


# -- content checks ---------------------------------------------------------------------------


def _check_pdf(upload) -> None:
    if not _read(upload, 5) == b"%PDF-":
        raise _not_kind("pdf")


def _check_image(upload) -> str:
    """ "jpg" or "png" when Pillow reads the file as one; nothing else is an image here."""
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            found = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        found = None
    upload.seek(0)
    if found not in IMAGE_FORMATS:
        raise ValidationError(_("Upload a PDF, JPEG or PNG file."), code="content")
    return IMAGE_FORMATS[found]


def _check_zip(data: bytes, kind: str) -> zipfile.ZipFile:
    limit = settings.UPLOAD_MAX_UNPACKED_BYTES
    try:
        zip_member_names(data, max_unpacked_bytes=limit)
    except NotAZipError:
        raise _not_kind(kind) from None
    except ZipTooLargeError:
        raise ValidationError(
            _("The archive unpacks to more than %(limit)s MB.") % {"limit": _megabytes(limit)},
            code="size",
        ) from None
    return zipfile.ZipFile(io.BytesIO(data))


def _check_ooxml(upload, kind: str) -> None:
    archive = _check_zip(_read(upload), kind)
    try:
        content_types = archive.read("[Content_Types].xml")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _not_kind(kind) from None
    if OOXML_MAIN_PARTS[kind].encode() not in content_types:
        raise _not_kind(kind)


def _check_text(upload, kind: str) -> None:
    """Text in UTF-8 (with or without BOM) or GBK, as Chinese Excel and Notepad write it: no
    NUL byte, nothing that does not decode, and not a web page."""
    data = _read(upload)
    if b"\x00" in data or _MARKUP_START.match(data.removeprefix(codecs.BOM_UTF8)):
        raise _not_kind(kind)
    for encoding in ("utf-8", "gbk"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return
    raise _not_kind(kind)


def _check_xml(upload, roots: set[str]) -> None:
    """Well-formed XML without a DTD or entities (parsed with defusedxml), whose root element is
    one of ``roots`` (names without namespace)."""
    data = _read(upload)
    declared = _XML_DECLARATION.match(data)
    try:
        if declared and declared.group(1).lower() not in (b"utf-8", b"utf8", b"us-ascii"):
            # Expat does not know GBK: decode in Python, then parse the text without the
            # declaration that names the encoding.
            data = data[declared.end() :].decode(declared.group(1).decode()).encode()
        root = defused_fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise ValidationError(
            _("The file declares a DTD or entities, which are not accepted."), code="content"
        ) from None
    except Exception:  # ParseError, LookupError of an unknown encoding, UnicodeDecodeError
        raise _not_kind("xml") from None
    if root.tag.rsplit("}", 1)[-1] not in roots:
        raise _not_kind("xml")


def _check_media(upload, kind: str) -> None:
    head = _read(upload, 12)
    if kind == "mp4" and head[4:8] != b"ftyp":
        raise _not_kind(kind)
    if kind == "webm" and not head.startswith(b"\x1a\x45\xdf\xa3"):
        raise _not_kind(kind)


# -- one function per kind of upload ----------------------------------------------------------


def check_evidence(upload) -> str:
    """Evidence of training or a qualification: a PDF or a JPEG or PNG photo. Returns the
    extension to store it under ("pdf", "jpg", "png")."""
    check_size(upload, settings.UPLOAD_EVIDENCE_MAX_BYTES)
    if _read(upload, 5) == b"%PDF-":
        return "pdf"
    return _check_image(upload)


def check_roster(upload) -> str:
    """A roster: an .xlsx workbook or a .csv table. Returns "xlsx" or "csv"."""
    check_size(upload, settings.ROSTER_MAX_UPLOAD_BYTES)
    kind = extension(upload)
    if kind == "xlsx":
        _check_ooxml(upload, "xlsx")
    elif kind == "csv":
        _check_text(upload, "csv")
    else:
        raise ValidationError(_("Upload an .xlsx or a .csv file."), code="extension")
    return kind


# What the content of a question file of each format must be.
QUESTION_FILE_CONTENT = {
    "xlsx": "xlsx",
    "gift": "text",
    "aiken": "text",
    "moodle_xml": "xml",
    "qti": "zip_or_xml",
}
# The root elements of the XML question formats.
QUESTION_XML_ROOTS = {
    "moodle_xml": {"quiz"},
    "qti": {"assessmentItem", "qti-assessment-item", "assessmentTest", "qti-assessment-test"},
}


def check_question_file(upload, fmt: str) -> None:
    """A question bank file in format ``fmt`` (a ``quizzes.formats`` name)."""
    check_size(upload, settings.UPLOAD_QUESTION_FILE_MAX_BYTES)
    content = QUESTION_FILE_CONTENT.get(fmt)
    if content == "zip_or_xml":
        content = "zip" if _read(upload, 2) == b"PK" else "xml"
    if content == "xlsx":
        _check_ooxml(upload, "xlsx")
    elif content == "text":
        _check_text(upload, "text")
    elif content == "xml":
        _check_xml(upload, QUESTION_XML_ROOTS[fmt])
    elif content == "zip":
        _check_zip(_read(upload), "zip")


def check_document(upload) -> None:
    """A document for lessons (Wagtail documents): its content must match its extension, one of
    ``WAGTAILDOCS_EXTENSIONS``; Wagtail checks the extension and the size."""
    kind = extension(upload)
    if kind == "pdf":
        _check_pdf(upload)
    elif kind in OOXML_MAIN_PARTS:
        _check_ooxml(upload, kind)
    elif kind in ("txt", "csv"):
        _check_text(upload, "text")
    elif kind in ("mp4", "webm"):
        _check_media(upload, kind)
    elif kind == "zip":
        _check_zip(_read(upload), "zip")
    else:
        raise ValidationError(
            _("Files of this type cannot be uploaded here: %(name)s.") % {"name": upload.name},
            code="extension",
        )
