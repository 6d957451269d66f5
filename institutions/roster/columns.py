"""The roster's columns: Chinese headers (as in the template) and the English ones we accept."""

import re
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from institutions.models import StaffCategory


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Chinese header the template uses
    aliases: tuple[str, ...]
    help: str
    required: bool = False


COLUMNS = (
    Column("name", "姓名", ("name", "real name", "full name"), _("Real name."), required=True),
    Column(
        "phone",
        "手机号",
        ("phone", "mobile", "mobile phone", "手机", "手机号码"),
        _("Mainland mobile number, 11 digits. Give a phone, an email or both."),
    ),
    Column(
        "email", "邮箱", ("email", "e-mail", "电子邮箱"), _("New people get an invitation here.")
    ),
    Column(
        "institution",
        "单位编码",
        ("institution code", "institution", "code", "机构编码"),
        _("Code of the institution (see the second sheet of the template)."),
        required=True,
    ),
    Column(
        "staff_category",
        "人员类别",
        ("staff category", "category"),
        _("Needed when the person is new to the institution."),
    ),
    Column("post", "岗位", ("post", "position", "job"), _("Post or job title.")),
    Column(
        "hire_date",
        "入职日期",
        ("hire date", "date hired", "start date"),
        _("A date such as 2024-09-01; not in the future."),
    ),
    Column(
        "supervisor_phone",
        "直属上级手机号",
        ("supervisor phone", "supervisor mobile", "supervisor"),
        _("Phone of the direct supervisor, someone in this file or already in your institutions."),
    ),
)
BY_KEY = {column.key: column for column in COLUMNS}

# The Chinese labels admins type, as the template's drop-down lists them.
STAFF_CATEGORY_LABELS = {
    "公务员": StaffCategory.CIVIL_SERVANT,
    "事业单位人员": StaffCategory.PUBLIC_INSTITUTION,
    "社会工作者": StaffCategory.SOCIAL_WORKER,
    "社区工作者": StaffCategory.COMMUNITY_WORKER,
    "志愿者": StaffCategory.VOLUNTEER,
    "独立考生": StaffCategory.CANDIDATE,
}


def normalise_header(text) -> str:
    text = "" if text is None else str(text)
    text = text.replace("\ufeff", "").strip().strip("*＊").strip().lower()
    return re.sub(r"[\s_\-]+", " ", text)


_HEADER_LOOKUP = {
    normalise_header(name): column.key
    for column in COLUMNS
    for name in (column.header, column.key, *column.aliases)
}


def header_key(text) -> str | None:
    """The column a header cell names, or None for a column the import ignores."""
    return _HEADER_LOOKUP.get(normalise_header(text))


def staff_category_of(text: str) -> str | None:
    text = text.strip()
    if text in STAFF_CATEGORY_LABELS:
        return STAFF_CATEGORY_LABELS[text]
    lowered = normalise_header(text)
    with translation.override("en"):
        for value, label in StaffCategory.choices:
            if lowered in (value, value.replace("_", " "), normalise_header(str(label))):
                return value
    return None
