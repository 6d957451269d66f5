"""Report files: a multi-sheet workbook, a CSV of the people, and a PDF with the charts.

``report_render`` makes the bytes; ``report_build`` fills a ``Report`` row with them (in a Celery
task, with its progress in the cache); ``scheduled_reports_create`` and ``scheduled_report_send``
make the monthly and annual reports and email them to each institution's admins, once.
"""

import csv
import datetime
import io

import pandas as pd
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from certificates.services.rendering import html_to_pdf
from institutions.models import Institution
from lms.db_router import reports_database
from lms.queueing import enqueue
from lms.roles import Role
from lms.spreadsheets import csv_safe, text_only

from .. import charts
from ..models import Report, ReportFormat, ReportKind, ReportState
from ..presentation import institution_labels, people_table, records, with_labels
from ..statistics import Period, Statistics, statistics

MIME_TYPES = {
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportFormat.CSV: "text/csv",
    ReportFormat.PDF: "application/pdf",
}


def _unit_columns() -> dict[str, str]:
    return {
        "label": _("Unit"),
        "code": _("Code"),
        "people": _("People"),
        "enrolments": _("Enrolments"),
        "enrolments_in_progress": _("In progress"),
        "enrolments_completed": _("Courses completed"),
        "completion_pct": _("Completion (%)"),
        "assignments": _("Required training assigned"),
        "assignments_completed": _("Required training done"),
        "assignments_overdue": _("Overdue"),
        "compliance_pct": _("Required training done (%)"),
        "certificates_valid": _("Valid certificates"),
        "certificates_expiring": _("Expiring within 90 days"),
        "certificates_expired": _("Expired certificates"),
        "study_hours": _("Study hours"),
        "credit_hours": _("Credit hours"),
        "mock_attempts": _("Mock exams"),
        "mock_pass_pct": _("Mock exams passed (%)"),
        "score_mean": _("Mean score (%)"),
        "score_median": _("Median score (%)"),
        "qualified": _("Newly qualified"),
        "qualified_target": _("Annual target"),
    }


def _people_columns() -> dict[str, str]:
    return {
        "name": _("Name"),
        "unit": _("Unit"),
        "category": _("Staff category"),
        "assignments": _("Required training assigned"),
        "assignments_completed": _("Required training done"),
        "assignments_overdue": _("Overdue"),
        "enrolments": _("Enrolments"),
        "enrolments_completed": _("Courses completed"),
        "certificates_valid": _("Valid certificates"),
        "certificates_expiring": _("Expiring within 90 days"),
        "study_hours": _("Study hours"),
        "credit_hours": _("Credit hours"),
        "best_mock_pct": _("Best mock exam (%)"),
    }


def _people(stats: Statistics) -> pd.DataFrame:
    labels = institution_labels(Institution.objects.filter(path__startswith=stats.root.path))
    table = people_table(stats.people, labels)
    columns = _people_columns()
    return table[list(columns)].rename(columns=columns)


def _summary(stats: Statistics) -> pd.DataFrame:
    summary = stats.summary
    columns = _unit_columns()
    rows = [(_("Institution"), str(stats.root)), (_("From"), stats.period.start.isoformat())]
    rows.append((_("To (exclusive)"), stats.period.end.isoformat()))
    rows += [(columns[key], summary.get(key)) for key in columns if key not in ("label", "code")]
    return pd.DataFrame(rows, columns=[_("Item"), _("Value")])


def _units(stats: Statistics) -> pd.DataFrame:
    columns = _unit_columns()
    return with_labels(stats.units)[list(columns)].rename(columns=columns)


def render_xlsx(stats: Statistics) -> bytes:
    sheets = {
        _("Summary"): _summary(stats),
        _("Units"): _units(stats),
        _("People"): _people(stats),
        _("Subjects"): stats.subjects.rename(
            columns={
                "subject": _("Subject"),
                "attempts": _("Mock exams"),
                "passed": _("Passed"),
                "score_mean": _("Mean score (%)"),
                "pass_pct": _("Passed (%)"),
            }
        ),
        _("Weak points"): stats.weak_points.rename(
            columns={
                "code": _("Code"),
                "name": _("Knowledge point"),
                "answers": _("Answers"),
                "correct_pct": _("Points earned (%)"),
            }
        ),
        _("Scores"): stats.score_bands.rename(
            columns={"band": _("Score (%)"), "attempts": _("Attempts")}
        ),
        _("Trend"): stats.trend.rename(
            columns={
                "month": _("Month"),
                "courses_completed": _("Courses completed"),
                "assignments_completed": _("Required training done"),
                "certificates_issued": _("Certificates issued"),
            }
        ),
    }
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for title, frame in sheets.items():
            frame.to_excel(writer, sheet_name=title[:31], index=False)
            sheet = writer.sheets[title[:31]]
            sheet.freeze_panes = "A2"
            for column in sheet.columns:
                width = max(len(str(cell.value or "")) for cell in column)
                sheet.column_dimensions[column[0].column_letter].width = min(40, width * 1.6 + 2)
        text_only(writer.book)
    return buffer.getvalue()


def render_csv(stats: Statistics) -> bytes:
    """The people, one row each, as Excel opens it (UTF-8 with a byte-order mark)."""
    buffer = io.StringIO()
    csv_safe(_people(stats)).to_csv(buffer, index=False, quoting=csv.QUOTE_MINIMAL)
    return buffer.getvalue().encode("utf-8-sig")


def render_pdf(stats: Statistics, *, now: datetime.datetime) -> bytes:
    units = with_labels(stats.units)
    children = units[units.parent_id == stats.root.pk]
    html = render_to_string(
        "reporting/report.html",
        {
            "root": stats.root,
            "period": stats.period,
            "year": stats.period.final_year,
            "generated_at": now,
            "summary": stats.summary,
            "children": records(children, index="institution_id"),
            "subjects": records(stats.subjects),
            "weak_points": records(stats.weak_points),
            "charts": {
                "trend": charts.completion_trend(stats.trend),
                "units": charts.completion_by_unit(children),
                "weak_points": charts.weak_points(stats.weak_points),
                "scores": charts.score_distribution(stats.score_bands),
            },
        },
    )
    return html_to_pdf(html)


def report_render(
    *, institution: Institution, period: Period, fmt: str, now: datetime.datetime | None = None
) -> bytes:
    """The report's bytes. Every read (statistics, labels, people) is from the reports replica
    when there is one; the caller saves the file on the primary."""
    now = now or timezone.now()
    with reports_database():
        stats = statistics(institution, period, now)
        if fmt == ReportFormat.XLSX:
            return render_xlsx(stats)
        if fmt == ReportFormat.CSV:
            return render_csv(stats)
        return render_pdf(stats, now=now)


def report_filename(report: Report) -> str:
    return (
        f"{report.institution.code}-{report.period_start:%Y%m%d}-"
        f"{report.period_end - datetime.timedelta(days=1):%Y%m%d}.{report.format}"
    )


def progress_key(report_id: int) -> str:
    return f"reporting:report:{report_id}:progress"


def report_request(*, actor, institution: Institution, period: Period, fmt: str) -> Report:
    """Queue an on-demand report; the caller has checked the actor may see the institution."""
    report = Report.objects.create(
        institution=institution,
        kind=ReportKind.ON_DEMAND,
        format=fmt,
        period_start=period.start,
        period_end=period.end,
        requested_by=actor,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    from ..tasks import build_report

    enqueue(build_report, report.pk)
    return report


def report_build(report_id: int) -> Report | None:
    """Build the report's file unless it is built already (a retried task does nothing)."""
    with transaction.atomic():
        report = (
            Report.objects.select_for_update().select_related("institution").filter(pk=report_id)
        ).first()
        if report is None or report.state == ReportState.DONE:
            return report
        report.state = ReportState.RUNNING
        report.save(update_fields=["state"])
    cache.set(progress_key(report.pk), 10, timeout=3600)
    try:
        with translation.override(report.language or settings.LANGUAGE_CODE):
            content = report_render(
                institution=report.institution,
                period=Period(report.period_start, report.period_end),
                fmt=report.format,
            )
    except Exception as error:
        Report.objects.filter(pk=report.pk).update(state=ReportState.FAILED, error=str(error)[:300])
        raise
    cache.set(progress_key(report.pk), 90, timeout=3600)
    report.file.save(report_filename(report), ContentFile(content), save=False)
    report.state = ReportState.DONE
    report.finished_at = timezone.now()
    report.error = ""
    report.save(update_fields=["file", "state", "finished_at", "error"])
    cache.set(progress_key(report.pk), 100, timeout=3600)
    return report


def report_progress(report: Report) -> int:
    if report.state == ReportState.DONE:
        return 100
    return cache.get(progress_key(report.pk), 0)


def previous_period(kind: str, today: datetime.date) -> Period:
    """The last whole month, or the last whole year, before ``today``."""
    if kind == ReportKind.MONTHLY:
        last_month = today.replace(day=1) - relativedelta(months=1)
        return Period.month(last_month.year, last_month.month)
    return Period.year(today.year - 1)


def report_recipients(institution: Institution) -> list[str]:
    """The admins of the institution itself (those above get their own, wider report); for a
    top-level institution also the city admins."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    admins = users.filter(
        groups__name=Role.INSTITUTION_ADMIN.value, memberships__institution=institution
    )
    emails = set(admins.values_list("email", flat=True))
    if institution.depth == 1:
        emails |= set(
            users.filter(groups__name=Role.CITY_ADMIN.value).values_list("email", flat=True)
        )
    return sorted(emails)


def scheduled_institutions():
    """Institutions that get scheduled reports: those with an admin, and the top level."""
    with_admins = Institution.objects.filter(
        memberships__user__groups__name=Role.INSTITUTION_ADMIN.value
    )
    return Institution.objects.filter(pk__in=with_admins.values("pk")) | Institution.objects.filter(
        depth=1
    )


def scheduled_reports_create(kind: str, today: datetime.date | None = None) -> list[tuple]:
    """Make the period's report rows (XLSX and PDF) for every institution that gets them;
    existing rows are kept. Returns (institution id, period start) pairs to build and send."""
    period = previous_period(kind, today or timezone.localdate())
    due = []
    for institution in scheduled_institutions().distinct():
        for fmt in (ReportFormat.XLSX, ReportFormat.PDF):
            Report.objects.get_or_create(
                institution=institution,
                kind=kind,
                format=fmt,
                period_start=period.start,
                defaults={"period_end": period.end, "language": settings.LANGUAGE_CODE},
            )
        due.append((institution.pk, period.start.isoformat()))
    return due


def scheduled_report_send(*, institution_id: int, kind: str, period_start: datetime.date) -> bool:
    """Build the institution's scheduled reports for the period and email them to its admins
    with the files attached — once: a second run finds them sent and does nothing."""
    reports = list(
        Report.objects.filter(institution_id=institution_id, kind=kind, period_start=period_start)
    )
    for report in reports:
        report_build(report.pk)
    with transaction.atomic():
        reports = list(
            Report.objects.select_for_update()
            .select_related("institution")
            .filter(pk__in=[report.pk for report in reports], emailed_at__isnull=True)
        )
        if not reports:
            return False
        institution = reports[0].institution
        recipients = report_recipients(institution)
        if recipients:
            with translation.override(settings.LANGUAGE_CODE):
                period = Period(reports[0].period_start, reports[0].period_end)
                context = {
                    "name": institution.name,
                    "start": period.start.isoformat(),
                    "end": (period.end - datetime.timedelta(days=1)).isoformat(),
                }
                message = EmailMessage(
                    subject=(
                        _("Monthly training report of %(name)s, %(start)s to %(end)s")
                        if kind == ReportKind.MONTHLY
                        else _("Annual training report of %(name)s, %(start)s to %(end)s")
                    )
                    % context,
                    body=_(
                        "The training report of %(name)s for %(start)s to %(end)s is attached "
                        "(a PDF with charts and an Excel workbook). It is also kept in Qihang "
                        "under Reports and exports."
                    )
                    % context,
                    to=recipients,
                )
                for report in reports:
                    report.file.open("rb")
                    message.attach(
                        report_filename(report), report.file.read(), MIME_TYPES[report.format]
                    )
                    report.file.close()
                message.send()
        Report.objects.filter(pk__in=[report.pk for report in reports]).update(
            emailed_at=timezone.now()
        )
    return bool(recipients)
