"""The dry run: what each roster row would do, and every error with its row number.

Nothing here writes. ``roster_check`` reads the database to match people and memberships, and
the result drives both the preview and (checked again inside the apply transaction) the import.

Rules worth knowing:
- People are matched by phone, else by email, across the whole platform, so nobody is created
  twice. A match is taken only when the person is already administered by the importing admin
  (a membership in their subtree) or belongs to no institution yet; a person of another
  institution is an error, never attached. An existing account's phone and email are never
  changed by an import; a row whose phone and email point at different people, or at a person
  with other contact details, is an error. Names are updated only for people the admin already
  administers.
- Empty cells keep what is recorded; a new membership needs a staff category.
- An institution outside the admin's subtree gets the same error as one that does not exist.
"""

import datetime
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_noop

from institutions.models import Membership
from institutions.selectors import administered_institutions

from .columns import BY_KEY, COLUMNS, STAFF_CATEGORY_LABELS, header_key, staff_category_of
from .reading import Sheet

MOBILE = re.compile(r"^1\d{10}$")
DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]00:00(?::00)?)?$")
CHUNK = 500
NOT_MOBILE = gettext_noop(
    "“%(value)s” is not a mainland mobile number (11 digits starting with 1)."
)
NOT_EMAIL = gettext_noop("“%(value)s” is not an email address.")
NO_SUPERVISOR = gettext_noop("No one with phone %(value)s is in this file or in your institutions.")
# Errors whose value names nobody on Qihang: shown as typed, so that it can be corrected. Every
# other phone or email in an error names a real person and is masked on the page.
NAMES_NOBODY = frozenset({NOT_MOBILE, NOT_EMAIL, NO_SUPERVISOR})

Progress = Callable[[int, int], None]


@dataclass
class RowPlan:
    row: int
    name: str = ""
    phone: str = ""
    email: str = ""
    code: str = ""
    institution: object = None
    staff_category: str = ""  # empty: keep the membership's
    post: str | None = None  # None: keep
    hire_date: datetime.date | None = None  # None: keep
    supervisor_phone: str = ""
    user: object = None  # the existing person this row is about
    person: int = 0  # row number of the first row about the same person
    supervisor: tuple | None = None  # ("user", pk) or ("row", person)
    membership: Membership | None = None
    rename: bool = False
    action: str = ""  # create | update | unchanged | error
    new_person: bool = False
    changes: list[str] = field(default_factory=list)


@dataclass
class Check:
    rows: list[RowPlan] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    # person (first row number) -> merged name, phone and email of a person the file creates
    new_people: dict[int, dict] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, row: int | None, key: str, message: str, **params) -> None:
        column = BY_KEY[key].header if key else ""
        self.errors.append({"row": row, "column": column, "message": message, "params": params})

    def count(self, action: str) -> int:
        return sum(1 for plan in self.rows if plan.action == action)

    def preview(self) -> list[dict]:
        return [
            {
                "row": plan.row,
                "name": plan.name,
                "institution": plan.institution.name if plan.institution else "",
                "code": plan.code,
                "action": plan.action,
                "new_person": plan.new_person,
                "changes": plan.changes,
            }
            for plan in self.rows
        ]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel keeps phone numbers typed as numbers as floats
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _phone(value) -> str:
    text = re.sub(r"[\s\-]", "", _text(value))
    return text[3:] if text.startswith("+86") else text


def _date(value, check: Check, row: int) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    else:
        text = _text(value)
        if not text:
            return None
        match = DATE.match(text)
        if not match:
            check.error(
                row,
                "hire_date",
                gettext_noop("“%(value)s” is not a date; write it as 2024-09-01."),
                value=text,
            )
            return None
        try:
            day = datetime.date(*(int(part) for part in match.groups()))
        except ValueError:
            check.error(
                row,
                "hire_date",
                gettext_noop("%(value)s is not a real date."),
                value=text,
            )
            return None
    if day > timezone.localdate():
        check.error(
            row,
            "hire_date",
            gettext_noop("The hire date %(value)s is in the future."),
            value=day.isoformat(),
        )
        return None
    return day


def _columns(sheet: Sheet, check: Check) -> dict[str, int] | None:
    positions: dict[str, int] = {}
    for index, cell in enumerate(sheet.header):
        key = header_key(cell)
        if key is None:
            continue
        if key in positions:
            check.error(
                1,
                key,
                gettext_noop("The column %(column)s appears twice."),
                column=BY_KEY[key].header,
            )
        positions[key] = index
    for column in COLUMNS:
        if column.required and column.key not in positions:
            check.error(
                1,
                column.key,
                gettext_noop("The required column %(column)s is missing from row 1."),
                column=column.header,
            )
    if "phone" not in positions and "email" not in positions:
        check.error(
            1,
            "phone",
            gettext_noop("Row 1 needs a 手机号 (phone) or a 邮箱 (email) column."),
        )
    return None if check.errors else positions


def _parse(number: int, cells: list, positions: dict[str, int], institutions, check: Check):
    def cell(key):
        index = positions.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    plan = RowPlan(row=number, person=number)
    plan.name = _text(cell("name"))
    if not plan.name:
        check.error(number, "name", gettext_noop("The name is missing."))
    elif len(plan.name) > 64:
        check.error(number, "name", gettext_noop("The name is longer than 64 characters."))
    plan.phone = _phone(cell("phone"))
    if plan.phone and not MOBILE.match(plan.phone):
        check.error(
            number,
            "phone",
            NOT_MOBILE,
            value=plan.phone,
        )
        plan.phone = ""
    plan.email = _text(cell("email")).lower()
    if plan.email:
        try:
            validate_email(plan.email)
        except ValidationError:
            check.error(
                number,
                "email",
                NOT_EMAIL,
                value=plan.email,
            )
            plan.email = ""
    elif not _phone(cell("phone")):
        check.error(number, "phone", gettext_noop("Give a phone number, an email or both."))
    plan.code = _text(cell("institution"))
    plan.institution = institutions.get(plan.code.lower())
    if not plan.code:
        check.error(number, "institution", gettext_noop("The institution code is missing."))
    elif plan.institution is None:
        check.error(
            number,
            "institution",
            gettext_noop("Unknown institution code “%(value)s”."),
            value=plan.code,
        )
    category = _text(cell("staff_category"))
    if category:
        plan.staff_category = staff_category_of(category) or ""
        if not plan.staff_category:
            check.error(
                number,
                "staff_category",
                gettext_noop("Unknown staff category “%(value)s”; use one of %(choices)s."),
                value=category,
                choices="、".join(STAFF_CATEGORY_LABELS),
            )
    post = _text(cell("post"))
    if post:
        if len(post) > 64:
            check.error(number, "post", gettext_noop("The post is longer than 64 characters."))
        plan.post = post[:64]
    plan.hire_date = _date(cell("hire_date"), check, number)
    plan.supervisor_phone = _phone(cell("supervisor_phone"))
    if plan.supervisor_phone and not MOBILE.match(plan.supervisor_phone):
        check.error(
            number,
            "supervisor_phone",
            gettext_noop(
                "“%(value)s” is not a mainland mobile number (11 digits starting with 1)."
            ),
            value=plan.supervisor_phone,
        )
        plan.supervisor_phone = ""
    return plan


def _chunks(values):
    values = sorted(values)
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _existing_people(plans):
    User = get_user_model()
    fields = ("pk", "real_name", "phone", "email")
    by_phone, by_email = defaultdict(list), defaultdict(list)
    for chunk in _chunks({plan.phone for plan in plans if plan.phone}):
        for user in User.objects.filter(phone__in=chunk).only(*fields):
            by_phone[user.phone].append(user)
    for chunk in _chunks({plan.email for plan in plans if plan.email}):
        users = User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=chunk)
        for user in users.only(*fields):
            by_email[user.email.lower()].append(user)
    return by_phone, by_email


def _match(plan: RowPlan, by_phone, by_email, administered_ids, foreign_ids, check: Check) -> None:
    """Find the existing person a row is about, if any."""
    phone_users = by_phone.get(plan.phone, []) if plan.phone else []
    email_users = by_email.get(plan.email, []) if plan.email else []
    if len(phone_users) > 1:
        check.error(
            plan.row,
            "phone",
            gettext_noop("Several people already have the phone %(value)s; it is ambiguous."),
            value=plan.phone,
        )
        return
    if len(email_users) > 1:
        check.error(
            plan.row,
            "email",
            gettext_noop("Several people already have the email %(value)s; it is ambiguous."),
            value=plan.email,
        )
        return
    by_phone_user = phone_users[0] if phone_users else None
    by_email_user = email_users[0] if email_users else None
    if by_phone_user and by_email_user and by_phone_user.pk != by_email_user.pk:
        check.error(
            plan.row,
            "email",
            gettext_noop("The phone belongs to one existing person and the email to another."),
        )
        return
    user = by_phone_user or by_email_user
    if user is None:
        return
    if user.pk in foreign_ids:
        check.error(
            plan.row,
            "phone" if by_phone_user else "email",
            gettext_noop(
                "This phone or email belongs to a person of an institution you do not "
                "administer. Ask the city admin to add them, or correct the row."
            ),
        )
        return
    if by_phone_user and plan.email and user.email and user.email.lower() != plan.email:
        check.error(
            plan.row,
            "email",
            gettext_noop(
                "The person with phone %(value)s has another email; leave the email empty or "
                "correct it."
            ),
            value=plan.phone,
        )
        return
    if not by_phone_user and plan.phone and user.phone and user.phone != plan.phone:
        check.error(
            plan.row,
            "phone",
            gettext_noop(
                "The person with email %(value)s has another phone; leave the phone empty or "
                "correct it."
            ),
            value=plan.email,
        )
        return
    if plan.name and user.real_name != plan.name:
        if user.real_name and user.pk not in administered_ids:
            check.error(
                plan.row,
                "name",
                gettext_noop(
                    "This phone or email belongs to an existing person with a different name."
                ),
            )
            return
        plan.rename = True
    plan.user = user


def _same_people(plans: list[RowPlan], check: Check) -> None:
    """Rows about one person share a person number; a person twice in one institution is an
    error on the later row."""
    first_by_key: dict[tuple, RowPlan] = {}
    seen: dict[tuple, int] = {}
    for plan in plans:
        keys = [("phone", plan.phone), ("email", plan.email)]
        keys = [key for key in keys if key[1]]
        if plan.user is not None:
            keys.append(("user", plan.user.pk))
        earlier = {
            first_by_key[key].person: first_by_key[key] for key in keys if key in first_by_key
        }
        if len(earlier) > 1:
            rows = sorted(earlier)
            check.error(
                plan.row,
                "phone",
                gettext_noop(
                    "The phone and email match rows %(first)s and %(second)s, which differ."
                ),
                first=rows[0],
                second=rows[1],
            )
            plan.action = "error"
            continue
        if earlier:
            first = next(iter(earlier.values()))
            same_user = (first.user.pk if first.user else None) == (
                plan.user.pk if plan.user else None
            )
            if first.name != plan.name or not same_user or _differs(first, plan):
                check.error(
                    plan.row,
                    "name",
                    gettext_noop(
                        "Row %(first)s has the same phone or email but a different name, phone "
                        "or email."
                    ),
                    first=first.person,
                )
                plan.action = "error"
                continue
            plan.person = first.person
        for key in keys:
            first_by_key.setdefault(key, plan)
        if plan.institution is None:
            continue
        pair = (plan.person, plan.institution.pk)
        if pair in seen:
            check.error(
                plan.row,
                "name",
                gettext_noop(
                    "The same person in the same institution is already on row %(first)s."
                ),
                first=seen[pair],
            )
            plan.action = "error"
        else:
            seen[pair] = plan.row


def _differs(first: RowPlan, plan: RowPlan) -> bool:
    return bool(
        (first.phone and plan.phone and first.phone != plan.phone)
        or (first.email and plan.email and first.email != plan.email)
    )


def _supervisors(plans: list[RowPlan], institutions, check: Check) -> None:
    wanted = {plan.supervisor_phone for plan in plans if plan.supervisor_phone}
    if not wanted:
        return
    candidates: dict[str, set] = defaultdict(set)
    for plan in plans:
        if plan.phone in wanted and plan.action != "error":
            identity = ("user", plan.user.pk) if plan.user else ("row", plan.person)
            candidates[plan.phone].add(identity)
    in_subtree = Membership.objects.filter(
        institution__in=institutions, user__phone__in=sorted(wanted)
    ).values_list("user_id", "user__phone")
    for user_id, phone in in_subtree.distinct():
        candidates[phone].add(("user", user_id))
    for plan in plans:
        if not plan.supervisor_phone:
            continue
        found = candidates.get(plan.supervisor_phone, set())
        own = ("user", plan.user.pk) if plan.user else ("row", plan.person)
        if not found:
            check.error(
                plan.row,
                "supervisor_phone",
                NO_SUPERVISOR,
                value=plan.supervisor_phone,
            )
        elif len(found) > 1:
            check.error(
                plan.row,
                "supervisor_phone",
                gettext_noop("Several people have the phone %(value)s; it is ambiguous."),
                value=plan.supervisor_phone,
            )
        elif own in found:
            check.error(
                plan.row,
                "supervisor_phone",
                gettext_noop("A person cannot be their own supervisor."),
            )
        else:
            plan.supervisor = next(iter(found))


def _actions(plans: list[RowPlan], error_rows: set[int], check: Check) -> None:
    users = {plan.user.pk for plan in plans if plan.user}
    institutions = {plan.institution.pk for plan in plans if plan.institution}
    memberships = {}
    for chunk in _chunks(users):
        for membership in Membership.objects.filter(
            user_id__in=chunk, institution_id__in=institutions
        ):
            memberships[membership.user_id, membership.institution_id] = membership
    for plan in plans:
        if plan.row in error_rows:
            plan.action = "error"
            continue
        first_row = plan.person == plan.row
        if plan.user is None:
            plan.new_person = first_row
            person = check.new_people.setdefault(
                plan.person, {"name": plan.name, "phone": "", "email": ""}
            )
            person["phone"] = person["phone"] or plan.phone
            person["email"] = person["email"] or plan.email
        else:
            plan.membership = memberships.get((plan.user.pk, plan.institution.pk))
            if plan.rename and first_row:
                plan.changes.append("name")
        if plan.membership is None:
            if not plan.staff_category:
                check.error(
                    plan.row,
                    "staff_category",
                    gettext_noop("A staff category is needed for a person new to the institution."),
                )
                plan.action = "error"
                continue
            plan.action = "create"
            continue
        membership = plan.membership
        if plan.staff_category and plan.staff_category != membership.staff_category:
            plan.changes.append("staff_category")
        if plan.post is not None and plan.post != membership.post:
            plan.changes.append("post")
        if plan.hire_date is not None and plan.hire_date != membership.hire_date:
            plan.changes.append("hire_date")
        if plan.supervisor is not None and plan.supervisor != ("user", membership.supervisor_id):
            plan.changes.append("supervisor")
        plan.action = "update" if plan.changes else "unchanged"


def roster_check(*, sheet: Sheet, admin, progress: Progress | None = None) -> Check:
    """What importing ``sheet`` as ``admin`` would do. Writes nothing."""
    check = Check()
    positions = _columns(sheet, check)
    if positions is None:
        return check
    administered = administered_institutions(admin)
    institutions = {institution.code.lower(): institution for institution in administered}
    total = len(sheet.rows)
    for done, (number, cells) in enumerate(sheet.rows, start=1):
        check.rows.append(_parse(number, cells, positions, institutions, check))
        if progress and done % 200 == 0:
            progress(done, total)
    parse_errors = {error["row"] for error in check.errors}
    plans = check.rows
    by_phone, by_email = _existing_people(plans)
    matched = {user.pk for users in (*by_phone.values(), *by_email.values()) for user in users}
    administered_ids = set()
    for chunk in _chunks(matched):
        administered_ids |= set(
            Membership.objects.filter(user_id__in=chunk, institution__in=administered).values_list(
                "user_id", flat=True
            )
        )
    foreign_ids = set()
    for chunk in _chunks(matched - administered_ids):
        foreign_ids |= set(
            Membership.objects.filter(user_id__in=chunk).values_list("user_id", flat=True)
        )
    for plan in plans:
        if plan.row not in parse_errors:
            _match(plan, by_phone, by_email, administered_ids, foreign_ids, check)
    _same_people([plan for plan in plans if plan.row not in parse_errors], check)
    _supervisors(plans, administered, check)
    _actions(plans, {error["row"] for error in check.errors}, check)
    if progress:
        progress(total, total)
    check.errors.sort(key=lambda error: error["row"] or 0)
    return check
