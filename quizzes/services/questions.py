"""Writes and rules of the question bank: validation, snapshots and versions."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from courses.models import QuestionType
from lms.html import clean_html
from quizzes.models import Question, QuestionStatus, QuestionVersion
from quizzes.models.bank import CHOICE_TYPES, HUMAN_MARKED_TYPES

# (type, options needed, keys allowed)
OPTION_RULES = {
    QuestionType.SINGLE_CHOICE: (range(2, 9), range(1, 2)),
    QuestionType.TRUE_FALSE: (range(2, 3), range(1, 2)),
    QuestionType.MULTIPLE_CHOICE: (range(3, 9), None),  # 2 keys or more, at least one wrong
}
DEFAULT_POINTS = {
    QuestionType.SINGLE_CHOICE: Decimal(1),
    QuestionType.TRUE_FALSE: Decimal(1),
    QuestionType.MULTIPLE_CHOICE: Decimal(2),
}


def question_content_errors(
    *, question_type: str, options: list[dict], parts: list[dict]
) -> list[str]:
    """What is wrong with a question's options or parts, as messages for its author."""
    errors = []
    if question_type in CHOICE_TYPES:
        counts, keys_allowed = OPTION_RULES[question_type]
        keys = sum(1 for option in options if option["correct"])
        if len(options) not in counts:
            errors.append(
                _("This type needs %(low)s to %(high)s options; it has %(n)s.")
                % {"low": counts.start, "high": counts.stop - 1, "n": len(options)}
            )
        if keys_allowed is not None and keys not in keys_allowed:
            errors.append(_("Mark exactly one option as correct; %(n)s are marked.") % {"n": keys})
        if keys_allowed is None and not (2 <= keys < len(options)):
            errors.append(
                _(
                    "A multiple-choice question needs at least two correct options and at least "
                    "one wrong option; %(n)s of %(total)s are marked correct."
                )
                % {"n": keys, "total": len(options)}
            )
        if any(not option["text"].strip() for option in options):
            errors.append(_("Every option needs a text."))
        if parts:
            errors.append(_("Sub-questions belong to human-marked questions only."))
    elif question_type in HUMAN_MARKED_TYPES:
        if not parts:
            errors.append(_("Add at least one sub-question with its points and key points."))
        if options:
            errors.append(_("Options belong to choice questions only."))
        if any(Decimal(str(part["points"])) <= 0 for part in parts):
            errors.append(_("Every sub-question needs points above zero."))
    return errors


def question_snapshot(question: Question) -> dict:
    """The content candidates see and markers use, from the working copy (saved or not).

    Stems and explanations are HTML from the admin, the API or an import: every version holds
    them cleaned by the allow-list of ``lms.html``."""
    return {
        "type": question.type,
        "chapter_id": question.chapter_id,
        "knowledge_point_ids": sorted(kp.pk for kp in question.knowledge_points.all()),
        "difficulty": question.difficulty,
        "stem": clean_html(question.stem),
        "explanation": clean_html(question.explanation),
        "options": [
            {
                "id": option.pk,
                "text": option.text,
                "correct": option.is_correct,
                "explanation": option.explanation,
            }
            for option in question.options.all()
        ],
        "parts": [
            {
                "prompt": part.prompt,
                "points": str(part.points),
                "key_points": [
                    line.strip() for line in part.key_points.splitlines() if line.strip()
                ],
            }
            for part in question.parts.all()
        ],
    }


def _version_content(version: QuestionVersion) -> dict:
    # Cleaned as a snapshot is: a version stored before the allow-list existed is not frozen
    # again only because cleaning writes the same HTML differently (it is cleaned when shown).
    return {
        "type": version.type,
        "chapter_id": version.chapter_id,
        "knowledge_point_ids": version.knowledge_point_ids,
        "difficulty": version.difficulty,
        "stem": clean_html(version.stem),
        "explanation": clean_html(version.explanation),
        "options": version.options,
        "parts": version.parts,
    }


@transaction.atomic
def question_version_sync(*, question: Question, user=None) -> QuestionVersion | None:
    """Freeze a published question's content in a new version if it changed since the last one.

    Returns the new version, or None when nothing needed freezing.
    """
    if question.status != QuestionStatus.PUBLISHED:
        return None
    question = Question.objects.select_for_update().get(pk=question.pk)
    snapshot = question_snapshot(question)
    errors = question_content_errors(
        question_type=snapshot["type"], options=snapshot["options"], parts=snapshot["parts"]
    )
    if errors:
        raise ValidationError(errors)
    current = question.current_version
    if current is not None and _version_content(current) == snapshot:
        return None
    version = QuestionVersion.objects.create(
        question=question,
        number=(current.number + 1) if current else 1,
        created_by=user,
        **snapshot,
    )
    Question.objects.filter(pk=question.pk).update(current_version=version)
    question.current_version = version
    return version


def default_points(version: QuestionVersion) -> Decimal:
    if version.type in DEFAULT_POINTS:
        return DEFAULT_POINTS[version.type]
    return sum((Decimal(part["points"]) for part in version.parts), Decimal(0))
