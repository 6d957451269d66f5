from decimal import Decimal

import pytest

from courses.models import Blueprint, BlueprintSection
from quizzes.models import Quiz
from tests.factories import ChapterFactory, KnowledgePointFactory, SubjectFactory, question


@pytest.fixture
def subject(db):
    """A subject of three chapters weighted 50/30/20 with a small blueprint:
    10 single choice × 1 point + 4 multiple choice × 2 points, 60 minutes, pass 11."""
    subject = SubjectFactory(code="T-SUB")
    blueprint = Blueprint.objects.create(subject=subject, duration_minutes=60, pass_mark=11)
    BlueprintSection.objects.create(
        blueprint=blueprint,
        question_type="single_choice",
        count=10,
        points_each=Decimal(1),
        sort_order=0,
    )
    BlueprintSection.objects.create(
        blueprint=blueprint,
        question_type="multiple_choice",
        count=4,
        points_each=Decimal(2),
        sort_order=1,
    )
    for number, weight in ((1, 50), (2, 30), (3, 20)):
        chapter = ChapterFactory(subject=subject, number=number, weight=Decimal(weight))
        KnowledgePointFactory(chapter=chapter)
    return subject


@pytest.fixture
def bank(subject):
    """12 single and 5 multiple choice questions per chapter, all published."""
    for chapter in subject.chapters.all():
        kps = list(chapter.knowledge_points.all())
        for _ in range(12):
            question(chapter=chapter, knowledge_points=kps)
        for _ in range(5):
            question(
                chapter=chapter,
                type="multiple_choice",
                keys=(0, 2),
                options=5,
                knowledge_points=kps,
            )
    return subject


@pytest.fixture
def mock_exam(bank):
    return Quiz.objects.create(title="模拟考试", kind="mock_exam", subject=bank)


@pytest.fixture
def practice(bank):
    quiz = Quiz.objects.create(
        title="章节练习",
        kind="practice",
        subject=bank,
        question_count=5,
        show_keys="immediately",
        show_score="immediately",
    )
    quiz.chapters.set([bank.chapters.first()])
    quiz.save()
    return quiz
