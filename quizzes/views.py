"""HTML pages of quizzes: the list, taking an attempt, and its result."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.models import KnowledgePoint
from institutions.models import Institution
from quizzes import grading, offline_views, selectors
from quizzes.dashboard import dashboard_for
from quizzes.models import AttemptState, MarkRole, Question, Quiz
from quizzes.notebook import id_param, notebook_for, notebook_scope
from quizzes.services import attempts as attempt_services
from quizzes.services import marking
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
    if not grading.may_open_queue(request.user):
        raise PermissionDenied
    return request.user


def _queue_filters(request, grader) -> dict:
    """The queue's filters from the query string: ids, state, and the grader's blind toggle."""

    def number(name):
        return id_param(request.GET.get(name))

    state = request.GET.get("state", "")
    blind = request.GET.get("blind") == "1"
    return {
        "quiz_id": number("quiz"),
        "question_id": number("question"),
        # Blind marking hides institutions, so it does not filter by them either.
        "institution_id": None if blind else number("institution"),
        "state": state if state in grading.STATES else grading.default_state(grader),
    }


def _queue_query(request, filters: dict) -> str:
    pairs = {
        "quiz": filters["quiz_id"],
        "question": filters["question_id"],
        "institution": filters["institution_id"],
        "state": filters["state"],
        "blind": "1" if request.GET.get("blind") == "1" else None,
    }
    return urlencode({key: value for key, value in pairs.items() if value})


def _identify(response, blind_toggle: bool) -> None:
    """Who the answer is by, as this page may show it: a name and institution, or a code."""
    response.blind = blind_toggle or response.attempt.quiz.blind_marking
    response.code = grading.anonymous_code(response.attempt_id)
    if not response.blind:
        memberships = response.attempt.user.memberships.all()
        response.institution = memberships[0].institution if memberships else None


@login_required
def grading_list(request):
    grader = _grader(request)
    filters = _queue_filters(request, grader)
    queue = grading.grading_queue(grader=grader, **filters)
    blind = request.GET.get("blind") == "1"
    rows = list(queue.prefetch_related("attempt__user__memberships__institution")[:200])
    for response in rows:
        _identify(response, blind)
    everything = grading.grading_queue(grader=grader, state=filters["state"]).values("pk")
    return render(
        request,
        "quizzes/grading_list.html",
        {
            "queue": rows,
            "count": queue.count(),
            "blind": blind,
            "filters": filters,
            "query": _queue_query(request, filters),
            "states": grading.STATES.items(),
            "quizzes": Quiz.objects.filter(attempts__responses__in=everything).distinct(),
            "questions": Question.objects.filter(versions__responses__in=everything)
            .distinct()
            .order_by("ref", "pk"),
            "institutions": [] if blind else Institution.objects.order_by("path")[:500],
        },
    )


def _neighbours(queue, response_id: int) -> tuple[int | None, int | None]:
    ids = list(queue.values_list("pk", flat=True)[:1000])
    if response_id not in ids:
        return None, ids[0] if ids else None
    index = ids.index(response_id)
    return (ids[index - 1] if index else None), (ids[index + 1] if index + 1 < len(ids) else None)


@login_required
def grade_response(request, response_id: int):
    grader = _grader(request)
    response = get_object_or_404(
        grading.human_marked_answers().select_related(
            "attempt__quiz", "attempt__user", "version__question"
        ),
        pk=response_id,
    )
    role = grading.mark_role_for(grader, response)
    if role is None:
        raise Http404
    filters = _queue_filters(request, grader)
    query = _queue_query(request, filters)
    suffix = f"?{query}" if query else ""
    queue = grading.grading_queue(grader=grader, **filters)
    error = None
    if request.method == "POST":
        values = [request.POST.get(f"part-{i}", "") for i in range(len(response.version.parts))]
        try:
            part_points = grading.parse_part_points(response, values)
            marking.response_mark(
                marker=grader,
                response=response,
                part_points=part_points,
                comment=request.POST.get("feedback", "")[:5000],
            )
        except ValidationError as invalid:
            error = " ".join(invalid.messages)
        except PermissionDenied as denied:
            raise Http404 from denied
        else:
            messages.success(request, _("Marked."))
            following = queue.exclude(pk=response.pk).first()
            if following is None:
                return redirect(reverse("grading") + suffix)
            return redirect(reverse("grade-response", args=[following.pk]) + suffix)
    _identify(response, request.GET.get("blind") == "1")
    answers = response.answer or []
    marks = (
        {mark.role: mark for mark in response.marks.all()}
        if role == MarkRole.MODERATOR
        else {}  # markers mark independently: the second marker does not see the first mark
    )
    parts = [
        {
            "index": i,
            "prompt": part["prompt"],
            "points": part["points"],
            "key_points": part["key_points"],
            "answer": answers[i] if i < len(answers) else "",
            "value": request.POST.get(f"part-{i}", ""),
            "earlier": [
                (mark.get_role_display(), mark.part_points[i])
                for mark in marks.values()
                if i < len(mark.part_points)
            ],
        }
        for i, part in enumerate(response.version.parts)
    ]
    previous_id, next_id = _neighbours(queue, response.pk)
    return render(
        request,
        "quizzes/grade.html",
        {
            "response": response,
            "role": role,
            "role_label": MarkRole(role).label,
            "marks": marks.values(),
            "parts": parts,
            "blind": response.blind,
            "query": query,
            "suffix": suffix,
            "previous_id": previous_id,
            "next_id": next_id,
            "feedback": request.POST.get("feedback", ""),
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
    page = render(request, "quizzes/attempt.html", {"attempt": attempt, "data": payload})
    return offline_views.mark_keepable(page)
