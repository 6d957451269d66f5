"""Report files read back as a user opens them, the scheduled monthly report emailed once with
its files, and the statistics API."""

import csv
import datetime
import io

import openpyxl
import pypdfium2
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrollment
from institutions.reporting.models import Report
from institutions.reporting.services.reports import (
    previous_period,
    report_render,
    scheduled_report_send,
    scheduled_reports_create,
)
from institutions.reporting.statistics import Period
from tests.factories import UserFactory
from tests.reporting.conftest import person

pytestmark = pytest.mark.django_db


def period() -> Period:
    """This year so far, taken when the test runs (a run may pass midnight)."""
    return Period.year_to_date(timezone.localdate())


@pytest.fixture
def district(city, admins, rotation):
    people = [person(city["a1"], name=f"学员{n}") for n in range(3)]
    person(city["b1"], name="外区学员")
    for user in people[:2]:
        Enrollment.objects.create(user=user, course=rotation, completed_at=timezone.now())
    Enrollment.objects.create(user=people[2], course=rotation)
    return people


def test_the_workbook_has_every_sheet_with_the_numbers(city, district):
    workbook = openpyxl.load_workbook(
        io.BytesIO(report_render(institution=city["a"], period=period(), fmt="xlsx"))
    )
    assert workbook.sheetnames == [
        "Summary",
        "Units",
        "People",
        "Subjects",
        "Weak points",
        "Scores",
        "Trend",
    ]
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["Institution"] == "东湖区"
    assert summary["People"] == 4  # three learners and the district's admin
    assert summary["Courses completed"] == 2
    assert summary["Completion (%)"] == pytest.approx(66.7)
    units = list(workbook["Units"].iter_rows(values_only=True))
    assert units[0][:3] == ("Unit", "Code", "People")
    assert [row[1] for row in units[1:]] == ["t-a", "t-a1", "t-a2"]
    people = [row[0] for row in workbook["People"].iter_rows(min_row=2, values_only=True)]
    assert sorted(people) == ["东湖管理员", "学员0", "学员1", "学员2"]
    assert len(list(workbook["Trend"].iter_rows(min_row=2))) == 12


def test_the_csv_opens_in_excel_with_chinese_names(city, district):
    content = report_render(institution=city["a"], period=period(), fmt="csv")
    assert content.startswith("\ufeff".encode())  # Excel reads UTF-8 with the mark
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert sorted(row["Name"] for row in rows) == ["东湖管理员", "学员0", "学员1", "学员2"]
    assert {row["Courses completed"] for row in rows} == {"0", "1"}


FORMULA = '=HYPERLINK("http://203.0.113.9/x","click")'


def test_a_name_that_looks_like_a_formula_stays_text_in_both_files(city, district):
    person(city["a1"], name=FORMULA)  # typed into a roster
    book = openpyxl.load_workbook(
        io.BytesIO(report_render(institution=city["a"], period=period(), fmt="xlsx"))
    )
    cells = [row[0] for row in book["People"].iter_rows(min_row=2)]
    named = [cell for cell in cells if cell.value == FORMULA]
    assert len(named) == 1 and named[0].data_type == "s"  # text, not a live formula
    content = report_render(institution=city["a"], period=period(), fmt="csv")
    names = [row["Name"] for row in csv.DictReader(io.StringIO(content.decode("utf-8-sig")))]
    assert "'" + FORMULA in names and FORMULA not in names


def test_the_pdf_has_the_title_charts_and_units(city, district):
    document = pypdfium2.PdfDocument(
        report_render(institution=city["city"], period=period(), fmt="pdf")
    )
    text = "".join(page.get_textpage().get_text_range() for page in document)
    assert "江城市: training report" in text
    assert "Completions per month" in text and "Donghu" in text and "Xishan" in text
    images = [
        obj
        for page in document
        for obj in page.get_objects()
        if obj.type != 1  # not text
    ]
    assert images  # the charts are drawn


def test_monthly_reports_are_archived_and_emailed_once_with_both_files(city, admins, district):
    today = datetime.date(2026, 12, 1)
    due = scheduled_reports_create("monthly", today=today)
    institutions = {institution_id for institution_id, _start in due}
    # The city (top level) and the two districts, which have admins.
    assert institutions == {city["city"].pk, city["a"].pk, city["b"].pk}
    mail.outbox.clear()
    assert scheduled_report_send(
        institution_id=city["a"].pk, kind="monthly", period_start=datetime.date(2026, 11, 1)
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [admins["a"].email]
    assert "2026-11-01" in message.subject and "2026-11-30" in message.subject
    names = sorted(name for name, _content, _mime in message.attachments)
    assert names == ["t-a-20261101-20261130.pdf", "t-a-20261101-20261130.xlsx"]
    workbook = openpyxl.load_workbook(
        io.BytesIO(
            {name: content for name, content, _mime in message.attachments}[
                "t-a-20261101-20261130.xlsx"
            ]
        )
    )
    assert len(workbook.sheetnames) == 7
    # The job runs again (a retry, or beat catching up): nothing new, nothing sent twice.
    assert scheduled_reports_create("monthly", today=today) == due
    assert not scheduled_report_send(
        institution_id=city["a"].pk, kind="monthly", period_start=datetime.date(2026, 11, 1)
    )
    assert len(mail.outbox) == 1
    kept = Report.objects.filter(institution=city["a"], kind="monthly")
    assert sorted(kept.values_list("format", flat=True)) == ["pdf", "xlsx"]
    assert all(report.emailed_at and report.file for report in kept)


def test_the_city_report_goes_to_city_admins(city, admins, district):
    city_admin = UserFactory(role="city_admin", email="city@example.org")
    scheduled_reports_create("annual", today=datetime.date(2027, 1, 2))
    mail.outbox.clear()
    scheduled_report_send(
        institution_id=city["city"].pk, kind="annual", period_start=datetime.date(2026, 1, 1)
    )
    assert mail.outbox[0].to == [city_admin.email]


def test_previous_periods():
    assert previous_period("monthly", datetime.date(2026, 1, 1)) == Period.month(2025, 12)
    assert previous_period("annual", datetime.date(2026, 1, 2)) == Period.year(2025)


def test_the_api_gives_the_same_numbers_as_the_dashboard(city, admins, district, client):
    client.force_login(admins["a"])
    body = client.get(reverse("api:institution-statistics", args=[city["a"].pk])).json()
    assert body["institution"]["code"] == "t-a"
    assert body["summary"]["people"] == 4 and body["summary"]["enrolments_completed"] == 2
    assert [unit["code"] for unit in body["units"]] == ["t-a", "t-a1", "t-a2"]
    assert len(body["trend"]) == 12 and len(body["score_bands"]) == 10
    page = client.get(f"{reverse('institution-dashboard')}?unit={city['a'].pk}").content.decode()
    assert page.count('src="data:image/svg+xml;base64,') == 4
    assert "66.7 %" in page  # courses completed, as in the API
    # The learner list behind it: some people have studied, some never have.
    people = client.get(f"{reverse('institution-people')}?unit={city['a'].pk}").content.decode()
    assert "学员0" in people and "学员2" in people and "外区学员" not in people


def test_an_export_is_built_in_the_background_with_progress(
    city, admins, district, client, django_capture_on_commit_callbacks, eager_tasks
):
    client.force_login(admins["a"])
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(
            reverse("institution-reports"), {"unit": city["a"].pk, "format": "pdf"}
        )
    report = Report.objects.get()
    status = client.get(reverse("institution-report-status", args=[report.pk])).json()
    assert status["state"] == "queued" and status["download"] is None
    assert '<progress class="progress"' in client.get(response.url).content.decode()
    for callback in queued:
        callback()
    status = client.get(reverse("institution-report-status", args=[report.pk])).json()
    assert status["state"] == "done" and status["progress"] == 100
    pdf = client.get(status["download"])
    assert pdf["Content-Type"] == "application/pdf" and pdf.getvalue().startswith(b"%PDF")


def test_dashboard_figures_are_reused_for_a_while(city, admins, district, client, settings):
    from django.core.cache import cache

    settings.STATISTICS_CACHE_SECONDS = 300
    cache.clear()
    client.force_login(admins["a"])
    url = f"{reverse('institution-dashboard')}?unit={city['a'].pk}"
    assert "66.7 %" in client.get(url).content.decode()
    Enrollment.objects.filter(completed_at__isnull=True).update(completed_at=timezone.now())
    assert "66.7 %" in client.get(url).content.decode()  # the cached figures
    cache.clear()  # as when they expire
    assert "100 %" in client.get(url).content.decode()


def test_the_people_list_finds_someone_by_any_of_their_units(city, admins, client):
    from institutions.services import membership_set

    both = person(city["a1"], name="两处任职")
    membership_set(user=both, institution=city["a2"], staff_category="social_worker")
    only_a1 = person(city["a1"], name="只在民政局")
    client.force_login(admins["a"])
    url = f"{reverse('institution-people')}?unit={city['a'].pk}&within={city['a2'].pk}"
    page = client.get(url).content.decode()
    assert "两处任职" in page and only_a1.real_name not in page
