"""Marking human-marked answers: one mark, or two independent marks and a moderator.

The final points of an answer:

- single marking: the first mark;
- second marking: the mean of the two marks, sub-question by sub-question (rounded half up to
  0.01), when their totals differ by at most ``SECOND_MARK_TOLERANCE``; otherwise the
  moderator's mark.

The learner's comment is the moderator's when there is one, else the markers' comments.
The attempt's score becomes final when its last answer has final points (``response_grade``),
which also announces a pass.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction

from quizzes.grading import mark_role_for, tolerance
from quizzes.models import Attempt, Mark, MarkRole, Response
from quizzes.services import attempts as attempt_services

CENT = Decimal("0.01")


def _mean(first: list[str], second: list[str]) -> list[Decimal]:
    return [
        ((Decimal(a) + Decimal(b)) / 2).quantize(CENT, rounding=ROUND_HALF_UP)
        for a, b in zip(first, second, strict=True)
    ]


def _final(marks: dict[str, Mark], second_marking: bool) -> tuple[list[Decimal], str] | None:
    """The final points per sub-question and the learner's comment, once the marks settle it."""
    if MarkRole.MODERATOR in marks:
        mark = marks[MarkRole.MODERATOR]
        return [Decimal(p) for p in mark.part_points], mark.comment
    first = marks.get(MarkRole.FIRST)
    if first is None:
        return None
    if not second_marking:
        return [Decimal(p) for p in first.part_points], first.comment
    second = marks.get(MarkRole.SECOND)
    if second is None or abs(first.points - second.points) > tolerance():
        return None
    comment = "\n\n".join(c for c in (first.comment, second.comment) if c.strip())
    return _mean(first.part_points, second.part_points), comment


def response_mark(*, marker, response: Response, part_points: list[Decimal], comment: str = ""):
    """Record ``marker``'s mark of an answer in the role that is theirs; settle it if it can be.

    Returns the mark. Raises PermissionDenied when no mark of this answer is the marker's to give
    (not their bank, already marked, their own first mark, no disagreement to settle).
    """
    with transaction.atomic():
        Attempt.objects.select_for_update().get(pk=response.attempt_id)
        response = Response.objects.select_related("attempt__quiz", "version__question").get(
            pk=response.pk
        )
        role = mark_role_for(marker, response)
        if role is None:
            raise PermissionDenied
        mark = Mark(
            response=response,
            marker=marker,
            role=role,
            part_points=[str(p) for p in part_points],
            points=sum(part_points, Decimal(0)),
            comment=comment,
        )
        mark.full_clean()
        mark.save()
        marks = {m.role: m for m in response.marks.all()}
        final = _final(marks, response.attempt.quiz.second_marking)
        if final is not None:
            points, feedback = final
            attempt_services.response_grade(
                grader=marker,
                response=response,
                points=sum(points, Decimal(0)),
                feedback=feedback,
                part_points=points,
            )
    return mark
