"""Admin pages to import and export question files. Thin: the work is in the services."""

from django import forms
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from courses.models import Chapter, QuestionType
from lms.uploads import check_question_file
from quizzes.formats import xlsx
from quizzes.formats.registry import FORMAT_NAMES
from quizzes.models import Question, QuestionImport, QuestionStatus
from quizzes.permissions import banks_for
from quizzes.services.import_jobs import (
    question_import_apply_request,
    question_import_create,
    question_import_report,
)
from quizzes.services.imports import format_detect, import_progress, questions_export

FORMAT_LABELS = {
    "xlsx": _("Excel template (.xlsx)"),
    "gift": _("GIFT (Moodle)"),
    "aiken": _("Aiken (Moodle)"),
    "moodle_xml": _("Moodle XML"),
    "qti": _("QTI 3.0"),
}
FILE_SUFFIX = {"xlsx": "xlsx", "gift": "gift", "aiken": "txt", "moodle_xml": "xml", "qti": "zip"}
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "qti": "application/zip",
    "moodle_xml": "application/xml",
}
ACTION_LABELS = {
    "create": _("Create"),
    "update": _("Update"),
    "unchanged": _("Unchanged"),
}
PREVIEW_ROWS = 500
UPLOAD_HEAD_BYTES = 64 * 1024  # enough to tell an Aiken file from a GIFT one


def _format_choices(auto: bool):
    choices = [(name, FORMAT_LABELS[name]) for name in FORMAT_NAMES]
    return [("", _("Recognise from the file name")), *choices] if auto else choices


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Question file"))
    format = forms.ChoiceField(label=_("Format"), required=False, choices=())
    bank = forms.ModelChoiceField(label=_("Question bank"), queryset=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format"].choices = _format_choices(auto=True)
        self.fields["bank"].queryset = banks_for(user)

    def clean(self):
        """The file's format (chosen, or recognised from its name) and its content must agree:
        nothing is stored otherwise."""
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is None:
            return cleaned
        fmt = cleaned.get("format") or format_detect(
            data=upload.read(UPLOAD_HEAD_BYTES), filename=upload.name
        )
        upload.seek(0)
        if fmt is None:
            self.add_error("file", _("Choose the format: the file name does not tell it."))
            return cleaned
        try:
            check_question_file(upload, fmt)
        except ValidationError as error:
            self.add_error("file", error)
        return cleaned


class ExportForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=())
    bank = forms.ModelChoiceField(label=_("Question bank"), queryset=None, required=False)
    chapter = forms.ModelChoiceField(
        label=_("Chapter"), queryset=Chapter.objects.all(), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format"].choices = _format_choices(auto=False)
        self.fields["bank"].queryset = banks_for(user)


@permission_required("quizzes.add_question", raise_exception=True)
@require_http_methods(["GET", "POST"])
def import_upload(request):
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        question_import = question_import_create(
            user=request.user,
            upload=form.cleaned_data["file"],
            fmt=form.cleaned_data["format"] or None,
            bank=form.cleaned_data["bank"],
        )
        return redirect("quizzes_admin:question-import-detail", question_import.pk)
    return render(request, "quizzes/admin/question_import.html", {"form": form})


def _own_import(request, pk: int) -> QuestionImport:
    if not request.user.has_perm("quizzes.add_question"):
        raise PermissionDenied
    return get_object_or_404(QuestionImport, pk=pk, uploaded_by=request.user)


@require_http_methods(["GET", "POST"])
def import_detail(request, pk: int):
    question_import = _own_import(request, pk)
    if request.method == "POST":
        question_import_apply_request(question_import=question_import)
        return redirect("quizzes_admin:question-import-detail", pk)
    report = question_import_report(question_import)
    lines = [
        {
            **vars(line),
            "action_label": ACTION_LABELS.get(line.action, line.action),
            "type_label": QuestionType(line.type).label if line.type in QuestionType else line.type,
        }
        for line in report.lines[:PREVIEW_ROWS]
    ]
    context = {
        "question_import": question_import,
        "report": report,
        "counts": report.counts,
        "lines": lines,
        "more_lines": max(0, len(report.lines) - PREVIEW_ROWS),
        "progress": import_progress(question_import.job),
    }
    return render(request, "quizzes/admin/question_import_detail.html", context)


def import_progress_view(request, pk: int):
    question_import = _own_import(request, pk)
    progress = import_progress(question_import.job)
    return JsonResponse(
        {
            **progress,
            "state": question_import.state,
            "state_label": str(question_import.get_state_display()),
            "finished": not question_import.busy,
        }
    )


@permission_required("quizzes.add_question", raise_exception=True)
def import_template(request):
    response = HttpResponse(xlsx.template(), content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = 'attachment; filename="qihang-questions.xlsx"'
    return response


@permission_required("quizzes.add_question", raise_exception=True)
def export(request):
    form = ExportForm(request.GET or None, user=request.user)
    if request.GET and form.is_valid():
        fmt = form.cleaned_data["format"]
        questions = Question.objects.filter(bank__in=banks_for(request.user)).exclude(
            status=QuestionStatus.RETIRED
        )
        if form.cleaned_data["bank"]:
            questions = questions.filter(bank=form.cleaned_data["bank"])
        if form.cleaned_data["chapter"]:
            questions = questions.filter(chapter=form.cleaned_data["chapter"])
        try:
            data = questions_export(
                questions=questions.order_by("chapter__code", "ref", "pk"), fmt=fmt
            )
        except ImportError:  # a format whose module is not installed yet
            form.add_error("format", _("This format is not available yet."))
        else:
            response = HttpResponse(
                data, content_type=CONTENT_TYPES.get(fmt, "text/plain; charset=utf-8")
            )
            response["Content-Disposition"] = (
                f'attachment; filename="qihang-questions.{FILE_SUFFIX[fmt]}"'
            )
            return response
    return render(request, "quizzes/admin/question_export.html", {"form": form})
