"""Regrading: when a trainer corrects the key of a published choice question, past answers are
re-scored with the corrected key.

A key correction is a new version of a choice question whose candidates saw the same thing as
in an earlier version (type, stem, the same options with the same texts in the same order) but
whose correct options differ. Explanations, knowledge points and difficulty may change too; a
change to what candidates saw (an option's text, the stem) is not a key correction and
re-scores nothing.

It happens automatically: saving such a version schedules ``regrade_with_corrected_key`` (queue
"analysis") and the admin tells the trainer how many past answers it re-scores. The task keeps
each answer's version (what was shown) and scores it against the corrected key, records a
``Regrade`` row per changed answer (old and new points, versions from and to, by whom, when),
recomputes the attempt's score, sends its learner a notice in their language, and announces a
pass that the correction creates (module completion, certificates). Running it again changes
nothing. Not recomputed: mastery, the wrong-answer notebook and item statistics; and a pass the
correction takes away does not revoke a certificate already issued.
"""

from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lms.notices import language_of, notice_send
from lms.queueing import enqueue
from quizzes import scoring
from quizzes.models import Attempt, AttemptState, QuestionVersion, Regrade, Response
from quizzes.models.bank import CHOICE_TYPES
from quizzes.services import attempts as attempt_services


def _shown(version: QuestionVersion) -> tuple:
    return (
        version.type,
        version.stem,
        [(option["id"], option["text"]) for option in version.options],
    )


def _same_shown(version: QuestionVersion, *, later: bool = False):
    """The question's other versions before (or after) ``version`` that showed the same."""
    others = QuestionVersion.objects.filter(question_id=version.question_id)
    others = (
        others.filter(number__gt=version.number)
        if later
        else others.filter(number__lt=version.number)
    )
    return [other for other in others if _shown(other) == _shown(version)]


def scored_versions(version: QuestionVersion) -> list[QuestionVersion]:
    """The earlier versions whose answers ``version``'s key scores, if it corrects a key: those
    that showed the same, when at least one of them had another key. Versions with the same key
    are included so that a key corrected back undoes an earlier regrade."""
    if version.type not in CHOICE_TYPES:
        return []
    earlier = _same_shown(version)
    if all(sorted(old.key) == sorted(version.key) for old in earlier):
        return []
    return earlier


def _answers(versions) -> "list[Response]":
    return Response.objects.filter(version__in=versions, attempt__state=AttemptState.SUBMITTED)


def regrade_schedule(*, version: QuestionVersion | None, by=None) -> int:
    """After a version is frozen: if it corrects a key, re-score past answers in the background.

    Returns how many past answers will be looked at again (0: not a key correction).
    """
    if version is None:
        return 0
    count = _answers(scored_versions(version)).count()
    if count:
        from quizzes.tasks import regrade_with_corrected_key

        enqueue(regrade_with_corrected_key, version.pk, getattr(by, "pk", None))
    return count


def _plain(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _notify(attempt: Attempt, old: Decimal | None, new: Decimal) -> None:
    with translation.override(language_of(attempt.user)):
        message = _(
            "Your score in “%(quiz)s” changed from %(old)s to %(new)s: a question's answer key "
            "was corrected."
        ) % {"quiz": attempt.quiz.title, "old": _plain(old), "new": _plain(new)}
    notice_send(user=attempt.user, message=message, link=reverse("attempt", args=[attempt.pk]))


def _regrade_attempt(attempt_id: int, version: QuestionVersion, versions, by_id) -> bool:
    """Re-score one attempt's answers to the corrected versions; say whether its score changed."""
    with transaction.atomic():
        attempt = (
            Attempt.objects.select_for_update().select_related("quiz", "user").get(pk=attempt_id)
        )
        was_passed = attempt.passed
        changed = []
        for response in attempt.responses.filter(version__in=versions):
            points = scoring.score_choice(
                question_type=version.type,
                key=version.key,
                answer=response.answer,
                points=response.max_points,
                rule=attempt.quiz.multiple_choice_rule,
            )
            if points == response.points:
                continue
            changed.append(
                Regrade(
                    response=response,
                    old_points=response.points,
                    new_points=points,
                    version_from_id=response.version_id,
                    version_to=version,
                    by_id=by_id,
                )
            )
            response.points = points
            response.graded_at = timezone.now()
            response.save(update_fields=["points", "graded_at"])
        if not changed:
            return False
        Regrade.objects.bulk_create(changed)
        old_score = attempt.score
        rows = list(attempt.responses.values_list("points", flat=True))
        attempt.score = sum((value for value in rows if value is not None), Decimal(0))
        attempt.save(update_fields=["score"])
        if attempt.score != old_score:
            _notify(attempt, old_score, attempt.score)
    if not was_passed and attempt.passed:
        attempt_services._announce_pass(attempt)
    return True


def regrade_with_corrected_key(*, version_id: int, by_id: int | None = None) -> int:
    """Re-score the past answers whose key ``version`` corrects; returns the attempts changed."""
    version = QuestionVersion.objects.select_related("question").filter(pk=version_id).first()
    if version is None or _same_shown(version, later=True):
        return 0  # corrected again since: the newer version's own regrade scores these answers
    versions = scored_versions(version)
    attempt_ids = (
        _answers(versions).order_by("attempt_id").values_list("attempt_id", flat=True).distinct()
    )
    return sum(
        _regrade_attempt(attempt_id, version, versions, by_id) for attempt_id in list(attempt_ids)
    )
