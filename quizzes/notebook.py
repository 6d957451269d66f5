"""Reads of the wrong-answer notebook and the daily-practice streak."""

import datetime

from django.utils import timezone

from courses.models import Chapter
from quizzes.models import Attempt, AttemptState, QuizKind, ReviewCard

RECENCY_DAYS = (7, 30)
MAX_ID = 2**63 - 1  # the largest id a database column holds


def id_param(value) -> int | None:
    """A query parameter that names an id, or None when it cannot be one (not plain ASCII
    digits, like "²", or too large for any id column: both would crash a query)."""
    value = str(value or "")
    if value.isascii() and value.isdigit() and int(value) <= MAX_ID:
        return int(value)
    return None


def notebook_scope(params) -> dict:
    """The notebook's filters from a request's parameters; unknown values are ignored."""
    scope = {}
    chapter = id_param(params.get("chapter"))
    if chapter:
        scope["chapter"] = chapter
    if params.get("type") in {"single_choice", "multiple_choice", "true_false"}:
        scope["type"] = params["type"]
    days = id_param(params.get("days"))
    if days in RECENCY_DAYS:
        scope["since"] = timezone.now() - datetime.timedelta(days=days)
        scope["days"] = days
    return scope


def notebook_cards(*, user, scope: dict):
    """The learner's open notebook cards (not yet retired), narrowed by the notebook's filters."""
    cards = ReviewCard.objects.filter(user=user, retired_at=None)
    if scope.get("chapter"):
        cards = cards.filter(question__chapter_id=scope["chapter"])
    if scope.get("type"):
        cards = cards.filter(question__type=scope["type"])
    if scope.get("since"):
        cards = cards.filter(last_wrong_at__gte=scope["since"])
    return cards


def notebook_for(*, user, scope: dict) -> dict:
    cards = list(
        notebook_cards(user=user, scope=scope)
        .select_related("question__chapter", "question__current_version")
        .order_by("due")[:200]
    )
    now = timezone.now()
    chapter_ids = ReviewCard.objects.filter(user=user, retired_at=None).values_list(
        "question__chapter_id", flat=True
    )
    return {
        "cards": cards,
        "due_count": sum(1 for card in cards if card.due <= now),
        "chapters": Chapter.objects.filter(pk__in=chapter_ids).order_by("code"),
        "retired_count": ReviewCard.objects.filter(user=user).exclude(retired_at=None).count(),
        "scope": scope,
        "recency_days": RECENCY_DAYS,
    }


def daily_streak(*, user) -> int:
    """Days in a row, up to today or yesterday, with a submitted daily practice."""
    days = {
        timezone.localtime(moment).date()
        for moment in Attempt.objects.filter(
            user=user, quiz__kind=QuizKind.DAILY, state=AttemptState.SUBMITTED
        ).values_list("submitted_at", flat=True)[:400]
    }
    day = timezone.localdate()
    if day not in days:
        day -= datetime.timedelta(days=1)
    streak = 0
    while day in days:
        streak += 1
        day -= datetime.timedelta(days=1)
    return streak
