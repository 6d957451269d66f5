"""Completion statistics of an institution and every unit below it, computed with pandas.

The database does what it does best (filtering, and sums per person or per question version);
pandas rolls the per-person facts up the institution tree, where medians, shares and trends are
computed. A person belonging to several units of a subtree counts once in it.

Definitions (all "as of" the end of the period unless said otherwise):
- people: everyone with a membership in the unit's subtree (memberships carry no dates, so this
  is today's list even for a past period);
- enrolments, completed, in progress: course enrolments of those people; completion % =
  completed ÷ enrolments;
- assignments, completed, overdue (open past the due date), compliance % = completed ÷
  assignments;
- certificates: current, unrevoked; valid (not expired), expiring (valid, expiring within 90
  days), expired;
- study hours (active study in the period) and credit hours (approved continuing-education hours
  earned in the period, Qihang's certificates included);
- mock exams submitted in the period: count, pass rate, mean and median score in percent; pass
  rate per subject; score distribution in ten-point bands;
- weakest knowledge points: share of points earned on graded answers in the period, lowest
  first, among points with at least ``WEAK_POINT_MIN_ANSWERS`` answers;
- qualified this year: people whose national social-work qualification, issued in the period's
  final year, an admin approved; against the unit's annual target;
- trend: per month of the twelve ending with the period, courses completed, certificates issued
  and assignments completed.
"""

import dataclasses
import datetime

import pandas as pd
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from certificates.models import Certificate, HoursEntry
from certificates.models.hours import HoursState
from courses.models import Enrollment, KnowledgePoint, StudyTime, Subject
from institutions.models import Institution, Membership
from lms.db_router import reports_database
from lms.personal_data import list_name
from quizzes.models import Attempt, QuestionVersion, QuizKind, Response

from .models import AnnualTarget, Assignment, ExternalQualification, QualificationState
from .models.qualifications import SOCIAL_WORK_QUALIFICATIONS
from .presentation import plain

EXPIRING_DAYS = 90
SCORE_BANDS = list(range(0, 101, 10))

UNIT_COLUMNS = [
    "people",
    "enrolments",
    "enrolments_completed",
    "enrolments_in_progress",
    "completion_pct",
    "assignments",
    "assignments_completed",
    "assignments_overdue",
    "compliance_pct",
    "certificates_valid",
    "certificates_expiring",
    "certificates_expired",
    "study_hours",
    "credit_hours",
    "mock_attempts",
    "mock_pass_pct",
    "score_mean",
    "score_median",
    "qualified",
    "qualified_target",
]


@dataclasses.dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # exclusive

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        start = datetime.date(year, month, 1)
        return cls(start, start + relativedelta(months=1))

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1))

    @classmethod
    def year_to_date(cls, today: datetime.date) -> "Period":
        return cls(datetime.date(today.year, 1, 1), today + datetime.timedelta(days=1))

    @property
    def final_year(self) -> int:
        return (self.end - datetime.timedelta(days=1)).year

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The period as aware datetimes in the site's time zone."""
        zone = timezone.get_current_timezone()
        return (
            datetime.datetime.combine(self.start, datetime.time(), tzinfo=zone),
            datetime.datetime.combine(self.end, datetime.time(), tzinfo=zone),
        )


@dataclasses.dataclass
class Statistics:
    root: Institution
    period: Period
    units: pd.DataFrame  # one row per institution of the subtree, with its subtree's totals
    people: pd.DataFrame  # one row per person: their facts (see ``person_facts``)
    subjects: pd.DataFrame  # mock-exam pass rate per subject (root's subtree)
    weak_points: pd.DataFrame  # weakest knowledge points (root's subtree)
    score_bands: pd.DataFrame  # how many mock-exam scores fall in each ten-point band
    trend: pd.DataFrame  # per month: completions, certificates, assignments completed

    @property
    def summary(self) -> dict:
        """The root's totals as plain values (None where there is nothing to divide)."""
        return {key: plain(value) for key, value in self.units.loc[self.root.pk].items()}


def _frame(rows, columns) -> pd.DataFrame:
    return pd.DataFrame.from_records(list(rows), columns=columns)


def _tree(root: Institution) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The subtree's institutions, and each institution paired with itself and every ancestor
    up to ``root`` (the units it counts towards)."""
    institutions = _frame(
        Institution.objects.filter(path__startswith=root.path)
        .order_by("path")
        .values_list("pk", "path", "depth", "name", "name_en", "code", "kind"),
        ["institution_id", "path", "depth", "name", "name_en", "code", "kind"],
    )
    by_path = dict(zip(institutions.path, institutions.institution_id, strict=True))
    step = Institution.steplen
    pairs = [
        (institution_id, by_path[path[:end]])
        for institution_id, path in zip(institutions.institution_id, institutions.path, strict=True)
        for end in range(len(root.path), len(path) + 1, step)
    ]
    institutions["parent_id"] = [
        by_path.get(path[:-step]) if len(path) > len(root.path) else None
        for path in institutions.path
    ]
    return institutions.set_index("institution_id"), _frame(pairs, ["institution_id", "unit_id"])


def _members(root: Institution):
    return Membership.objects.filter(institution__path__startswith=root.path)


COUNT_COLUMNS = [
    "enrolments",
    "enrolments_completed",
    "assignments",
    "assignments_completed",
    "assignments_overdue",
    "certificates_valid",
    "certificates_expiring",
    "certificates_expired",
    "qualified",
]


def membership_rows(memberships) -> pd.DataFrame:
    """Every membership (a person may hold several) with the person's name and category."""
    return _frame(
        memberships.order_by("user_id", "institution__path").values_list(
            "user_id",
            "institution_id",
            "staff_category",
            "user__real_name",
            "user__username",
            "supervisor_id",
        ),
        ["user_id", "institution_id", "staff_category", "real_name", "username", "supervisor_id"],
    )


def person_facts(
    memberships, period: Period, now: datetime.datetime, rows: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per person holding one of ``memberships`` (indexed by user id): their first unit,
    staff category, name, supervisor and what the statistics count about them, as of ``now``
    (enrolments, assignments and certificates as they stood then)."""
    members = memberships.values("user_id")
    rows = membership_rows(memberships) if rows is None else rows
    people = rows.drop_duplicates("user_id").set_index("user_id")
    people["name"] = [
        list_name(real_name, username)
        for real_name, username in zip(people.real_name, people.username, strict=True)
    ]
    people = people[["institution_id", "staff_category", "name", "supervisor_id"]]

    def per_person(queryset, key="user_id", **aggregates) -> pd.DataFrame:
        rows = (
            queryset.filter(**{f"{key}__in": members})
            .order_by()
            .values(key)
            .annotate(**aggregates)
            .values_list(key, *aggregates)
        )
        return _frame(rows, ["user_id", *aggregates]).set_index("user_id")

    soon = now + datetime.timedelta(days=EXPIRING_DAYS)
    today = timezone.localdate(now)
    done_by_now = Q(completed_at__isnull=False, completed_at__lte=now)
    facts = [
        per_person(
            Enrollment.objects.filter(enrolled_at__lte=now),
            enrolments=Count("pk"),
            enrolments_completed=Count("pk", filter=done_by_now),
            last_activity=Max("last_activity_at", filter=Q(last_activity_at__lte=now)),
        ),
        per_person(
            Assignment.objects.filter(assigned_at__lte=now),
            assignments=Count("pk"),
            assignments_completed=Count("pk", filter=done_by_now),
            assignments_overdue=Count("pk", filter=~done_by_now & Q(due_on__lt=today)),
        ),
        per_person(
            # The certificates held at ``now``: issued by then, not yet revoked or superseded.
            Certificate.objects.filter(issued_at__lte=now)
            .filter(Q(revoked_at__isnull=True) | Q(revoked_at__gt=now))
            .filter(Q(superseded_at__isnull=True) | Q(superseded_at__gt=now)),
            key="holder_id",
            certificates_valid=Count(
                "pk", filter=Q(expires_at__isnull=True) | Q(expires_at__gt=now)
            ),
            certificates_expiring=Count("pk", filter=Q(expires_at__gt=now, expires_at__lte=soon)),
            certificates_expired=Count("pk", filter=Q(expires_at__lte=now)),
        ),
        per_person(
            StudyTime.objects.filter(day__gte=period.start, day__lt=period.end),
            study_seconds=Sum("seconds"),
        ),
        per_person(
            HoursEntry.objects.filter(
                state=HoursState.APPROVED, earned_on__gte=period.start, earned_on__lt=period.end
            ),
            credit_hours=Sum("hours"),
        ),
        per_person(
            ExternalQualification.objects.filter(
                state=QualificationState.APPROVED,
                kind__in=SOCIAL_WORK_QUALIFICATIONS,
                issued_on__gte=datetime.date(period.final_year, 1, 1),
                issued_on__lt=period.end,
            ),
            qualified=Count("pk"),
        ),
    ]
    people = people.join(facts, how="left")
    people[COUNT_COLUMNS] = people[COUNT_COLUMNS].fillna(0).astype(int)
    people["qualified"] = people.qualified.clip(upper=1)
    people["study_hours"] = people.pop("study_seconds").fillna(0).astype(float) / 3600
    people["credit_hours"] = people.credit_hours.fillna(0).astype(float)
    return people


def mock_attempts(memberships, period: Period) -> pd.DataFrame:
    """Mock exams of the members submitted in the period with a final score."""
    start, end = period.bounds()
    rows = Attempt.objects.filter(
        user_id__in=memberships.values("user_id"),
        quiz__kind=QuizKind.MOCK_EXAM,
        submitted_at__gte=start,
        submitted_at__lt=end,
        score__isnull=False,
        provisional=False,
    ).values_list("user_id", "quiz__subject_id", "score", "max_score", "pass_mark")
    frame = _frame(rows, ["user_id", "subject_id", "score", "max_score", "pass_mark"])
    for column in ("score", "max_score", "pass_mark"):
        frame[column] = frame[column].astype(float)
    frame["score_pct"] = frame.score / frame.max_score.where(frame.max_score > 0) * 100
    frame["passed"] = (frame.score >= frame.pass_mark).astype(int)
    return frame


def best_scores(attempts: pd.DataFrame, people: pd.Index) -> pd.Series:
    return attempts.groupby("user_id").score_pct.max().reindex(people).round(1)


def _percent(part: pd.Series, whole: pd.Series) -> pd.Series:
    return (part / whole.where(whole > 0) * 100).round(1)


def unit_table(
    institutions: pd.DataFrame,
    pairs: pd.DataFrame,
    memberships: pd.DataFrame,
    people: pd.DataFrame,
    attempts: pd.DataFrame,
    targets: dict[int, int],
) -> pd.DataFrame:
    """Every unit's subtree totals. ``pairs`` maps each institution to the units it counts in;
    a person is counted once per unit however many memberships they hold inside it."""
    in_unit = memberships[["user_id", "institution_id"]].merge(pairs, on="institution_id")[
        ["user_id", "unit_id"]
    ]
    in_unit = in_unit.drop_duplicates()
    summed = in_unit.merge(
        people[[*COUNT_COLUMNS, "study_hours", "credit_hours"]], left_on="user_id", right_index=True
    )
    units = summed.groupby("unit_id").agg(
        people=("user_id", "size"),
        **{column: (column, "sum") for column in COUNT_COLUMNS},
        study_hours=("study_hours", "sum"),
        credit_hours=("credit_hours", "sum"),
    )
    scored = attempts.merge(in_unit, on="user_id")
    scores = scored.groupby("unit_id").agg(
        mock_attempts=("passed", "size"),
        mock_passed=("passed", "sum"),
        score_mean=("score_pct", "mean"),
        score_median=("score_pct", "median"),
    )
    table = institutions[["name", "name_en", "code", "kind", "depth", "parent_id"]].join(
        [units, scores], how="left"
    )
    counts = ["people", *COUNT_COLUMNS, "mock_attempts", "mock_passed"]
    table[counts] = table[counts].fillna(0).astype(int)
    table[["study_hours", "credit_hours"]] = table[["study_hours", "credit_hours"]].fillna(0.0)
    table["enrolments_in_progress"] = table.enrolments - table.enrolments_completed
    table["completion_pct"] = _percent(table.enrolments_completed, table.enrolments)
    table["compliance_pct"] = _percent(table.assignments_completed, table.assignments)
    table["mock_pass_pct"] = _percent(table.mock_passed, table.mock_attempts)
    table[["score_mean", "score_median"]] = table[["score_mean", "score_median"]].round(1)
    table[["study_hours", "credit_hours"]] = table[["study_hours", "credit_hours"]].round(1)
    table["qualified_target"] = pd.Series(targets, dtype="Int64").reindex(table.index)
    table.index.name = "institution_id"
    return table


def subject_pass_rates(attempts: pd.DataFrame) -> pd.DataFrame:
    names = {subject.pk: subject.display_name for subject in Subject.objects.all()}
    rates = attempts.groupby("subject_id").agg(
        attempts=("passed", "size"), passed=("passed", "sum"), score_mean=("score_pct", "mean")
    )
    rates["pass_pct"] = _percent(rates.passed, rates.attempts)
    rates["score_mean"] = rates.score_mean.round(1)
    rates.insert(0, "subject", [names.get(pk, "") for pk in rates.index])
    return rates.reset_index(drop=True)


def score_bands(attempts: pd.DataFrame) -> pd.DataFrame:
    """How many mock-exam scores fall into 0–9, 10–19, …, 90–100 per cent."""
    labels = [f"{low}–{low + 9}" for low in SCORE_BANDS[:-2]] + ["90–100"]
    bands = pd.cut(
        attempts.score_pct, bins=SCORE_BANDS, labels=labels, right=False, include_lowest=True
    )
    bands = bands.where(attempts.score_pct.isna() | (attempts.score_pct < 100), "90–100")
    counts = bands.value_counts().reindex(labels, fill_value=0)
    return pd.DataFrame({"band": labels, "attempts": counts.to_numpy()})


def weak_points(root: Institution, period: Period, limit: int = 10) -> pd.DataFrame:
    """The knowledge points with the lowest share of points earned. The database sums per
    question version; pandas spreads each version over the knowledge points it tests."""
    start, end = period.bounds()
    # Grouped by the version id alone: grouping millions of answers by the JSON list too
    # (one query with a join) took the database twice as long. The lists come after.
    per_version = (
        Response.objects.filter(
            attempt__user_id__in=_members(root).values("user_id"),
            attempt__submitted_at__gte=start,
            attempt__submitted_at__lt=end,
            points__isnull=False,
        )
        .order_by()
        .values("version_id")
        .annotate(answers=Count("pk"), points=Sum("points"), max_points=Sum("max_points"))
        .values_list("version_id", "answers", "points", "max_points")
    )
    versions = _frame(per_version, ["version_id", "answers", "points", "max_points"])
    columns = ["code", "name", "answers", "correct_pct"]
    if versions.empty:
        return pd.DataFrame(columns=columns)
    tested = dict(
        QuestionVersion.objects.filter(pk__in=versions.version_id.tolist()).values_list(
            "pk", "knowledge_point_ids"
        )
    )
    versions["knowledge_point_id"] = versions.version_id.map(tested)
    points = versions.explode("knowledge_point_id").dropna(subset=["knowledge_point_id"])
    points["knowledge_point_id"] = points.knowledge_point_id.astype(int)
    points[["points", "max_points"]] = points[["points", "max_points"]].astype(float)
    totals = points.groupby("knowledge_point_id")[["answers", "points", "max_points"]].sum()
    totals = totals[totals.answers >= settings.WEAK_POINT_MIN_ANSWERS]
    totals["correct_pct"] = _percent(totals.points, totals.max_points)
    totals = totals.dropna(subset=["correct_pct"]).sort_values(
        ["correct_pct", "answers"], ascending=[True, False]
    )
    totals = totals.head(limit)
    nodes = KnowledgePoint.objects.in_bulk(list(totals.index))
    totals = totals[totals.index.isin(list(nodes))]  # a point deleted from the syllabus since
    totals["code"] = [nodes[pk].code for pk in totals.index]
    totals["name"] = [nodes[pk].display_name for pk in totals.index]
    totals["answers"] = totals.answers.astype(int)
    return totals.reset_index(drop=True)[columns]


def monthly_trend(root: Institution, period: Period, months: int = 12) -> pd.DataFrame:
    """Per month of the ``months`` ending with the period: courses completed, certificates issued
    and assignments completed by the subtree's people."""
    last = period.end - datetime.timedelta(days=1)
    first = datetime.date(last.year, last.month, 1) - relativedelta(months=months - 1)
    start, end = Period(first, period.end).bounds()
    members = _members(root).values("user_id")
    sources = {
        "courses_completed": Enrollment.objects.filter(
            user_id__in=members, completed_at__gte=start, completed_at__lt=end
        ).values_list("completed_at", flat=True),
        "certificates_issued": Certificate.objects.filter(
            holder_id__in=members, issued_at__gte=start, issued_at__lt=end
        ).values_list("issued_at", flat=True),
        "assignments_completed": Assignment.objects.filter(
            user_id__in=members, completed_at__gte=start, completed_at__lt=end
        ).values_list("completed_at", flat=True),
    }
    labels = [(first + relativedelta(months=n)).strftime("%Y-%m") for n in range(months)]
    zone = timezone.get_current_timezone()
    trend = pd.DataFrame({"month": labels})
    for column, moments in sources.items():
        stamps = pd.Series(
            [moment.astimezone(zone).strftime("%Y-%m") for moment in moments], dtype="object"
        )
        trend[column] = stamps.value_counts().reindex(labels, fill_value=0).to_numpy()
    return trend


def statistics(
    root: Institution, period: Period, now: datetime.datetime | None = None
) -> Statistics:
    """Everything the dashboard and reports show about ``root`` and the units below it, with
    states as of the end of the period (or now, for a period not over yet). Read from the
    reports replica when there is one (a few seconds behind the primary at most)."""
    now = min(now or timezone.now(), period.bounds()[1])
    with reports_database():
        institutions, pairs = _tree(root)
        memberships = membership_rows(_members(root))
        people = person_facts(_members(root), period, now, rows=memberships)
        attempts = mock_attempts(_members(root), period)
        targets = dict(
            AnnualTarget.objects.filter(
                institution__path__startswith=root.path, year=period.final_year
            ).values_list("institution_id", "qualified_people")
        )
        people["best_mock_pct"] = best_scores(attempts, people.index)
        return Statistics(
            root=root,
            period=period,
            units=unit_table(institutions, pairs, memberships, people, attempts, targets),
            people=people,
            subjects=subject_pass_rates(attempts),
            weak_points=weak_points(root, period),
            score_bands=score_bands(attempts),
            trend=monthly_trend(root, period),
        )
