import random
from collections import Counter
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from courses.models import Blueprint
from quizzes.assembly import allocate, select_questions
from quizzes.models import Question, QuestionStatus
from tests.factories import question

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_messages():
    """Messages are matched in English here; tests/lms/test_language.py covers Chinese."""
    from django.utils import translation

    with translation.override("en"):
        yield


def test_allocate_follows_weights_with_largest_remainder():
    weights = {1: Decimal(50), 2: Decimal(30), 3: Decimal(20)}
    assert allocate(10, weights, {1: 99, 2: 99, 3: 99}) == {1: 5, 2: 3, 3: 2}
    assert allocate(4, weights, {1: 99, 2: 99, 3: 99}) == {1: 2, 2: 1, 3: 1}


def test_allocate_moves_the_shortfall_of_a_small_chapter():
    weights = {1: Decimal(50), 2: Decimal(30), 3: Decimal(20)}
    shares = allocate(10, weights, {1: 2, 2: 99, 3: 99})
    assert shares[1] == 2 and sum(shares.values()) == 10


def test_mock_exam_follows_the_blueprint(mock_exam):
    slots = select_questions(mock_exam, random.Random(1))
    types = Counter(slot.version.type for slot in slots)
    assert types == {"single_choice": 10, "multiple_choice": 4}
    assert sum(slot.points for slot in slots) == Decimal(18)
    assert len({slot.version.question_id for slot in slots}) == len(slots)  # no repeats
    singles = Counter(
        slot.version.chapter.number for slot in slots if slot.version.type == "single_choice"
    )
    assert singles == {1: 5, 2: 3, 3: 2}  # chapters in proportion to their weights


def test_mock_exam_uses_only_published_questions(mock_exam):
    Question.objects.filter(chapter__number=1).update(status=QuestionStatus.DRAFT)
    slots = select_questions(mock_exam, random.Random(2))
    assert all(slot.version.question.status == QuestionStatus.PUBLISHED for slot in slots)
    assert all(slot.version.chapter.number != 1 for slot in slots)


def test_different_draws_give_different_papers(mock_exam):
    first = {s.version.pk for s in select_questions(mock_exam, random.Random(3))}
    second = {s.version.pk for s in select_questions(mock_exam, random.Random(4))}
    assert first != second


def test_too_small_a_bank_is_a_clear_error(mock_exam):
    Question.objects.filter(type="multiple_choice").exclude(chapter__number=1).update(
        status=QuestionStatus.RETIRED
    )
    for extra in Question.objects.filter(type="multiple_choice", chapter__number=1)[:2]:
        extra.delete()  # 3 published multiple-choice questions left; the blueprint needs 4
    with pytest.raises(ValidationError, match="needs 4"):
        select_questions(mock_exam, random.Random(5))


def test_assembly_query_count_does_not_grow_with_the_bank(mock_exam):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        select_questions(mock_exam, random.Random(6))
    chapter = Blueprint.objects.get(subject=mock_exam.subject).subject.chapters.first()
    for _ in range(40):
        question(chapter=chapter)
    with CaptureQueriesContext(connection) as big:
        select_questions(mock_exam, random.Random(6))
    assert len(big.captured_queries) == len(small.captured_queries)


def test_practice_draws_from_its_chapter(practice):
    slots = select_questions(practice, random.Random(7))
    chapter = practice.chapters.get()
    assert len(slots) == 5
    assert {slot.version.chapter_id for slot in slots} == {chapter.pk}
