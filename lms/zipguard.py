"""Opening ZIP-based uploads (XLSX workbooks, QTI packages) without unpacking a zip bomb.

The declared uncompressed sizes bound what ``zipfile`` will unpack, so checking them before any
reader opens the archive stops a bomb without reading a byte of its content.
"""

import io
import zipfile

MAX_MEMBERS = 10_000


class NotAZipError(Exception):
    """The bytes are not a readable ZIP archive."""


class ZipTooLargeError(Exception):
    """The archive declares more members or unpacked bytes than allowed."""


def zip_member_names(content: bytes, *, max_unpacked_bytes: int) -> set[str]:
    """The member names of a ZIP archive whose declared unpacked size is within the limit."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise NotAZipError from None
    if (
        len(members) > MAX_MEMBERS
        or sum(member.file_size for member in members) > max_unpacked_bytes
    ):
        raise ZipTooLargeError
    return {member.filename for member in members}
