"""Everything Qihang holds about one person, for that person: as JSON, and as a workbook with one
sheet per kind of record.

It lives in the top layer because it reads every app. Each kind is one ``values()`` query on
the person's own rows, so nobody else's data can slip in, and the number of queries is fixed.
"""

import datetime
import decimal
import io
import json

import pandas as pd
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.models import Certificate, HoursEntry, Registration
from courses.models import (
    Enrollment,
    LearnerProfile,
    LessonProgress,
    ModuleCompletion,
    StudyTime,
)
from institutions.models import Membership
from lms.models import AuditEvent, Notice
from lms.spreadsheets import text_only
from quizzes.models import Accommodation, Attempt, Mastery, Response, ReviewCard

from ..models import Assignment, ExternalQualification

# (key, queryset of the person's rows given the user, fields); the key names the JSON member and
# the workbook's sheet.
KINDS = (
    (
        "memberships",
        lambda u: Membership.objects.filter(user=u),
        (
            "institution__name",
            "institution__code",
            "staff_category",
            "post",
            "hire_date",
            "supervisor__real_name",
        ),
    ),
    (
        "exam_goal",
        lambda u: LearnerProfile.objects.filter(user=u),
        (
            "target_level__code",
            "exam_date",
        ),
    ),
    (
        "enrolments",
        lambda u: Enrollment.objects.filter(user=u),
        (
            "course__title",
            "enrolled_at",
            "completed_at",
            "last_activity_at",
        ),
    ),
    (
        "lesson_progress",
        lambda u: LessonProgress.objects.filter(user=u),
        (
            "course__title",
            "lesson__title",
            "completed_at",
        ),
    ),
    (
        "module_completions",
        lambda u: ModuleCompletion.objects.filter(user=u),
        (
            "course__title",
            "module__title",
            "completed_at",
            "score_percent",
        ),
    ),
    (
        "study_time",
        lambda u: StudyTime.objects.filter(user=u),
        (
            "day",
            "course__title",
            "lesson__title",
            "seconds",
        ),
    ),
    (
        "attempts",
        lambda u: Attempt.objects.filter(user=u),
        (
            "id",
            "quiz__title",
            "number",
            "state",
            "started_at",
            "submitted_at",
            "score",
            "max_score",
            "pass_mark",
        ),
    ),
    (
        "answers",
        lambda u: Response.objects.filter(attempt__user=u),
        (
            "attempt_id",
            "position",
            "version__stem",
            "answer",
            "saved_at",
            "points",
            "max_points",
            "feedback",
        ),
    ),
    (
        "review_cards",
        lambda u: ReviewCard.objects.filter(user=u),
        (
            "question_id",
            "due",
            "correct_streak",
            "lapses",
            "added_at",
            "last_wrong_at",
            "retired_at",
        ),
    ),
    (
        "mastery",
        lambda u: Mastery.objects.filter(user=u),
        (
            "knowledge_point__code",
            "knowledge_point__name",
            "level",
            "updated_at",
        ),
    ),
    (
        "accommodations",
        lambda u: Accommodation.objects.filter(user=u),
        (
            "time_factor",
            "reason",
            "set_at",
        ),
    ),
    (
        "certificates",
        lambda u: Certificate.objects.filter(holder=u),
        (
            "serial",
            "code",
            "holder_name",
            "programme_name",
            "issuer_name",
            "hours",
            "issued_at",
            "expires_at",
            "current",
            "revoked_at",
            "revoked_reason",
        ),
    ),
    (
        "registration",
        lambda u: Registration.objects.filter(user=u),
        (
            "level",
            "registered_on",
        ),
    ),
    (
        "credit_hours",
        lambda u: HoursEntry.objects.filter(user=u),
        (
            "title",
            "provider",
            "hours",
            "earned_on",
            "state",
            "review_note",
            "created_at",
        ),
    ),
    (
        "qualifications",
        lambda u: ExternalQualification.objects.filter(user=u),
        (
            "kind",
            "title",
            "number",
            "issuer",
            "issued_on",
            "state",
            "review_note",
        ),
    ),
    (
        "assignments",
        lambda u: Assignment.objects.filter(user=u),
        (
            "requirement__name",
            "assigned_at",
            "due_on",
            "completed_at",
        ),
    ),
    ("notices", lambda u: Notice.objects.filter(user=u), ("message", "created_at", "read_at")),
    (
        "audit_events",
        lambda u: AuditEvent.objects.filter(subject=u),
        (
            "created_at",
            "action",
            "actor_label",
            "address",
            "detail",
        ),
    ),
)
ACCOUNT_FIELDS = (
    "username",
    "real_name",
    "phone",
    "email",
    "preferred_language",
    "date_joined",
    "last_login",
)


def _plain(value):
    """A JSON- and Excel-friendly value: local ISO dates and times, numbers, strings."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def personal_data_of(user) -> dict[str, list[dict]]:
    """Every kind of record about ``user``, each a list of rows (the account is one row)."""
    account = {field: _plain(getattr(user, field)) for field in ACCOUNT_FIELDS}
    account["roles"] = ", ".join(user.groups.order_by("name").values_list("name", flat=True))
    data = {"account": [account]}
    for key, rows_of, fields in KINDS:
        rows = rows_of(user).order_by("pk").values_list(*fields)
        data[key] = [
            {
                field.replace("__", "_"): _plain(value)
                for field, value in zip(fields, row, strict=True)
            }
            for row in rows
        ]
    return data


def personal_data_json(user) -> bytes:
    payload = {"exported_at": _plain(timezone.now()), **personal_data_of(user)}
    return json.dumps(payload, ensure_ascii=False, indent=2).encode()


def _cell(value):
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value


def personal_data_xlsx(user) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for key, rows in personal_data_of(user).items():
            frame = pd.DataFrame([{k: _cell(v) for k, v in row.items()} for row in rows])
            if frame.empty:
                frame = pd.DataFrame({_("Nothing recorded"): []})
            frame.to_excel(writer, sheet_name=key[:31], index=False)
        text_only(writer.book)
    return buffer.getvalue()
