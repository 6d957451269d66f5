"""Practice sets made on demand: "practise this knowledge point"."""

from django.db import transaction

from courses.models import KnowledgePoint
from quizzes.models import Quiz, QuizKind, ReviewTiming

POINT_PRACTICE_SIZE = 5


@transaction.atomic
def knowledge_point_practice(*, knowledge_point: KnowledgePoint) -> Quiz:
    """The practice quiz of one knowledge point, created the first time someone asks for it."""
    title = f"考点练习 · {knowledge_point.code} {knowledge_point.name}"
    quiz, created = Quiz.objects.get_or_create(
        title=title,
        kind=QuizKind.PRACTICE,
        defaults={
            "subject_id": knowledge_point.chapter.subject_id,
            "question_count": POINT_PRACTICE_SIZE,
            "show_keys": ReviewTiming.IMMEDIATELY,
            "show_score": ReviewTiming.IMMEDIATELY,
        },
    )
    if created:
        quiz.knowledge_points.set([knowledge_point])
        quiz.save()  # a cluster's many-to-many changes are written on save
    return quiz


@transaction.atomic
def review_quiz() -> Quiz:
    """The one wrong-answer review quiz; what it asks depends on each learner's notebook."""
    quiz, _created = Quiz.objects.get_or_create(
        kind=QuizKind.REVIEW,
        title="错题复习",
        defaults={
            "question_count": 10,
            "show_keys": ReviewTiming.IMMEDIATELY,
            "show_score": ReviewTiming.IMMEDIATELY,
        },
    )
    return quiz
