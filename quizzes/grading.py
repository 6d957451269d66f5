"""The marking queue for human-marked answers (case analysis, service plan, essay)."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from quizzes.models import AttemptState, Response
from quizzes.models.bank import HUMAN_MARKED_TYPES
from quizzes.permissions import banks_for


def grading_queue(*, grader, quiz_id: int | None = None, question_id: int | None = None):
    """Submitted, unmarked answers to questions of banks the grader may mark, oldest first."""
    queue = (
        Response.objects.filter(
            attempt__state=AttemptState.SUBMITTED,
            points=None,
            version__type__in=list(HUMAN_MARKED_TYPES),
            version__question__bank__in=banks_for(grader),
        )
        .select_related("attempt__quiz", "attempt__user", "version__question")
        .order_by("attempt__submitted_at", "position")
    )
    if quiz_id:
        queue = queue.filter(attempt__quiz_id=quiz_id)
    if question_id:
        queue = queue.filter(version__question_id=question_id)
    return queue


def parse_part_points(response: Response, values: list[str]) -> list[Decimal]:
    """Points per sub-question from the marking form, each between 0 and its maximum."""
    parts = response.version.parts
    if len(values) != len(parts):
        raise ValidationError(_("Give points for every sub-question."))
    points = []
    for index, (value, part) in enumerate(zip(values, parts, strict=True), start=1):
        try:
            amount = Decimal(value.strip())
        except (InvalidOperation, AttributeError) as error:
            raise ValidationError(_("Sub-question %(n)s: give a number.") % {"n": index}) from error
        if amount < 0 or amount > Decimal(part["points"]):
            raise ValidationError(
                _("Sub-question %(n)s: give between 0 and %(max)s points.")
                % {"n": index, "max": part["points"]}
            )
        points.append(amount)
    return points
