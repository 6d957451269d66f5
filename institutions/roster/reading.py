"""Reading a roster file into numbered rows of cells, refusing what is not a roster.

Row numbers are the spreadsheet's (the header is row 1), so that errors point where the admin
looks. A ``RosterFileError`` is about the file as a whole (or one line of it) and stops the check.
"""

import csv
import io
import warnings
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_noop

from lms.zipguard import NotAZipError, ZipTooLargeError, zip_member_names


class RosterFileError(Exception):
    """The file cannot be read as a roster. ``message`` is a msgid, formatted with ``params``."""

    def __init__(self, message: str, row: int | None = None, **params):
        self.message, self.row, self.params = message, row, {"row": row, **params}
        super().__init__(message % self.params)


@dataclass
class Sheet:
    header: list
    rows: list[tuple[int, list]] = field(default_factory=list)  # (row number, cells)


def _blank(cells) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _add_row(sheet: Sheet, number: int, cells) -> None:
    if _blank(cells):
        return
    if len(sheet.rows) >= settings.ROSTER_MAX_ROWS:
        raise RosterFileError(
            gettext_noop("The file has more than %(limit)s rows; split it into smaller files."),
            limit=settings.ROSTER_MAX_ROWS,
        )
    sheet.rows.append((number, list(cells)))


def read_roster(content: bytes, filename: str) -> Sheet:
    """Rows of an .xlsx or .csv roster (chosen by the file name, confirmed by the content)."""
    if len(content) > settings.ROSTER_MAX_UPLOAD_BYTES:
        raise RosterFileError(
            gettext_noop("The file is larger than %(limit)s MB."),
            limit=settings.ROSTER_MAX_UPLOAD_BYTES // (1024 * 1024),
        )
    name = filename.lower()
    if name.endswith(".xlsx"):
        return _read_xlsx(content)
    if name.endswith(".csv"):
        if content.startswith(b"PK\x03\x04"):
            raise RosterFileError(
                gettext_noop("This is not a CSV file; it looks like a workbook. Save it as .xlsx.")
            )
        return _read_csv(content)
    raise RosterFileError(gettext_noop("Upload an .xlsx or a .csv file."))


def _read_xlsx(content: bytes) -> Sheet:
    not_xlsx = gettext_noop(
        "This is not an Excel workbook (.xlsx). Save it from Excel or WPS as .xlsx and try again."
    )
    try:
        names = zip_member_names(content, max_unpacked_bytes=settings.ROSTER_MAX_UNPACKED_BYTES)
    except NotAZipError:
        raise RosterFileError(not_xlsx) from None
    except ZipTooLargeError:
        raise RosterFileError(
            gettext_noop("The workbook unpacks to too much data to import.")
        ) from None
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise RosterFileError(not_xlsx)

    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it does not know
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on damaged files
        raise RosterFileError(not_xlsx) from None
    try:
        if not workbook.worksheets:
            raise RosterFileError(gettext_noop("The workbook has no sheet."))
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        sheet = None
        try:
            for number, cells in enumerate(rows, start=1):
                if sheet is None:
                    if _blank(cells):
                        raise RosterFileError(
                            gettext_noop("Row 1 must hold the column headers."), row=1
                        )
                    sheet = Sheet(header=list(cells))
                else:
                    _add_row(sheet, number, cells)
        except RosterFileError:
            raise
        except Exception:
            raise RosterFileError(not_xlsx) from None
    finally:
        workbook.close()
    if sheet is None:
        raise RosterFileError(gettext_noop("The file is empty."))
    return sheet


def _line_of(content: bytes, offset: int) -> int:
    return content.count(b"\n", 0, offset) + 1


def _decode(content: bytes) -> str:
    """UTF-8 (with or without BOM) or GBK, which Chinese Excel writes. A file that is neither
    is refused, naming the line where it stops making sense, rather than read as gibberish."""
    if content.startswith(b"\xef\xbb\xbf"):
        try:
            return content[3:].decode("utf-8")
        except UnicodeDecodeError as error:
            raise _undecodable(content, error.start + 3) from None
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as error:
        if not content[: error.start].isascii():
            # Chinese text read fine as UTF-8 up to here: a damaged UTF-8 file, not GBK.
            raise _undecodable(content, error.start) from None
    try:
        return content.decode("gbk")
    except UnicodeDecodeError as error:
        raise _undecodable(content, error.start) from None


def _undecodable(content: bytes, offset: int) -> RosterFileError:
    line = _line_of(content, offset)
    return RosterFileError(
        gettext_noop(
            "Line %(line)s cannot be read as UTF-8 or GBK text. Save the file as "
            "“CSV UTF-8” or as .xlsx."
        ),
        row=line,
        line=line,
    )


def _read_csv(content: bytes) -> Sheet:
    text = _decode(content)
    if "\x00" in text:
        raise RosterFileError(gettext_noop("This is not a CSV text file."))
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    sheet = None
    number = 0
    try:
        for cells in reader:
            number += 1
            if sheet is None:
                if _blank(cells):
                    raise RosterFileError(
                        gettext_noop("Row 1 must hold the column headers."), row=1
                    )
                sheet = Sheet(header=cells)
            else:
                _add_row(sheet, number, cells)
    except csv.Error:
        raise RosterFileError(
            gettext_noop("Row %(row)s is not valid CSV (check its quotation marks)."),
            row=number + 1,
        ) from None
    if sheet is None:
        raise RosterFileError(gettext_noop("The file is empty."))
    return sheet
