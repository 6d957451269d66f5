"""The marking queue for human-marked answers (case analysis, service plan, essay): reads.

Who marks what:

- a grader (``quizzes.change_response``: trainers) marks answers to questions of the banks they
  may edit (``banks_for``);
- on a quiz with a second marker, another grader of those banks gives a second, independent
  mark; they do not see the first;
- marks further apart than ``SECOND_MARK_TOLERANCE`` wait for a moderator
  (``quizzes.moderate_mark``: city admins, or a trainer given it), who is neither of the two
  markers and sets the final mark. Moderators see the disagreements of every bank.
"""

import hashlib
import hmac
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from institutions.models import Institution, Membership
from quizzes.models import AttemptState, Mark, MarkRole, Response
from quizzes.models.bank import HUMAN_MARKED_TYPES
from quizzes.permissions import banks_for

GRADE = "quizzes.change_response"
MODERATE = "quizzes.moderate_mark"

TO_MARK, SECOND, DISAGREEMENT, MARKED = "to_mark", "second", "disagreement", "marked"
STATES = {
    TO_MARK: gettext_lazy("To mark"),
    SECOND: gettext_lazy("Needs a second mark"),
    DISAGREEMENT: gettext_lazy("Disagreement"),
    MARKED: gettext_lazy("Marked"),
}


def may_grade(user) -> bool:
    return user.is_active and user.has_perm(GRADE)


def may_moderate(user) -> bool:
    return user.is_active and user.has_perm(MODERATE)


def may_open_queue(user) -> bool:
    return may_grade(user) or may_moderate(user)


def default_state(user) -> str:
    return TO_MARK if may_grade(user) else DISAGREEMENT


def _mark_exists(**conditions):
    return Exists(Mark.objects.filter(response=OuterRef("pk"), **conditions))


def human_marked_answers():
    """Submitted answers to human-marked questions, with which marks they have."""
    return Response.objects.filter(
        attempt__state=AttemptState.SUBMITTED,
        version__type__in=list(HUMAN_MARKED_TYPES),
    ).annotate(
        has_first=_mark_exists(role=MarkRole.FIRST),
        has_second=_mark_exists(role=MarkRole.SECOND),
    )


def grading_queue(
    *,
    grader,
    quiz_id: int | None = None,
    question_id: int | None = None,
    institution_id: int | None = None,
    state: str = TO_MARK,
):
    """The answers ``grader`` may mark in ``state``, oldest first.

    ``to_mark``: no mark yet, or a second mark by someone other than the first marker;
    ``second``: only the latter; ``disagreement``: two marks too far apart (moderators);
    ``marked``: answers with final points.
    """
    queue = human_marked_answers().annotate(
        marked_by_me=_mark_exists(marker=grader.pk),
    )
    own_banks = Q(version__question__bank__in=banks_for(grader)) if may_grade(grader) else None
    needs_second = Q(
        points=None,
        attempt__quiz__second_marking=True,
        has_first=True,
        has_second=False,
        marked_by_me=False,
    )
    if state == MARKED:
        scope = Q(points__isnull=False) & (own_banks or Q(pk__in=[]))
        if may_moderate(grader):
            scope |= Q(points__isnull=False, has_second=True)
    elif state == DISAGREEMENT:
        scope = (
            Q(points=None, has_first=True, has_second=True, marked_by_me=False)
            if may_moderate(grader)
            else Q(pk__in=[])
        )
    elif own_banks is None:
        scope = Q(pk__in=[])
    elif state == SECOND:
        scope = own_banks & needs_second
    else:
        scope = own_banks & (Q(points=None, has_first=False) | needs_second)
    queue = (
        queue.filter(scope)
        .select_related("attempt__quiz", "attempt__user", "version__question")
        .order_by("attempt__submitted_at", "position")
    )
    if quiz_id:
        queue = queue.filter(attempt__quiz_id=quiz_id)
    if question_id:
        queue = queue.filter(version__question_id=question_id)
    if institution_id:
        institution = Institution.objects.filter(pk=institution_id).first()
        if institution is None:
            return queue.none()
        # Answers of blind-marked quizzes never match an institution filter: a marker could
        # otherwise tell their anonymous authors apart by institution.
        queue = queue.filter(
            Exists(
                Membership.objects.filter(
                    user=OuterRef("attempt__user"),
                    institution__path__startswith=institution.path,
                )
            ),
            attempt__quiz__blind_marking=False,
        )
    return queue


def mark_role_for(grader, response: Response) -> str | None:
    """Which mark ``grader`` would give this answer now, or None if none is theirs to give."""
    if response.points is not None or response.attempt.state != AttemptState.SUBMITTED:
        return None
    marks = {mark.role: mark for mark in Mark.objects.filter(response=response)}
    in_own_bank = (
        may_grade(grader)
        and banks_for(grader).filter(pk=response.version.question.bank_id).exists()
    )
    if MarkRole.FIRST not in marks:
        return MarkRole.FIRST if in_own_bank else None
    markers = {mark.marker_id for mark in marks.values()}
    if MarkRole.SECOND not in marks:
        if response.attempt.quiz.second_marking and in_own_bank and grader.pk not in markers:
            return MarkRole.SECOND
        return None
    if may_moderate(grader) and grader.pk not in markers:
        return MarkRole.MODERATOR
    return None


def tolerance() -> Decimal:
    return Decimal(str(settings.SECOND_MARK_TOLERANCE))


def anonymous_code(attempt_id: int) -> str:
    """A stable code for an attempt that tells markers nothing about its learner."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"blind-marking:{attempt_id}".encode(), hashlib.sha256
    ).hexdigest()
    return f"A-{digest[:6].upper()}"


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
        if not amount.is_finite() or amount < 0 or amount > Decimal(part["points"]):
            raise ValidationError(
                _("Sub-question %(n)s: give between 0 and %(max)s points.")
                % {"n": index, "max": part["points"]}
            )
        points.append(amount)
    return points
