"""The marking queue for case analyses: who sees what, blind marking, marks and their checks."""

from decimal import Decimal

import pytest
from django.utils import timezone

from quizzes.models import Attempt, QuestionBank, Quiz, Response
from quizzes.services import attempts as svc
from tests.factories import PASSWORD, UserFactory, question

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_answer(candidate, subject):
    bank = QuestionBank.objects.create(name="案例题库")
    case = question(
        chapter=subject.chapters.first(),
        bank=bank,
        type="case_analysis",
        options=0,
        parts=(Decimal(6), Decimal(6), Decimal(8)),
    )
    quiz = Quiz.objects.create(title="案例分析测试", kind="chapter_test", subject=subject)
    attempt = Attempt.objects.create(
        quiz=quiz, user=candidate, number=1, started_at=timezone.now(), max_score=Decimal(20)
    )
    response = Response.objects.create(
        attempt=attempt, position=1, version=case.current_version, max_points=Decimal(20)
    )
    svc.response_save(
        user=candidate,
        attempt_id=attempt.pk,
        position=1,
        answer=["先建立关系", "评估需要", "链接资源"],
        seq=1,
    )
    svc.attempt_submit(attempt=attempt)
    return bank, response


def test_bank_author_marks_and_the_score_becomes_final(client, case_answer):
    bank, response = case_answer
    trainer = UserFactory(role="trainer")
    bank.authors.add(trainer)
    client.login(username=trainer.username, password=PASSWORD)
    listing = client.get("/quizzes/grading/").content.decode()
    assert 'data-queue-count="1"' in listing and response.attempt.user.display_name in listing
    blind = client.get("/quizzes/grading/?blind=1").content.decode()
    assert response.attempt.user.display_name not in blind
    page = client.get(f"/quizzes/grading/{response.pk}/").content.decode()
    assert "要点一" in page and "评估需要" in page
    bad = client.post(
        f"/quizzes/grading/{response.pk}/", {"part-0": "7", "part-1": "5", "part-2": "6"}
    )
    assert bad.status_code == 200 and Response.objects.get(pk=response.pk).points is None
    done = client.post(
        f"/quizzes/grading/{response.pk}/",
        {"part-0": "5", "part-1": "4.5", "part-2": "6", "feedback": "较完整"},
    )
    assert done.status_code == 302
    attempt = Attempt.objects.get(pk=response.attempt_id)
    assert attempt.score == Decimal("15.5") and not attempt.provisional
    assert Response.objects.get(pk=response.pk).part_points == ["5", "4.5", "6"]


def test_other_trainers_and_candidates_cannot_mark(client, case_answer, candidate):
    _bank, response = case_answer
    outsider = UserFactory(role="trainer")
    client.login(username=outsider.username, password=PASSWORD)
    assert 'data-queue-count="0"' in client.get("/quizzes/grading/").content.decode()
    assert client.get(f"/quizzes/grading/{response.pk}/").status_code == 404
    client.login(username=candidate.username, password=PASSWORD)
    assert client.get("/quizzes/grading/").status_code == 403
    assert client.post(f"/quizzes/grading/{response.pk}/", {"part-0": "6"}).status_code == 403
