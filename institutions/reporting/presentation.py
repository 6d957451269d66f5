"""Statistics frames turned into what pages, files and the API show: rows of plain values,
institution names in the reader's language, labels for staff categories."""

import pandas as pd
from django.utils.translation import get_language

from institutions.models import StaffCategory


def english() -> bool:
    return (get_language() or "").startswith("en")


def unit_labels(units: pd.DataFrame) -> pd.Series:
    if english():
        return units.name_en.where(units.name_en != "", units.name)
    return units.name


def plain(value):
    """A plain Python value for a pandas or numpy one; None for anything missing."""
    if pd.api.types.is_scalar(value) and pd.isna(value):  # None, NaN, NA, NaT
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def records(frame: pd.DataFrame, *, index: str | None = None) -> list[dict]:
    """Rows as dicts of plain Python values (None for missing), for templates and JSON."""
    if index is not None:
        frame = frame.reset_index(names=index)
    return [{key: plain(value) for key, value in row.items()} for row in frame.to_dict("records")]


def with_labels(units: pd.DataFrame) -> pd.DataFrame:
    return units.assign(label=unit_labels(units))


def institution_labels(institutions) -> dict[int, str]:
    return {
        institution.pk: (institution.name_en or institution.name) if english() else institution.name
        for institution in institutions
    }


def people_table(people: pd.DataFrame, labels: dict[int, str]) -> pd.DataFrame:
    """The learner list: one row per person with their unit's name and category label."""
    categories = dict(StaffCategory.choices)
    table = people.assign(
        unit=people.institution_id.map(labels),
        category=people.staff_category.map(lambda code: str(categories.get(code, code))),
    )
    return table.sort_values(["unit", "name"])
