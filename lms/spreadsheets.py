"""Spreadsheets Qihang writes hold text, never formulas: a name or stem such as
``=HYPERLINK(...)`` typed into a roster or a question stays text when an admin opens the file
(CSV/formula injection)."""

import pandas as pd

# What makes a spreadsheet program read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_only(workbook) -> None:
    """Every cell openpyxl would write as a formula (a string starting with ``=``) is written as
    the text it is instead."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells that would start a formula begin with an apostrophe, which
    spreadsheet programs show as text (the common defence for CSV files)."""

    def guard(value):
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            return "'" + value
        return value

    text_columns = frame.select_dtypes(include=["object", "string"]).columns
    return frame.assign(**{column: frame[column].map(guard) for column in text_columns})
