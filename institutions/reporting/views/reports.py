"""Reports and exports of an institution: request one, watch it being built, download it, and
find the monthly and annual reports kept for it."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from institutions.selectors import administered_institutions
from lms.audit import audit_record
from lms.models import AuditAction

from ..figures import period_of
from ..models import Report, ReportFormat, ReportKind, ReportState
from ..selectors import default_unit, unit_for
from ..services.reports import MIME_TYPES, report_filename, report_progress, report_request


class ExportForm(forms.Form):
    format = forms.ChoiceField(choices=ReportFormat.choices, label=gettext_lazy("Format"))


def _visible_report(user, report_id: int) -> Report:
    return get_object_or_404(
        Report.objects.select_related("institution"),
        pk=report_id,
        institution__in=administered_institutions(user),
    )


@login_required
def reports(request):
    source = request.POST if request.method == "POST" else request.GET
    unit = (
        unit_for(request.user, source["unit"]) if "unit" in source else default_unit(request.user)
    )
    if request.method == "POST":
        form = ExportForm(request.POST)
        if form.is_valid():
            report = report_request(
                actor=request.user,
                institution=unit,
                period=period_of(request),
                fmt=form.cleaned_data["format"],
            )
            return redirect("institution-report", report_id=report.pk)
        messages.error(request, _("Choose a format."))
    scheduled = Report.objects.filter(institution=unit).exclude(kind=ReportKind.ON_DEMAND)[:48]
    mine = Report.objects.filter(
        institution=unit, kind=ReportKind.ON_DEMAND, requested_by=request.user
    )[:20]
    return render(
        request,
        "reporting/reports.html",
        {"unit": unit, "form": ExportForm(), "scheduled": scheduled, "mine": mine},
    )


@login_required
def report_detail(request, report_id: int):
    report = _visible_report(request.user, report_id)
    return render(
        request,
        "reporting/report_detail.html",
        {"report": report, "progress": report_progress(report)},
    )


@login_required
def report_status(request, report_id: int):
    report = _visible_report(request.user, report_id)
    return JsonResponse(
        {
            "state": report.state,
            "state_label": report.get_state_display(),
            "progress": report_progress(report),
            "download": (
                reverse("institution-report-download", args=[report.pk])
                if report.state == ReportState.DONE
                else None
            ),
        }
    )


@login_required
def report_download(request, report_id: int):
    report = _visible_report(request.user, report_id)
    if report.state != ReportState.DONE or not report.file:
        raise Http404
    audit_record(
        action=AuditAction.REPORT_DOWNLOADED,
        request=request,
        institution=report.institution,
        detail={"report": report.pk, "kind": report.kind, "format": report.format},
    )
    return FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=report_filename(report),
        content_type=MIME_TYPES[report.format],
    )
