"""The wrong-answer notebook (错题本): what goes in, when it comes back, when it leaves.

Scheduling is FSRS (the ``fsrs`` package): a wrong answer is rated Again, a right one Good.
A question leaves the notebook after ``REVIEW_RETIRE_AFTER`` correct answers in a row and comes
back with the next wrong one. Runs in the Celery task after submit, never in a request.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from fsrs import Card, Rating, Scheduler

from quizzes.models import Attempt, ReviewCard, ReviewTiming
from quizzes.models.bank import CHOICE_TYPES

SCHEDULER = Scheduler(enable_fuzzing=False)
# What a review changes on a card already in the notebook.
REVIEWED_FIELDS = ["card", "due", "correct_streak", "retired_at", "lapses", "last_wrong_at"]


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC)


def _review(card: ReviewCard, correct: bool, when: datetime.datetime) -> None:
    fsrs_card = (
        Card.from_dict(card.card) if card.card else Card(card_id=card.question_id, due=_utc(when))
    )
    fsrs_card, _log = SCHEDULER.review_card(
        fsrs_card, Rating.Good if correct else Rating.Again, review_datetime=_utc(when)
    )
    card.card = fsrs_card.to_dict()
    card.due = fsrs_card.due
    if correct:
        card.correct_streak += 1
        if card.correct_streak >= settings.REVIEW_RETIRE_AFTER:
            card.retired_at = when
    else:
        card.correct_streak = 0
        card.lapses += 1
        card.last_wrong_at = when
        card.retired_at = None


def _keys_shown_after_submit(quiz, when: datetime.datetime) -> bool:
    """Whether the quiz lets its learners see the keys once they have submitted. The
    notebook's review shows a key as soon as it is answered, so a quiz that keeps its keys
    hidden (never, or until it closes) files no new questions in the notebook."""
    if quiz.show_keys == ReviewTiming.NEVER:
        return False
    if quiz.show_keys == ReviewTiming.AFTER_CLOSE:
        return quiz.closes_at is not None and quiz.closes_at <= when
    return True


@transaction.atomic
def notebook_update_for_attempt(*, attempt_id: int) -> int:
    """File the attempt's wrong answers and review the notebook's questions it asked again."""
    attempt = Attempt.objects.select_related("quiz").get(pk=attempt_id)
    when = attempt.submitted_at or timezone.now()
    files_new = _keys_shown_after_submit(attempt.quiz, when)
    outcomes: dict[int, bool] = {}
    for question_id, question_type, points, max_points in attempt.responses.values_list(
        "version__question_id", "version__type", "points", "max_points"
    ):
        if question_type in CHOICE_TYPES and points is not None:
            outcomes[question_id] = points >= max_points
    cards = {
        c.question_id: c
        for c in ReviewCard.objects.select_for_update().filter(
            user_id=attempt.user_id, question_id__in=list(outcomes)
        )
    }
    changed = []
    for question_id, correct in outcomes.items():
        card = cards.get(question_id)
        if card is None:
            if correct or not files_new:
                continue  # only wrong answers enter, and only where the keys may be seen
            card = ReviewCard(
                user_id=attempt.user_id,
                question_id=question_id,
                added_at=when,
                last_wrong_at=when,
                due=when,
            )
        _review(card, correct, when)
        changed.append(card)
    # One upsert for a whole mock exam rather than a statement per question (the rows of the
    # cards already filed are locked above, so nobody else changes them meanwhile).
    ReviewCard.objects.bulk_create(
        changed,
        update_conflicts=True,
        unique_fields=["user", "question"],
        update_fields=REVIEWED_FIELDS,
    )
    return len(changed)
