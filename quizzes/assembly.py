"""Choosing the questions of an attempt.

A mock exam follows its subject's blueprint: each section (question type, count, points) is
spread over the chapters in proportion to their weights (largest remainder), a chapter with too
few questions gives its share to the others, and no question appears twice. Other quizzes draw
``question_count`` choice questions from their chapters or knowledge points.

Reads a fixed number of queries whatever the size of the bank: the candidates' ids are fetched
in one query, sampled in Python, and the chosen versions fetched in one more.
"""

import random
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Blueprint, Chapter, QuestionType
from quizzes.models import Question, QuestionStatus, QuestionVersion, Quiz, QuizKind
from quizzes.notebook import notebook_cards
from quizzes.services.questions import default_points

CHOICE_TYPE_VALUES = [
    QuestionType.SINGLE_CHOICE,
    QuestionType.MULTIPLE_CHOICE,
    QuestionType.TRUE_FALSE,
]


@dataclass(frozen=True)
class Slot:
    version: QuestionVersion
    points: Decimal


def allocate(total: int, weights: dict[int, Decimal], capacity: dict[int, int]) -> dict[int, int]:
    """Split ``total`` over keys in proportion to ``weights`` without exceeding ``capacity``."""
    shares = dict.fromkeys(weights, 0)
    remaining = total
    open_keys = [key for key in weights if capacity.get(key, 0) > 0]
    while remaining > 0 and open_keys:
        weight_sum = sum(weights[key] for key in open_keys) or Decimal(len(open_keys))
        exact = {
            key: (weights[key] or (weight_sum / len(open_keys))) * remaining / weight_sum
            for key in open_keys
        }
        floors = {key: int(exact[key]) for key in open_keys}
        leftover = remaining - sum(floors.values())
        for key in sorted(open_keys, key=lambda k: exact[k] - floors[k], reverse=True)[:leftover]:
            floors[key] += 1
        given = 0
        for key in open_keys:
            room = capacity[key] - shares[key]
            take = min(floors[key], room)
            shares[key] += take
            given += take
        remaining -= given
        open_keys = [key for key in open_keys if capacity[key] > shares[key]]
        if given == 0:
            break
    return shares


def _published(queryset):
    return queryset.filter(status=QuestionStatus.PUBLISHED, current_version__isnull=False)


def select_for_blueprint(blueprint: Blueprint, rng: random.Random) -> list[Slot]:
    sections = list(blueprint.sections.all())
    types = {section.question_type for section in sections}
    weights = dict(
        Chapter.objects.filter(subject_id=blueprint.subject_id).values_list("pk", "weight")
    )
    pools: dict[tuple[str, int], list[int]] = {}
    for version_id, chapter_id, question_type in _published(
        Question.objects.filter(chapter__subject_id=blueprint.subject_id, type__in=types)
    ).values_list("current_version_id", "chapter_id", "type"):
        pools.setdefault((question_type, chapter_id), []).append(version_id)
    chosen: list[tuple[int, Decimal]] = []
    for section in sections:
        capacity = {
            chapter: len(pools.get((section.question_type, chapter), ())) for chapter in weights
        }
        if sum(capacity.values()) < section.count:
            raise ValidationError(
                _(
                    "The bank has %(have)s published %(type)s questions for %(subject)s; the "
                    "blueprint needs %(need)s."
                )
                % {
                    "have": sum(capacity.values()),
                    "need": section.count,
                    "type": section.get_question_type_display(),
                    "subject": blueprint.subject,
                }
            )
        shares = allocate(section.count, weights, capacity)
        for chapter, count in shares.items():
            if count:
                picked = rng.sample(pools[(section.question_type, chapter)], count)
                chosen.extend((version_id, section.points_each) for version_id in picked)
    versions = QuestionVersion.objects.in_bulk([version_id for version_id, _ in chosen])
    # The paper runs in blueprint order: section by section, chapters in syllabus order.
    order = {chapter: index for index, chapter in enumerate(sorted(weights))}
    slots = [Slot(versions[version_id], points) for version_id, points in chosen]
    section_order = {section.question_type: index for index, section in enumerate(sections)}
    slots.sort(key=lambda s: (section_order[s.version.type], order.get(s.version.chapter_id, 0)))
    return slots


def select_for_quiz(quiz: Quiz, rng: random.Random) -> list[Slot]:
    questions = _published(Question.objects.filter(type__in=CHOICE_TYPE_VALUES))
    kp_ids = [kp.pk for kp in quiz.knowledge_points.all()]
    chapter_ids = [chapter.pk for chapter in quiz.chapters.all()]
    if kp_ids:
        questions = questions.filter(knowledge_points__in=kp_ids)
    elif chapter_ids:
        questions = questions.filter(chapter_id__in=chapter_ids)
    elif quiz.subject_id:
        questions = questions.filter(chapter__subject_id=quiz.subject_id)
    pool = sorted(set(questions.values_list("current_version_id", flat=True)))
    if not pool:
        raise ValidationError(_("This quiz has no published questions yet."))
    picked = rng.sample(pool, min(quiz.question_count, len(pool)))
    versions = QuestionVersion.objects.in_bulk(picked)
    return [Slot(versions[pk], default_points(versions[pk])) for pk in picked]


def select_questions(
    quiz: Quiz, rng: random.Random | None = None, *, user=None, scope: dict | None = None
) -> list[Slot]:
    rng = rng or random.SystemRandom()
    if quiz.kind == QuizKind.REVIEW:
        return select_for_review(quiz, user, rng, scope or {})
    if quiz.kind == QuizKind.DAILY:
        return select_for_daily(quiz, user, rng)
    if quiz.kind == QuizKind.MOCK_EXAM:
        blueprint = (
            Blueprint.objects.prefetch_related("sections")
            .filter(subject_id=quiz.subject_id)
            .first()
        )
        if blueprint is None:
            raise ValidationError(_("A mock exam needs a subject with a blueprint."))
        return select_for_blueprint(blueprint, rng)
    return select_for_quiz(quiz, rng)


def select_for_review(quiz: Quiz, user, rng: random.Random, scope: dict) -> list[Slot]:
    """Due questions of the learner's wrong-answer notebook, soonest first (then the rest)."""
    cards = notebook_cards(user=user, scope=scope).filter(question__status=QuestionStatus.PUBLISHED)
    now = timezone.now()
    rows = list(
        cards.order_by("due").values_list("question__current_version_id", "due")[
            : quiz.question_count * 3
        ]
    )
    due = [vid for vid, when in rows if when <= now]
    later = [vid for vid, when in rows if when > now]
    picked = (due + later)[: quiz.question_count]
    if not picked:
        raise ValidationError(_("Your wrong-answer notebook has no questions to review here."))
    versions = QuestionVersion.objects.in_bulk(picked)
    return [Slot(versions[pk], default_points(versions[pk])) for pk in picked]


def select_for_daily(quiz: Quiz, user, rng: random.Random) -> list[Slot]:
    """Daily practice: questions on the learner's weakest knowledge points (unseen ones first)."""
    from quizzes.models import Mastery

    questions = _published(Question.objects.filter(type__in=CHOICE_TYPE_VALUES))
    if quiz.subject_id:
        questions = questions.filter(chapter__subject_id=quiz.subject_id)
    levels = dict(Mastery.objects.filter(user=user).values_list("knowledge_point_id", "level"))
    rows = list(questions.values_list("current_version_id", "knowledge_points"))
    rng.shuffle(rows)
    rows.sort(key=lambda row: levels.get(row[1], -1.0))  # unseen (-1) first, then weakest
    picked: list[int] = []
    for version_id, _kp in rows:
        if version_id not in picked:
            picked.append(version_id)
        if len(picked) == quiz.question_count:
            break
    if not picked:
        raise ValidationError(_("This quiz has no published questions yet."))
    versions = QuestionVersion.objects.in_bulk(picked)
    return [Slot(versions[pk], default_points(versions[pk])) for pk in picked]
