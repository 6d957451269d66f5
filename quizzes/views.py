"""HTML pages of quizzes: the list, taking an attempt, and its result."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.models import KnowledgePoint
from quizzes import selectors
from quizzes.dashboard import dashboard_for
from quizzes.grading import grading_queue, parse_part_points
from quizzes.models import AttemptState, Quiz
from quizzes.notebook import notebook_for, notebook_scope
from quizzes.services import attempts as attempt_services
from quizzes.services.practice import knowledge_point_practice, review_quiz


@login_required
def quiz_list(request):
    return render(request, "quizzes/quiz_list.html", selectors.quiz_list_context(user=request.user))


@login_required
@require_POST
def quiz_start(request, quiz_id: int):
    quiz = get_object_or_404(Quiz.objects.filter(is_active=True), pk=quiz_id)
    try:
        attempt, _created = attempt_services.attempt_start(user=request.user, quiz=quiz)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("quiz-list")
    return redirect("attempt", attempt_id=attempt.pk)


@login_required
@require_POST
def practise_knowledge_point(request, knowledge_point_id: int):
    knowledge_point = get_object_or_404(KnowledgePoint, pk=knowledge_point_id)
    quiz = knowledge_point_practice(knowledge_point=knowledge_point)
    return quiz_start(request, quiz.pk)


@login_required
def notebook(request):
    scope = notebook_scope(request.GET)
    return render(request, "quizzes/notebook.html", notebook_for(user=request.user, scope=scope))


@login_required
@require_POST
def notebook_review(request):
    quiz = review_quiz()
    scope = notebook_scope(request.POST)
    try:
        attempt, _created = attempt_services.attempt_start(
            user=request.user, quiz=quiz, scope=scope
        )
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
        return redirect("notebook")
    return redirect("attempt", attempt_id=attempt.pk)


def _grader(request):
    if not request.user.has_perm("quizzes.change_response"):
        raise PermissionDenied
    return request.user


@login_required
def grading_list(request):
    grader = _grader(request)
    quiz_id = request.GET.get("quiz", "")
    queue = grading_queue(grader=grader, quiz_id=int(quiz_id) if quiz_id.isdigit() else None)
    return render(
        request,
        "quizzes/grading_list.html",
        {
            "queue": queue[:200],
            "count": queue.count(),
            "blind": request.GET.get("blind") == "1",
            "quizzes": Quiz.objects.filter(attempts__responses__in=queue).distinct(),
            "current_quiz": quiz_id,
        },
    )


@login_required
def grade_response(request, response_id: int):
    grader = _grader(request)
    response = get_object_or_404(grading_queue(grader=grader), pk=response_id)
    blind = request.GET.get("blind") == "1"
    error = None
    if request.method == "POST":
        values = [request.POST.get(f"part-{i}", "") for i in range(len(response.version.parts))]
        try:
            part_points = parse_part_points(response, values)
            attempt_services.response_grade(
                grader=grader,
                response=response,
                points=sum(part_points, Decimal(0)),
                feedback=request.POST.get("feedback", "")[:5000],
                part_points=part_points,
            )
        except ValidationError as invalid:
            error = " ".join(invalid.messages)
        else:
            messages.success(request, _("Marked."))
            following = grading_queue(grader=grader).first()
            suffix = "?blind=1" if blind else ""
            if following is None:
                return redirect(reverse("grading") + suffix)
            return redirect(reverse("grade-response", args=[following.pk]) + suffix)
    answers = response.answer or []
    parts = [
        {
            "index": i,
            "prompt": part["prompt"],
            "points": part["points"],
            "key_points": part["key_points"],
            "answer": answers[i] if i < len(answers) else "",
        }
        for i, part in enumerate(response.version.parts)
    ]
    return render(
        request,
        "quizzes/grade.html",
        {
            "response": response,
            "parts": parts,
            "blind": blind,
            "error": error,
        },
    )


@login_required
def readiness(request):
    return render(request, "quizzes/dashboard.html", dashboard_for(user=request.user))


@login_required
def attempt_page(request, attempt_id: int):
    try:
        attempt = attempt_services.attempt_for(user=request.user, attempt_id=attempt_id)
    except attempt_services.AttemptNotFound as error:
        raise Http404 from error
    payload = selectors.attempt_payload(attempt)
    if attempt.state == AttemptState.SUBMITTED:
        return render(request, "quizzes/result.html", {"attempt": attempt, "data": payload})
    return render(request, "quizzes/attempt.html", {"attempt": attempt, "data": payload})
