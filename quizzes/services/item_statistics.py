"""Compute and store item and quiz statistics, and calibrate item difficulties. Never in a request.

What is counted:
- **Per quiz**: each learner's first submitted, final (not provisional) attempt at the quiz, as
  Moodle does by default: later attempts are coloured by the feedback of the first.
- **Bank-wide** (``ItemStatistics.quiz`` empty) and the calibration: each learner's first final
  answer to each question, whatever quiz asked it; totals and rest scores are then over the
  first answers of that attempt.
Statistics are per question, every version together (see ``quizzes.models.statistics``).
"""

import logging

import pandas as pd
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from lms.db_router import reports_database
from lms.queueing import enqueue
from quizzes import item_statistics as stats
from quizzes.models import (
    Attempt,
    AttemptState,
    ItemCalibration,
    ItemStatistics,
    Question,
    QuizStatistics,
    Response,
)
from quizzes.prediction import difficulty_from_rating

logger = logging.getLogger(__name__)

CALIBRATION_PRIOR_WEIGHT = 20  # the rating counts as much as 20 answers (see calibrated_difficulty)
LOCK_KEY = "item-statistics:quiz:{}"

_FIELDS = {
    "attempt_id": "attempt",
    "attempt__user_id": "user",
    "attempt__submitted_at": "submitted_at",
    "version__question_id": "question",
    "position": "position",
    "version__chapter_id": "chapter",
    "version__type": "type",
    "points": "points",
    "max_points": "max_points",
    "answer": "answer",
    "version__options": "options",
}


def _final_attempts():
    return Attempt.objects.filter(state=AttemptState.SUBMITTED, provisional=False)


def _frame(responses) -> pd.DataFrame:
    rows = responses.exclude(points=None).values_list(*_FIELDS)
    return pd.DataFrame.from_records(list(rows), columns=list(_FIELDS.values()))


def responses_of_quiz(*, quiz_id: int) -> pd.DataFrame:
    first: dict[int, int] = {}
    for pk, user_id in (
        _final_attempts().filter(quiz_id=quiz_id).order_by("-number").values_list("pk", "user_id")
    ):
        first[user_id] = pk  # the last seen is the lowest number
    return _frame(Response.objects.filter(attempt_id__in=list(first.values())))


def responses_bank_wide() -> pd.DataFrame:
    frame = _frame(Response.objects.filter(attempt__in=_final_attempts()))
    if frame.empty:
        return frame
    frame = frame.sort_values(["submitted_at", "attempt", "position"])
    return frame.drop_duplicates(["user", "question"], keep="first")


def _item_rows(frame: pd.DataFrame, *, quiz_id: int | None, now) -> list[ItemStatistics]:
    if frame.empty:
        return []
    items = stats.item_table(frame)
    frequencies = stats.option_frequencies(frame)
    rows = []
    for item in items.to_dict("records"):
        options = frequencies.get(item["question"]) if item["type"] != "case_analysis" else None
        has_options = bool(options and options["options"])
        rows.append(
            ItemStatistics(
                quiz_id=quiz_id,
                question_id=item["question"],
                answers=item["n"],
                facility=item["facility"],
                sd=item["sd"],
                random_guess=item["random_guess"],
                discrimination=item["discrimination"],
                efficiency=item["efficiency"],
                intended_weight=item["intended_weight"],
                effective_weight=item["effective_weight"],
                options=options if has_options else {},
                flags=stats.item_flags(item, options if has_options else None),
                computed_at=now,
            )
        )
    return rows


def quiz_statistics_compute(*, quiz_id: int) -> QuizStatistics | None:
    """Recompute one quiz's item and test statistics from its first final attempts (read from
    the reports replica when there is one; written to the primary in one transaction)."""
    now = timezone.now()
    with reports_database():
        frame = responses_of_quiz(quiz_id=quiz_id)
        last = _final_attempts().filter(quiz_id=quiz_id).aggregate(last=Max("submitted_at"))["last"]
    with transaction.atomic():
        return _quiz_statistics_store(quiz_id=quiz_id, frame=frame, last=last, now=now)


def _quiz_statistics_store(*, quiz_id: int, frame: pd.DataFrame, last, now) -> QuizStatistics:
    ItemStatistics.objects.filter(quiz_id=quiz_id).delete()
    ItemStatistics.objects.bulk_create(_item_rows(frame, quiz_id=quiz_id, now=now))
    summary = stats.summary_statistics(frame) if not frame.empty else {"n": 0, "scores": []}
    values = {
        "attempts": summary["n"],
        "max_score": summary.get("max_score"),
        "mean": summary.get("mean"),
        "median": summary.get("median"),
        "sd": summary.get("sd"),
        "alpha": summary.get("alpha"),
        "error_ratio": summary.get("error_ratio"),
        "standard_error": summary.get("standard_error"),
        "scores": summary["scores"],
        "chapters": stats.chapter_statistics(frame) if not frame.empty else [],
        "last_attempt_at": last,
        "computed_at": now,
    }
    quiz_stats, _created = QuizStatistics.objects.update_or_create(quiz_id=quiz_id, defaults=values)
    return quiz_stats


def bank_statistics_compute() -> int:
    """Recompute the bank-wide item statistics and the calibrated difficulties (read from the
    reports replica when there is one; written to the primary in one transaction)."""
    now = timezone.now()
    with reports_database():
        frame = responses_bank_wide()
        rows = _item_rows(frame, quiz_id=None, now=now)
        ratings = dict(
            Question.objects.filter(pk__in=[r.question_id for r in rows]).values_list(
                "pk", "difficulty"
            )
        )
    with transaction.atomic():
        ItemStatistics.objects.filter(quiz=None).delete()
        ItemStatistics.objects.bulk_create(rows)
        _calibrate(rows, ratings, now=now)
    return len(rows)


def _calibrate(rows: list[ItemStatistics], ratings: dict[int, int], *, now) -> None:
    """Rasch difficulties from the bank-wide facility, shrunk toward the rating (see
    ``quizzes.item_statistics.calibrated_difficulty``); centred over all answered items."""
    usable = [r for r in rows if r.answers and r.facility is not None and r.question_id in ratings]
    ItemCalibration.objects.exclude(question_id__in=[r.question_id for r in usable]).delete()
    if not usable:
        return
    priors = {r.question_id: difficulty_from_rating(ratings[r.question_id]) for r in usable}
    raw = [stats.raw_logit(r.facility, r.answers) for r in usable]
    centre = sum(raw) / len(raw) - sum(priors.values()) / len(priors)
    calibrations = [
        ItemCalibration(
            question_id=r.question_id,
            difficulty=stats.calibrated_difficulty(
                facility=r.facility,
                answers=r.answers,
                prior=priors[r.question_id],
                centre=centre,
                prior_weight=CALIBRATION_PRIOR_WEIGHT,
            ),
            answers=r.answers,
            computed_at=now,
        )
        for r in usable
    ]
    ItemCalibration.objects.bulk_create(
        calibrations,
        update_conflicts=True,
        unique_fields=["question"],
        update_fields=["difficulty", "answers", "computed_at"],
    )


def quizzes_with_new_attempts() -> list[int]:
    """Quizzes whose newest final attempt is newer than their statistics (a replica a little
    behind can only add a quiz computed a moment ago, which is computed again)."""
    with reports_database():
        latest = list(_final_attempts().values("quiz_id").annotate(last=Max("submitted_at")))
        known = dict(QuizStatistics.objects.values_list("quiz_id", "last_attempt_at"))
    return [
        row["quiz_id"]
        for row in latest
        if known.get(row["quiz_id"]) is None or row["last"] > known[row["quiz_id"]]
    ]


def item_statistics_refresh() -> dict:
    """The nightly run: quizzes with new attempts, then the bank and the calibration."""
    quiz_ids = quizzes_with_new_attempts()
    for quiz_id in quiz_ids:
        quiz_statistics_compute(quiz_id=quiz_id)
    return {"quizzes": len(quiz_ids), "items": bank_statistics_compute()}


def quiz_statistics_schedule(*, quiz_id: int) -> bool:
    """Queue one computation for a burst of submits: the first takes a lock for the delay and
    queues the task to run when it ends, so submits in between are counted by that run."""
    delay = settings.ITEM_STATISTICS_DELAY_SECONDS
    # With the cache down ``add`` says None: queue nothing, the nightly refresh catches up.
    if not cache.add(LOCK_KEY.format(quiz_id), 1, timeout=delay):
        return False
    from quizzes.tasks import compute_quiz_statistics

    enqueue(compute_quiz_statistics, quiz_id, countdown=delay)
    return True
