"""The reports replica: statistics and report files read from ``reports``, everything else (all
writes) goes to ``default``.

In tests ``reports`` mirrors the test database (lms/settings/test.py), so its connection sees
what ``default`` committed; these tests commit (``transaction=True``) for that reason."""

import contextlib
import datetime
from decimal import Decimal

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from institutions.models import Institution
from institutions.reporting.models import Report, ReportFormat, ReportState
from institutions.reporting.services.reports import report_build
from institutions.reporting.statistics import Period, statistics
from institutions.services import institution_create, membership_set
from lms.db_router import ReportsRouter, reports_database
from quizzes.models import Attempt, ItemStatistics, Quiz, QuizStatistics, Response
from quizzes.services.item_statistics import quiz_statistics_compute
from tests.factories import ChapterFactory, UserFactory, question

ROUTED = override_settings(DATABASE_ROUTERS=["lms.db_router.ReportsRouter"])
BOTH = pytest.mark.django_db(transaction=True, databases=["default", "reports"])


def _sql(captured) -> list[str]:
    return [query["sql"].lstrip().upper() for query in captured.captured_queries]


def _writes(statements: list[str]) -> list[str]:
    return [s for s in statements if s.startswith(("INSERT", "UPDATE", "DELETE"))]


@contextlib.contextmanager
def queries():
    """(queries on default, queries on reports) while the block runs."""
    with (
        CaptureQueriesContext(connections["default"]) as on_default,
        CaptureQueriesContext(connections["reports"]) as on_reports,
    ):
        yield on_default, on_reports


@pytest.fixture
def unit(db):
    root = institution_create(name="江城市", code="r-city", kind="city")
    district = institution_create(name="东湖区", code="r-a", kind="district", parent=root)
    for number in range(3):
        user = UserFactory(role="candidate", real_name=f"学员{number}")
        membership_set(user=user, institution=district, staff_category="civil_servant")
    return root


# -- the router's decisions -----------------------------------------------------------------


def test_reads_go_to_reports_only_inside_the_context():
    router = ReportsRouter()
    assert router.db_for_read(Attempt) == "default"
    with reports_database():
        assert router.db_for_read(Attempt) == "reports"
        assert router.db_for_write(Attempt) == "default"
        with reports_database():
            pass
        assert router.db_for_read(Attempt) == "reports"  # nesting restores
    assert router.db_for_read(Attempt) == "default"
    assert router.db_for_write(Attempt) == "default"


@pytest.mark.django_db
def test_inside_a_transaction_reads_stay_on_the_primary():
    router = ReportsRouter()
    with reports_database(), transaction.atomic():
        assert router.db_for_read(Report) == "default"  # its own writes, select_for_update


def test_migrations_run_on_the_primary_only():
    router = ReportsRouter()
    assert router.allow_migrate("default", "quizzes") is True
    assert router.allow_migrate("reports", "quizzes") is False


def test_without_reports_database_url_nothing_changes():
    from django.conf import settings

    # The test settings have a reports alias for these tests, but no router unless the variable
    # is set: every query of the suite goes to default.
    assert "lms.db_router.ReportsRouter" not in getattr(settings, "DATABASE_ROUTERS", [])


# -- statistics, report files, item statistics ----------------------------------------------


@BOTH
@ROUTED
def test_statistics_read_from_the_replica(unit):
    with queries() as (on_default, on_reports):
        stats = statistics(unit, Period.year(timezone.localdate().year))
    assert stats.summary["people"] == 3  # the replica saw the committed rows
    assert _sql(on_default) == []
    assert _sql(on_reports)
    assert all(s.startswith(("SELECT", "WITH")) for s in _sql(on_reports))


@BOTH
@ROUTED
def test_a_report_is_computed_on_the_replica_and_saved_on_the_primary(unit):
    today = timezone.localdate()
    report = Report.objects.create(
        institution=unit,
        kind="on_demand",
        format=ReportFormat.CSV,
        period_start=datetime.date(today.year, 1, 1),
        period_end=today + datetime.timedelta(days=1),
        language="en",
    )
    with queries() as (on_default, on_reports):
        report_build(report.pk)

    assert _writes(_sql(on_reports)) == []
    if connections["default"].vendor == "postgresql":  # SQLite has no FOR UPDATE
        assert any("FOR UPDATE" in s for s in _sql(on_default))
    assert any(s.startswith("UPDATE") and "REPORTING_REPORT" in s for s in _sql(on_default))
    assert any("LMS_USER" in s or "INSTITUTIONS_MEMBERSHIP" in s for s in _sql(on_reports))
    assert not any("INSTITUTIONS_MEMBERSHIP" in s for s in _sql(on_default))
    report.refresh_from_db()
    assert report.state == ReportState.DONE
    assert b"\xe5\xad\xa6\xe5\x91\x98" in report.file.read()  # 学员: the people are in the CSV


@BOTH
@ROUTED
def test_item_statistics_read_on_the_replica_and_write_on_the_primary():
    chapter = ChapterFactory()
    versions = [question(chapter=chapter).current_version for _ in range(2)]
    quiz = Quiz.objects.create(title="章节测验", kind="chapter_test", subject=chapter.subject)
    for number in range(3):
        now = timezone.now()
        attempt = Attempt.objects.create(
            quiz=quiz,
            user=UserFactory(role="candidate"),
            number=1,
            state="submitted",
            started_at=now - datetime.timedelta(minutes=5),
            submitted_at=now,
            max_score=Decimal(2),
            score=Decimal(number % 2),
        )
        for position, version in enumerate(versions, start=1):
            Response.objects.create(
                attempt=attempt,
                position=position,
                version=version,
                option_order=[o["id"] for o in version.options],
                max_points=Decimal(1),
                answer=[],
                points=Decimal(position == 1 and number % 2),
            )
    with queries() as (on_default, on_reports):
        quiz_statistics_compute(quiz_id=quiz.pk)

    assert any("QUIZZES_RESPONSE" in s for s in _sql(on_reports))
    assert _writes(_sql(on_reports)) == []
    assert not any("QUIZZES_RESPONSE" in s for s in _sql(on_default))
    assert _writes(_sql(on_default))
    assert ItemStatistics.objects.filter(quiz=quiz).count() == 2
    assert QuizStatistics.objects.get(quiz=quiz).attempts == 3


@BOTH
@ROUTED
def test_objects_read_on_the_replica_are_saved_on_the_primary(unit):
    with queries() as (on_default, on_reports), reports_database():
        institution = Institution.objects.get(pk=unit.pk)
        institution.name = "江城"
        institution.save(update_fields=["name"])
    assert institution._state.db == "default"
    assert _writes(_sql(on_reports)) == []
    assert _writes(_sql(on_default))
