"""The learner's exam-readiness dashboard: mastery by chapter, weakest points, prediction.

Reads only; a fixed number of queries per subject shown.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from courses.models import Blueprint, Chapter, KnowledgePoint, LearnerProfile, Subject
from quizzes import prediction
from quizzes.models import Attempt, AttemptState, Mastery, Question, QuestionStatus, Response
from quizzes.models.bank import CHOICE_TYPES

RECENT_ANSWERS = 500
WEAKEST = 5


@dataclass
class ChapterMastery:
    chapter: Chapter
    level: float | None  # None: no answers yet
    coverage: int  # knowledge points with evidence

    @property
    def percent(self) -> int | None:
        return None if self.level is None else round(self.level * 100)


@dataclass
class SubjectReadiness:
    subject: Subject
    chapters: list[ChapterMastery] = field(default_factory=list)
    weakest: list[tuple[KnowledgePoint, float]] = field(default_factory=list)
    predicted_score: float | None = None
    pass_probability: float | None = None
    pass_mark: float | None = None
    total_points: float | None = None
    answers: int = 0


def _sections(blueprint: Blueprint) -> list[prediction.Section]:
    ratings: dict[str, list[float]] = {}
    minimum = settings.ITEM_CALIBRATION_MIN_ANSWERS
    for question_type, rating, calibrated, answers in Question.objects.filter(
        status=QuestionStatus.PUBLISHED, chapter__subject_id=blueprint.subject_id
    ).values_list("type", "difficulty", "calibration__difficulty", "calibration__answers"):
        ratings.setdefault(question_type, []).append(
            prediction.item_difficulty(rating, calibrated, answers, minimum)
        )
    return [
        prediction.Section(
            count=s.count,
            points=float(s.points_each),
            difficulties=tuple(ratings.get(s.question_type, ())),
        )
        for s in blueprint.sections.all()
    ]


def subject_readiness(*, user, subject: Subject) -> SubjectReadiness:
    readiness = SubjectReadiness(subject=subject)
    chapters = list(subject.chapters.prefetch_related("knowledge_points"))
    levels = {
        m.knowledge_point_id: m.level
        for m in Mastery.objects.filter(user=user, knowledge_point__chapter__subject=subject)
    }
    for chapter in chapters:
        kps = list(chapter.knowledge_points.all())
        seen = [kp for kp in kps if kp.pk in levels]
        weight = sum(float(kp.weight) for kp in seen)
        level = (sum(float(kp.weight) * levels[kp.pk] for kp in seen) / weight) if weight else None
        readiness.chapters.append(ChapterMastery(chapter=chapter, level=level, coverage=len(seen)))
        readiness.weakest.extend((kp, levels[kp.pk]) for kp in seen)
    readiness.weakest = sorted(readiness.weakest, key=lambda item: item[1])[:WEAKEST]

    answers = list(
        Response.objects.filter(
            attempt__user=user,
            attempt__state=AttemptState.SUBMITTED,
            version__chapter__subject=subject,
            version__type__in=list(CHOICE_TYPES),
        )
        .exclude(Q(points=None) | Q(max_points=0))
        .order_by("-attempt__submitted_at")
        .values_list(
            "version__difficulty",
            "points",
            "max_points",
            "version__question__calibration__difficulty",
            "version__question__calibration__answers",
        )[:RECENT_ANSWERS]
    )
    readiness.answers = len(answers)
    blueprint = Blueprint.objects.filter(subject=subject).prefetch_related("sections").first()
    if answers and blueprint is not None:
        ability = prediction.estimate_ability(
            [
                prediction.item_difficulty(d, calibrated, n, settings.ITEM_CALIBRATION_MIN_ANSWERS)
                for d, _p, _m, calibrated, n in answers
            ],
            [float(points / max_points) for _d, points, max_points, _c, _n in answers],
        )
        sections = _sections(blueprint)
        readiness.predicted_score = round(prediction.expected_score(ability.theta, sections), 1)
        readiness.pass_mark = float(blueprint.pass_mark)
        readiness.total_points = float(blueprint.total_points)
        readiness.pass_probability = prediction.pass_probability(
            ability, sections, float(blueprint.pass_mark)
        )
    return readiness


def dashboard_for(*, user) -> dict:
    profile = LearnerProfile.objects.filter(user=user).select_related("target_level").first()
    subject_ids = set(
        Attempt.objects.filter(user=user, quiz__subject__isnull=False).values_list(
            "quiz__subject_id", flat=True
        )
    )
    subjects = Subject.objects.filter(
        Q(pk__in=subject_ids) | Q(level=profile.target_level if profile else None)
    ).order_by("level__order", "order")
    days = None
    if profile and profile.exam_date:
        days = (profile.exam_date - timezone.localdate()).days
    return {
        "profile": profile,
        "days_to_exam": days,
        "subjects": [subject_readiness(user=user, subject=subject) for subject in subjects],
        "attempts": list(
            Attempt.objects.filter(user=user).select_related("quiz").order_by("-started_at")[:10]
        ),
    }
