"""Reads of quizzes: what a learner sees of an attempt, and only what the review rules allow.

Keys, option explanations and explanations are added to a question's payload only when
``keys_visible`` says so; nothing else in the code puts them in front of a learner.
"""

import datetime
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from courses.models import Chapter
from lms.html import clean_html
from quizzes.models import Attempt, AttemptState, Quiz, ReviewTiming
from quizzes.models.bank import CHOICE_TYPES, OPTION_LABELS


def _timing_allows(timing: str, attempt: Attempt, now: datetime.datetime) -> bool:
    if timing == ReviewTiming.IMMEDIATELY:
        return True
    if timing == ReviewTiming.AFTER_SUBMIT:
        return attempt.state == AttemptState.SUBMITTED
    if timing == ReviewTiming.AFTER_CLOSE:
        closes = attempt.quiz.closes_at
        return attempt.state == AttemptState.SUBMITTED and closes is not None and closes <= now
    return False


def keys_visible(attempt: Attempt, response, now: datetime.datetime | None = None) -> bool:
    """May the learner see this response's key and explanations now?"""
    now = now or timezone.now()
    if attempt.quiz.show_keys == ReviewTiming.IMMEDIATELY:
        # Practice: a question's key shows once its answer was checked, or after submit.
        return response.points is not None or attempt.state == AttemptState.SUBMITTED
    return _timing_allows(attempt.quiz.show_keys, attempt, now)


def score_visible(attempt: Attempt, now: datetime.datetime | None = None) -> bool:
    return attempt.state == AttemptState.SUBMITTED and _timing_allows(
        attempt.quiz.show_score, attempt, now or timezone.now()
    )


def question_payload(attempt: Attempt, response, now=None) -> dict:
    version = response.version
    options = {option["id"]: option for option in version.options}
    payload = {
        "position": response.position,
        "type": version.type,
        # Cleaned again when shown: versions stored before the allow-list existed hold raw HTML.
        "stem": clean_html(version.stem),
        "points": response.max_points,
        "options": [
            {"id": option_id, "label": OPTION_LABELS[index], "text": options[option_id]["text"]}
            for index, option_id in enumerate(response.option_order)
        ],
        "parts": [{"prompt": part["prompt"], "points": part["points"]} for part in version.parts],
        "answer": response.answer,
        "seq": response.seq,
        "saved_at": response.saved_at,
        "flagged": response.flagged,
    }
    if keys_visible(attempt, response, now):
        payload["review"] = review_of(response)
    return payload


def review_of(response) -> dict:
    """The key, the explanations and the points of one response. Callers check visibility."""
    version = response.version
    options = {option["id"]: option for option in version.options}
    return {
        "key": [oid for oid in response.option_order if options[oid]["correct"]],
        "explanation": clean_html(version.explanation),
        "option_explanations": {oid: options[oid]["explanation"] for oid in response.option_order},
        "key_points": [part["key_points"] for part in version.parts],
        "points_awarded": response.points,
        "knowledge_point": (version.knowledge_point_ids or [None])[0],
        "correct": (
            response.points == response.max_points
            if version.type in CHOICE_TYPES and response.points is not None
            else None
        ),
    }


def attempt_payload(attempt: Attempt, now=None) -> dict:
    now = now or timezone.now()
    responses = list(attempt.responses.select_related("version").order_by("position"))
    data = {
        "id": attempt.pk,
        "quiz": {"id": attempt.quiz_id, "title": attempt.quiz.title, "kind": attempt.quiz.kind},
        "number": attempt.number,
        "state": attempt.state,
        "started_at": attempt.started_at,
        "deadline": attempt.deadline,
        "server_time": now,
        "submitted_at": attempt.submitted_at,
        "max_score": attempt.max_score,
        "pass_mark": attempt.pass_mark,
        "questions": [question_payload(attempt, response, now) for response in responses],
    }
    if score_visible(attempt, now):
        data["result"] = {
            "score": attempt.score,
            "provisional": attempt.provisional,
            "passed": attempt.passed,
            "by_chapter": _by_chapter(responses),
        }
    return data


def _by_chapter(responses) -> list[dict]:
    totals: dict[int, dict] = {}
    for response in responses:
        row = totals.setdefault(
            response.version.chapter_id, {"score": Decimal(0), "max": Decimal(0), "questions": 0}
        )
        row["max"] += response.max_points
        row["score"] += response.points or Decimal(0)
        row["questions"] += 1
    chapters = Chapter.objects.in_bulk(list(totals))
    return [
        {
            "chapter": chapters[cid].code,
            "name": chapters[cid].display_name,
            **row,
            "percent": int(row["score"] * 100 / row["max"]) if row["max"] else 0,
        }
        for cid, row in sorted(totals.items(), key=lambda item: chapters[item[0]].code)
    ]


def quizzes_for(*, user, kind: str | None = None, subject: str | None = None):
    quizzes = Quiz.objects.filter(is_active=True).select_related("subject").order_by("kind", "pk")
    if kind:
        quizzes = quizzes.filter(kind=kind)
    if subject:
        quizzes = quizzes.filter(subject__code=subject)
    return quizzes


def quiz_list_context(*, user) -> dict:
    """Quizzes grouped by subject, with the learner's open attempts and recent results."""
    quizzes = list(quizzes_for(user=user))
    recent = list(
        Attempt.objects.filter(user=user).select_related("quiz").order_by("-started_at")[:10]
    )
    open_attempts = {a.quiz_id: a for a in recent if a.state == AttemptState.IN_PROGRESS}
    groups: dict[str, dict] = {}
    for quiz in quizzes:
        name = quiz.subject.display_name if quiz.subject else ""
        group = groups.setdefault(name, {"subject": name, "mock": [], "practice": []})
        target = group["mock"] if quiz.kind == "mock_exam" else group["practice"]
        target.append({"quiz": quiz, "open_attempt": open_attempts.get(quiz.pk)})
    from quizzes.notebook import daily_streak

    return {
        "groups": list(groups.values()),
        "recent": recent,
        "daily_streak": daily_streak(user=user),
    }


def has_passed(*, user, quiz: Quiz, since=None) -> bool:
    """Whether the learner has a graded attempt of ``quiz`` at or above its pass mark
    (submitted after ``since``, when given)."""
    attempts = Attempt.objects.filter(
        user=user,
        quiz=quiz,
        state=AttemptState.SUBMITTED,
        provisional=False,
        pass_mark__isnull=False,
        score__gte=F("pass_mark"),
    )
    if since is not None:
        attempts = attempts.filter(submitted_at__gt=since)
    return attempts.exists()
