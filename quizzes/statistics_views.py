"""The item statistics report of a quiz in the Wagtail admin, and its XLSX export.

Trainers and city admins (``quizzes.view_quiz``) only; the figures are computed in the
background (``quizzes.services.item_statistics``), the page only reads them.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from quizzes.models import Quiz
from quizzes.statistics_report import quiz_report, quiz_report_xlsx

VIEW_PERMISSION = "quizzes.view_quiz"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _quiz(request, quiz_id: int) -> Quiz:
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied
    return get_object_or_404(Quiz.objects.select_related("subject"), pk=quiz_id)


def quiz_statistics(request, quiz_id: int):
    quiz = _quiz(request, quiz_id)
    return render(request, "quizzes/statistics/report.html", quiz_report(quiz=quiz))


def quiz_statistics_xlsx(request, quiz_id: int):
    quiz = _quiz(request, quiz_id)
    response = HttpResponse(quiz_report_xlsx(quiz=quiz), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="quiz-{quiz.pk}-statistics.xlsx"'
    return response
