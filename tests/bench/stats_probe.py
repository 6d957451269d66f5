"""One timed measurement of the statistics benchmark, in a process of its own.

``python -m tests.bench.stats_probe WHAT INSTITUTION_ID`` prints one JSON line:
wall seconds of the measured call, the process's peak resident memory (``ru_maxrss``, Django
and pandas included) and its baseline before the call, and what the call found.

- ``city``: ``statistics(root, Period.year_to_date(today))``, the city-wide statistics.
- ``report_xlsx``, ``report_pdf``: one institution's report for the last full month
  (``report_render``).
- ``sql``: the floor: one hand-written query computing the same per-unit totals and
  knowledge-point sums in PostgreSQL (psycopg, no ORM, no pandas).
"""

import datetime
import json
import resource
import sys
import time

# Per-unit counts compared between the service and the SQL floor.
UNIT_CHECK = [
    "people",
    "enrolments",
    "enrolments_completed",
    "assignments",
    "assignments_overdue",
    "certificates_valid",
    "mock_attempts",
    "mock_passed",
]


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def city(root_id: int) -> dict:
    import pandas as pd
    from django.utils import timezone

    from institutions.models import Institution
    from institutions.reporting.statistics import Period, statistics

    root = Institution.objects.get(pk=root_id)
    period = Period.year_to_date(timezone.localdate())
    baseline = _peak_mb()
    started = time.perf_counter()
    result = statistics(root, period)
    seconds = time.perf_counter() - started
    summary = {
        key: None if pd.isna(value) else (value.item() if hasattr(value, "item") else value)
        for key, value in result.summary.items()
        if key not in ("name", "name_en", "code", "kind", "parent_id")
    }
    return {
        "seconds": seconds,
        "peak_mb": _peak_mb(),
        "baseline_mb": baseline,
        "units": len(result.units),
        "summary": summary,
        "per_unit": {
            str(pk): [int(row[column]) for column in UNIT_CHECK]
            for pk, row in result.units.iterrows()
        },
        "weak_points": result.weak_points.code.tolist(),
        "trend_courses_completed": result.trend.courses_completed.tolist(),
    }


def report(institution_id: int, fmt: str) -> dict:
    from django.utils import timezone

    from institutions.models import Institution, Membership
    from institutions.reporting.services.reports import report_render
    from institutions.reporting.statistics import Period

    institution = Institution.objects.get(pk=institution_id)
    last_month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    period = Period.month(last_month.year, last_month.month)
    baseline = _peak_mb()
    started = time.perf_counter()
    content = report_render(institution=institution, period=period, fmt=fmt)
    seconds = time.perf_counter() - started
    members = Membership.objects.filter(institution__path__startswith=institution.path)
    return {
        "seconds": seconds,
        "peak_mb": _peak_mb(),
        "baseline_mb": baseline,
        "bytes": len(content),
        "institution": institution.code,
        "units": institution.get_descendant_count() + 1,
        "people": members.values("user_id").distinct().count(),
        "period": f"{period.start:%Y-%m}",
    }


CITY_SQL = """
WITH units AS NOT MATERIALIZED (
    SELECT id, path FROM institutions_institution WHERE path LIKE %(subtree)s
),
members AS NOT MATERIALIZED (  -- inlined where used, so each use is planned with real sizes
    SELECT m.user_id FROM institutions_membership m
    JOIN institutions_institution i ON i.id = m.institution_id WHERE i.path LIKE %(subtree)s
),
member_units AS (  -- each person, with every unit whose subtree holds one of their posts
    SELECT DISTINCT m.user_id, u.id AS unit_id
    FROM institutions_membership m
    JOIN institutions_institution mi ON mi.id = m.institution_id
    -- constant bounds, so the planner estimates the rows well
    CROSS JOIN generate_series(%(depth)s::int, %(max_depth)s::int) AS d
    JOIN units u ON u.path = left(mi.path, d * %(steplen)s)
    WHERE mi.path LIKE %(subtree)s AND d <= mi.depth
),
enrolments AS (
    SELECT e.user_id, count(*) AS n, count(e.completed_at) AS done
    FROM courses_enrollment e WHERE e.user_id IN (SELECT user_id FROM members) GROUP BY 1
),
assignments AS (
    SELECT a.user_id, count(*) AS n, count(a.completed_at) AS done,
           count(*) FILTER (WHERE a.completed_at IS NULL AND a.due_on < %(today)s) AS overdue
    FROM reporting_assignment a WHERE a.user_id IN (SELECT user_id FROM members) GROUP BY 1
),
certificates AS (
    SELECT c.holder_id AS user_id,
           count(*) FILTER (WHERE c.expires_at IS NULL OR c.expires_at > %(now)s) AS valid,
           count(*) FILTER (WHERE c.expires_at > %(now)s AND c.expires_at <= %(soon)s) AS expiring,
           count(*) FILTER (WHERE c.expires_at <= %(now)s) AS expired
    FROM certificates_certificate c
    WHERE c.holder_id IN (SELECT user_id FROM members) AND c.current AND c.revoked_at IS NULL
    GROUP BY 1
),
study AS (
    SELECT s.user_id, sum(s.seconds) AS seconds
    FROM courses_studytime s
    WHERE s.user_id IN (SELECT user_id FROM members)
      AND s.day >= %(first_day)s AND s.day < %(end_day)s
    GROUP BY 1
),
credit AS (
    SELECT h.user_id, sum(h.hours) AS hours
    FROM certificates_hoursentry h
    WHERE h.user_id IN (SELECT user_id FROM members) AND h.state = 'approved'
      AND h.earned_on >= %(first_day)s AND h.earned_on < %(end_day)s
    GROUP BY 1
),
mocks AS (
    SELECT a.user_id, count(*) AS n, count(*) FILTER (WHERE a.score >= a.pass_mark) AS passed,
           sum(a.score / nullif(a.max_score, 0) * 100) AS pct_sum,
           count(nullif(a.max_score, 0)) AS pct_n
    FROM quizzes_attempt a
    JOIN quizzes_quiz q ON q.id = a.quiz_id
    WHERE a.user_id IN (SELECT user_id FROM members) AND q.kind = 'mock_exam'
      AND a.submitted_at >= %(start)s AND a.submitted_at < %(end)s
      AND a.score IS NOT NULL AND NOT a.provisional
    GROUP BY 1
),
facts AS (  -- one row per person of the subtree: what the statistics count about them
    SELECT p.user_id,
           coalesce(e.n, 0) AS enrolments, coalesce(e.done, 0) AS enrolments_completed,
           coalesce(a.n, 0) AS assignments, coalesce(a.done, 0) AS assignments_completed,
           coalesce(a.overdue, 0) AS assignments_overdue,
           coalesce(c.valid, 0) AS certificates_valid,
           coalesce(c.expiring, 0) AS certificates_expiring,
           coalesce(c.expired, 0) AS certificates_expired,
           coalesce(s.seconds, 0) AS study_seconds, coalesce(h.hours, 0) AS credit_hours,
           coalesce(m.n, 0) AS mock_attempts, coalesce(m.passed, 0) AS mock_passed,
           m.pct_sum, coalesce(m.pct_n, 0) AS pct_n
    FROM (SELECT DISTINCT user_id FROM members) p
    LEFT JOIN enrolments e ON e.user_id = p.user_id
    LEFT JOIN assignments a ON a.user_id = p.user_id
    LEFT JOIN certificates c ON c.user_id = p.user_id
    LEFT JOIN study s ON s.user_id = p.user_id
    LEFT JOIN credit h ON h.user_id = p.user_id
    LEFT JOIN mocks m ON m.user_id = p.user_id
),
per_unit AS (
    SELECT mu.unit_id, count(*) AS people,
           sum(f.enrolments)::bigint AS enrolments,
           sum(f.enrolments_completed)::bigint AS enrolments_completed,
           sum(f.assignments)::bigint AS assignments,
           sum(f.assignments_completed)::bigint AS assignments_completed,
           sum(f.assignments_overdue)::bigint AS assignments_overdue,
           sum(f.certificates_valid)::bigint AS certificates_valid,
           sum(f.certificates_expiring)::bigint AS certificates_expiring,
           sum(f.certificates_expired)::bigint AS certificates_expired,
           round(sum(f.study_seconds) / 3600.0, 1) AS study_hours,
           sum(f.credit_hours) AS credit_hours,
           sum(f.mock_attempts)::bigint AS mock_attempts,
           sum(f.mock_passed)::bigint AS mock_passed,
           round(sum(f.pct_sum) / nullif(sum(f.pct_n), 0), 1) AS score_mean
    FROM member_units mu JOIN facts f ON f.user_id = mu.user_id
    GROUP BY 1
),
versions AS (  -- graded answers of the subtree's people in the period, per question version
    SELECT r.version_id, count(*) AS answers, sum(r.points) AS points,
           sum(r.max_points) AS max_points
    FROM quizzes_response r
    JOIN quizzes_attempt a ON a.id = r.attempt_id
    WHERE a.user_id IN (SELECT user_id FROM members)
      AND a.submitted_at >= %(start)s AND a.submitted_at < %(end)s AND r.points IS NOT NULL
    GROUP BY 1
),
knowledge_points AS (
    SELECT kp.id::bigint AS id, sum(v.answers) AS answers, sum(v.points) AS points,
           sum(v.max_points) AS max_points
    FROM versions v
    JOIN quizzes_questionversion qv ON qv.id = v.version_id
    CROSS JOIN LATERAL jsonb_array_elements_text(qv.knowledge_point_ids) AS kp(id)
    GROUP BY 1
)
SELECT u.id, pu.people, pu.enrolments, pu.enrolments_completed, pu.assignments,
       pu.assignments_completed, pu.assignments_overdue, pu.certificates_valid,
       pu.certificates_expiring, pu.certificates_expired, pu.study_hours, pu.credit_hours,
       pu.mock_attempts, pu.mock_passed, pu.score_mean,
       CASE WHEN u.path = %(path)s THEN
           (SELECT json_agg(json_build_array(id, answers, points, max_points) ORDER BY id)
            FROM knowledge_points) END AS knowledge_points
FROM units u LEFT JOIN per_unit pu ON pu.unit_id = u.id
ORDER BY u.path
"""
SQL_COLUMNS = [
    "institution_id",
    "people",
    "enrolments",
    "enrolments_completed",
    "assignments",
    "assignments_completed",
    "assignments_overdue",
    "certificates_valid",
    "certificates_expiring",
    "certificates_expired",
    "study_hours",
    "credit_hours",
    "mock_attempts",
    "mock_passed",
    "score_mean",
]


def sql(root_id: int) -> dict:
    import psycopg
    from django.conf import settings
    from django.db.models import Max
    from django.utils import timezone

    from institutions.models import Institution
    from institutions.reporting.statistics import EXPIRING_DAYS, Period

    db = settings.DATABASES["default"]
    now = timezone.now()
    period = Period.year_to_date(timezone.localdate(now))
    start, end = period.bounds()
    root = Institution.objects.get(pk=root_id)
    params = {
        "subtree": root.path + "%",
        "path": root.path,
        "depth": root.depth,
        "max_depth": Institution.objects.filter(path__startswith=root.path).aggregate(Max("depth"))[
            "depth__max"
        ],
        "steplen": Institution.steplen,
        "now": now,
        "soon": now + datetime.timedelta(days=EXPIRING_DAYS),
        "today": timezone.localdate(now),
        "first_day": period.start,
        "end_day": period.end,
        "start": start,
        "end": end,
    }
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"]
    ) as conn:
        started = time.perf_counter()
        rows = conn.execute(CITY_SQL, params).fetchall()
        seconds = time.perf_counter() - started
    top = next(row for row in rows if row[0] == root_id)
    points = top[-1] or []
    summary = {
        key: float(value) if value is not None and not isinstance(value, int) else value
        for key, value in zip(SQL_COLUMNS, top[:-1], strict=True)
    }
    return {
        "seconds": seconds,
        "peak_mb": _peak_mb(),
        "units": len(rows),
        "summary": summary,
        "per_unit": {
            str(row[0]): [int(row[SQL_COLUMNS.index(column)] or 0) for column in UNIT_CHECK]
            for row in rows
        },
        "knowledge_points": len(points),
        "answers": sum(answers for _, answers, _, _ in points),
    }


if __name__ == "__main__":
    import django

    django.setup()
    what, pk = sys.argv[1], int(sys.argv[2])
    probes = {
        "city": city,
        "report_xlsx": lambda pk: report(pk, "xlsx"),
        "report_pdf": lambda pk: report(pk, "pdf"),
        "sql": sql,
    }
    print(json.dumps(probes[what](pk), ensure_ascii=False))
