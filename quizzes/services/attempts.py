"""The attempt engine: start (or resume), save answers, submit, auto-submit, grade.

Saving an answer is the hottest path of the platform (every click of every candidate in a mock
exam), so it runs two plain statements and no transaction: a read, and an update that re-checks
in the same statement that the attempt is still open (see ``answer_store``). A save carries the
client's sequence number; an older save arriving late never overwrites a newer one. A submit
locks the attempt row and the update waits for it, so an answer is either acknowledged and
graded, or refused — never acknowledged and lost.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses import selectors as course_selectors
from courses import services as course_services
from courses.models import Blueprint
from lms.db import is_postgresql
from lms.queueing import enqueue
from quizzes import assembly, scoring
from quizzes.models import (
    Accommodation,
    Attempt,
    AttemptState,
    Quiz,
    QuizKind,
    Response,
    ReviewTiming,
    SubmitReason,
)
from quizzes.models.bank import CHOICE_TYPES
from quizzes.services import answer_store
from quizzes.signals import assessment_passed, attempt_submitted


class AttemptNotFound(Exception):
    pass


class AttemptClosed(Exception):
    """The attempt no longer takes answers (submitted, or past its deadline and grace)."""


class AnswerLocked(Exception):
    """Practice with immediate feedback: a checked answer cannot be changed."""


@dataclass(frozen=True)
class SaveResult:
    seq: int
    saved_at: datetime.datetime
    stale: bool  # an equal or newer save had already arrived; nothing changed
    review: dict | None = None  # practice with immediate feedback: the checked answer's review


MAX_TEXT_ANSWER = 20_000  # characters per part of a written answer


# How many overdue attempts the sweeper reads at a time.
SWEEP_BATCH = 100


def _grace() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.QUIZ_SAVE_GRACE_SECONDS)


def _blueprint_of(quiz: Quiz) -> Blueprint | None:
    """A mock exam's blueprint: where its duration and pass mark come from."""
    if quiz.kind == QuizKind.MOCK_EXAM and quiz.subject_id:
        return Blueprint.objects.filter(subject_id=quiz.subject_id).first()
    return None


def _time_limit(quiz: Quiz, blueprint: Blueprint | None) -> int | None:
    if quiz.time_limit_minutes:
        return quiz.time_limit_minutes
    return blueprint.duration_minutes if blueprint else None


def _pass_mark(quiz: Quiz, blueprint: Blueprint | None, max_score: Decimal) -> Decimal | None:
    if quiz.pass_percent is not None:
        return (max_score * quiz.pass_percent / 100).quantize(Decimal("0.01"))
    return blueprint.pass_mark if blueprint else None


def attempt_start(
    *,
    user,
    quiz: Quiz,
    now: datetime.datetime | None = None,
    rng: random.Random | None = None,
    scope: dict | None = None,
) -> tuple[Attempt, bool]:
    """Resume the learner's open attempt of ``quiz``, or start a new one."""
    now = now or timezone.now()
    open_attempt = Attempt.objects.filter(
        quiz=quiz, user=user, state=AttemptState.IN_PROGRESS
    ).first()
    if open_attempt is not None:
        if not attempt_is_overdue(open_attempt, now):
            return open_attempt, False
        attempt_submit(attempt=open_attempt, reason=SubmitReason.DEADLINE, now=now)
    if not quiz.is_active or (quiz.closes_at and quiz.closes_at <= now):
        raise ValidationError(_("This quiz is closed."))
    if _is_module_assessment(quiz) and not course_selectors.module_lessons_done(
        user=user, module=quiz.module
    ):
        raise ValidationError(_("Finish this module's lessons before its assessment."))
    done = Attempt.objects.filter(quiz=quiz, user=user).count()
    if quiz.max_attempts and done >= quiz.max_attempts:
        raise ValidationError(
            _("You have used all %(n)s attempts of this quiz.") % {"n": quiz.max_attempts}
        )
    slots = assembly.select_questions(quiz, rng, user=user, scope=scope)
    rng = rng or random.SystemRandom()
    factor = Accommodation.objects.filter(user=user).values_list(
        "time_factor", flat=True
    ).first() or Decimal("1.00")
    blueprint = _blueprint_of(quiz)
    minutes = _time_limit(quiz, blueprint)
    deadline = now + datetime.timedelta(minutes=float(minutes * factor)) if minutes else None
    max_score = sum((slot.points for slot in slots), Decimal(0))
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                quiz=quiz,
                user=user,
                number=done + 1,
                started_at=now,
                deadline=deadline,
                time_factor=factor,
                max_score=max_score,
                pass_mark=_pass_mark(quiz, blueprint, max_score),
            )
            Response.objects.bulk_create(
                [
                    Response(
                        attempt=attempt,
                        position=position,
                        version=slot.version,
                        max_points=slot.points,
                        option_order=_option_order(slot.version, quiz.shuffle_options, rng),
                    )
                    for position, slot in enumerate(slots, start=1)
                ]
            )
    except IntegrityError:
        # A simultaneous start of the same quiz won; resume that attempt.
        return Attempt.objects.get(quiz=quiz, user=user, state=AttemptState.IN_PROGRESS), False
    # Past its deadline the attempt is submitted by the sweeper (``attempts_submit_overdue``,
    # Celery beat) or by the learner's next request, whichever comes first.
    return attempt, True


def _option_order(version, shuffle: bool, rng: random.Random) -> list[int]:
    ids = [option["id"] for option in version.options]
    if shuffle and version.type != "true_false":
        rng.shuffle(ids)
    return ids


def attempt_is_overdue(attempt: Attempt, now: datetime.datetime) -> bool:
    return attempt.deadline is not None and now > attempt.deadline + _grace()


def _validate_answer(response: Response, answer) -> list | None:
    if answer is None or answer == []:
        return None
    version_type = response.version.type
    if version_type in CHOICE_TYPES:
        if not isinstance(answer, list) or not all(
            isinstance(item, int) and not isinstance(item, bool) for item in answer
        ):
            raise ValidationError({"answer": _("Give the chosen options as a list of option ids.")})
        unknown = set(answer) - set(response.option_order)
        if unknown:
            raise ValidationError(
                {
                    "answer": _("These options are not part of this question: %(ids)s.")
                    % {"ids": ", ".join(str(i) for i in sorted(unknown))}
                }
            )
        if version_type != "multiple_choice" and len(set(answer)) > 1:
            raise ValidationError({"answer": _("Choose one option only.")})
        return sorted(set(answer))
    if not isinstance(answer, list) or not all(isinstance(item, str) for item in answer):
        raise ValidationError({"answer": _("Give one text per sub-question.")})
    too_long = any(len(text) > MAX_TEXT_ANSWER for text in answer)
    if len(answer) > len(response.version.parts) or too_long:
        raise ValidationError({"answer": _("Too many or too long answers for this question.")})
    return answer


def _answer_shape(answer) -> tuple[str, list | None] | None:
    """What a submitted answer looks like before its question is known: ("clear", None),
    ("choice", sorted unique ids), ("text", texts); None when it is neither (the general path
    then explains what is wrong)."""
    if answer is None or answer == []:
        return "clear", None
    if not isinstance(answer, list):
        return None
    if all(isinstance(item, int) and not isinstance(item, bool) for item in answer):
        return "choice", sorted(set(answer))
    if all(isinstance(item, str) and len(item) <= MAX_TEXT_ANSWER for item in answer):
        return "text", answer
    return None


def response_save(
    *,
    user=None,
    token: str | None = None,
    attempt_id: int,
    position: int,
    answer,
    seq: int,
    flagged: bool | None = None,
    now: datetime.datetime | None = None,
) -> SaveResult:
    """Save one answer of an open attempt (idempotent per sequence number).

    The learner is ``user``, or the holder of the API ``token``, which is then checked in the
    same statement that reads the answer (an unknown token finds no attempt).
    """
    now = now or timezone.now()
    owner = {"token": token} if user is None else {"user_id": user.pk}
    shape = _answer_shape(answer)
    if shape is not None and is_postgresql():
        stored = answer_store.write_if_fits(
            attempt_id=attempt_id,
            position=position,
            user_id=owner.get("user_id"),
            token=token,
            shape=shape[0],
            answer=shape[1],
            seq=seq,
            saved_at=now,
            open_until=now - _grace(),
            flagged=flagged,
        )
        if stored:
            return SaveResult(seq=seq, saved_at=now, stale=False)
    # The general path: find out why the one-statement save refused (or, in practice with
    # immediate feedback, check the answer first), then store with the same re-checks.
    row = answer_store.read(attempt_id=attempt_id, position=position, **owner)
    if row is None:
        raise AttemptNotFound
    response = row.response
    immediate = _refuse_or_none(row, seq, now)
    if immediate is None:
        return SaveResult(seq=response.seq, saved_at=response.saved_at or now, stale=True)
    value = _validate_answer(response, answer)
    review = None
    graded = immediate and value is not None and response.version.type in CHOICE_TYPES
    if graded:
        response.answer = value
        response.points = _score(response, row.multiple_choice_rule)
        review = _review_of(response)
    written = answer_store.write(
        attempt_id=attempt_id,
        open_until=now - _grace(),
        response_id=response.pk,
        answer=value,
        seq=seq,
        saved_at=now,
        flagged=flagged,
        points=response.points if graded else None,
        graded=graded,
        locked_when_graded=immediate,
    )
    if not written:
        # Something changed since the read: a submit, a newer save or a checked answer. Read
        # again and answer as if this save had arrived after it.
        row = answer_store.read(attempt_id=attempt_id, position=position, **owner)
        if row is None:
            raise AttemptNotFound
        if _refuse_or_none(row, seq, now) is not None:
            # Nothing explains the refusal: never acknowledge an answer that was not stored.
            raise RuntimeError(f"answer {attempt_id}/{position} was neither stored nor refused")
        return SaveResult(seq=row.response.seq, saved_at=row.response.saved_at or now, stale=True)
    return SaveResult(seq=seq, saved_at=now, stale=False, review=review)


def _refuse_or_none(row: answer_store.Row, seq: int, now: datetime.datetime) -> bool | None:
    """Raise if the attempt no longer takes this answer; None if the save is stale; otherwise
    whether the quiz checks answers at once (practice with immediate feedback)."""
    if row.state != AttemptState.IN_PROGRESS:
        raise AttemptClosed(_("This attempt has been submitted; answers can no longer change."))
    if row.deadline is not None and now > row.deadline + _grace():
        raise AttemptClosed(_("Time is up: answers after the deadline are not accepted."))
    if seq <= row.response.seq:
        return None
    immediate = row.show_keys == ReviewTiming.IMMEDIATELY
    if immediate and row.response.points is not None:
        raise AnswerLocked(_("This answer was already checked and cannot change."))
    return immediate


def _review_of(response: Response) -> dict:
    from quizzes.selectors import review_of

    return review_of(response)


def _score(response: Response, rule: str) -> Decimal | None:
    version = response.version
    if version.type not in CHOICE_TYPES:
        return None
    return scoring.score_choice(
        question_type=version.type,
        key=version.key,
        answer=response.answer,
        points=response.max_points,
        rule=rule,
    )


def attempt_submit(
    *,
    attempt: Attempt,
    reason: str = SubmitReason.LEARNER,
    now: datetime.datetime | None = None,
) -> Attempt:
    """Submit and grade an attempt. Submitting again returns the same result."""
    now = now or timezone.now()
    attempt, closed = _attempt_close(attempt_id=attempt.pk, reason=reason, now=now)
    if closed:
        _announce_submit(attempt)
    return attempt


def _attempt_close(
    *, attempt_id: int, reason: str, now: datetime.datetime, skip_locked: bool = False
) -> tuple[Attempt | None, bool]:
    """Grade and close the attempt in one transaction, holding its row (not its quiz's). Says
    whether this call closed it; with ``skip_locked``, an attempt someone else holds is None."""
    with transaction.atomic():
        rows = Attempt.objects.select_for_update(skip_locked=skip_locked, of=("self",))
        rows = rows.select_related("quiz")
        attempt = rows.filter(pk=attempt_id).first() if skip_locked else rows.get(pk=attempt_id)
        if attempt is None or attempt.state == AttemptState.SUBMITTED:
            return attempt, False
        responses = list(attempt.responses.select_related("version"))
        graded: dict[Decimal, list[int]] = {}
        for response in responses:
            if response.points is None and response.version.type in CHOICE_TYPES:
                response.points = _score(response, attempt.quiz.multiple_choice_rule)
                response.graded_at = now
                graded.setdefault(response.points, []).append(response.pk)
        # One UPDATE per distinct score (full, none, partial: a handful), not a CASE over every
        # response: building that expression cost more than the rest of the submit together.
        for points, ids in graded.items():
            Response.objects.filter(pk__in=ids).update(points=points, graded_at=now)
        if attempt.deadline is not None and now >= attempt.deadline:
            reason = SubmitReason.DEADLINE  # the page submits for the learner when time runs out
        attempt.state = AttemptState.SUBMITTED
        attempt.submitted_at = now
        attempt.submit_reason = reason
        attempt.provisional = any(response.points is None for response in responses)
        attempt.score = sum((r.points for r in responses if r.points is not None), Decimal(0))
        attempt.save(
            update_fields=["state", "submitted_at", "submit_reason", "provisional", "score"]
        )
        from quizzes.tasks import after_submit

        enqueue(after_submit, attempt.pk)
    return attempt, True


def _announce_submit(attempt: Attempt) -> None:
    attempt_submitted.send(sender=Attempt, attempt=attempt)
    _announce_pass(attempt)


def _is_module_assessment(quiz: Quiz) -> bool:
    return quiz.kind == QuizKind.MODULE_ASSESSMENT and quiz.module_id is not None


def _announce_pass(attempt: Attempt) -> None:
    """A graded, passing assessment: a module assessment completes its module (and may finish
    the course); apps further down hear of every pass."""
    if not attempt.passed:
        return
    quiz = attempt.quiz
    if _is_module_assessment(quiz):
        percent = (attempt.score * 100 / attempt.max_score) if attempt.max_score else Decimal(100)
        course_services.module_assessment_passed(
            user=attempt.user,
            module=quiz.module,
            score_percent=percent.quantize(Decimal("0.01")),
            now=attempt.submitted_at,
        )
    assessment_passed.send(sender=Attempt, attempt=attempt)


def attempt_for(*, user, attempt_id: int, now: datetime.datetime | None = None) -> Attempt:
    """The learner's own attempt; an overdue open attempt is submitted on the way."""
    attempt = Attempt.objects.select_related("quiz").filter(pk=attempt_id, user=user).first()
    if attempt is None:
        raise AttemptNotFound
    now = now or timezone.now()
    if attempt.state == AttemptState.IN_PROGRESS and attempt_is_overdue(attempt, now):
        attempt = attempt_submit(attempt=attempt, reason=SubmitReason.DEADLINE, now=now)
    return attempt


def attempts_submit_overdue(
    *, now: datetime.datetime | None = None, batch: int = SWEEP_BATCH
) -> int:
    """Submit every open attempt past its deadline and grace: the one mechanism behind the
    deadline besides the learner's next request (Celery beat, every 30 s). Each attempt is
    submitted in its own transaction; one that a request or another sweeper holds is skipped
    (SKIP LOCKED), so nobody waits and nothing is submitted twice. Says how many it submitted."""
    now = now or timezone.now()
    overdue = Attempt.objects.filter(
        state=AttemptState.IN_PROGRESS, deadline__lt=now - _grace()
    ).order_by("pk")
    count, after = 0, 0
    while ids := list(overdue.filter(pk__gt=after).values_list("pk", flat=True)[:batch]):
        for attempt_id in ids:
            attempt, closed = _attempt_close(
                attempt_id=attempt_id, reason=SubmitReason.DEADLINE, now=now, skip_locked=True
            )
            if closed:
                _announce_submit(attempt)
                count += 1
        after = ids[-1]
    return count


def response_grade(
    *,
    grader,
    response: Response,
    points: Decimal,
    feedback: str = "",
    part_points: list[Decimal] | None = None,
) -> Attempt:
    """A marker's points for a human-marked answer; the attempt's score follows."""
    if points < 0 or points > response.max_points:
        raise ValidationError(
            {"points": _("Give between 0 and %(max)s points.") % {"max": response.max_points}}
        )
    if not (grader.has_perm("quizzes.change_response") or grader.has_perm("quizzes.moderate_mark")):
        raise PermissionDenied
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=response.attempt_id)
        if attempt.state != AttemptState.SUBMITTED:
            raise ValidationError(_("Only submitted attempts are marked."))
        Response.objects.filter(pk=response.pk).update(
            points=points,
            feedback=feedback,
            graded_by=grader,
            graded_at=timezone.now(),
            part_points=[str(p) for p in part_points] if part_points is not None else None,
        )
        rows = list(attempt.responses.values_list("points", flat=True))
        was_provisional = attempt.provisional
        attempt.provisional = any(value is None for value in rows)
        attempt.score = sum((value for value in rows if value is not None), Decimal(0))
        attempt.save(update_fields=["provisional", "score"])
    if was_provisional and not attempt.provisional:
        _announce_pass(attempt)  # the last mark made the score final
        # The attempt counts in the item statistics from now on.
        from quizzes.services.item_statistics import quiz_statistics_schedule

        quiz_statistics_schedule(quiz_id=attempt.quiz_id)
    return attempt
