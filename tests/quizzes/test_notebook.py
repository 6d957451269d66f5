"""The wrong-answer notebook (FSRS), daily practice aimed at weak points, and the streak."""

import datetime
import random

import pytest
from django.utils import timezone

from quizzes.models import Mastery, Quiz, ReviewCard
from quizzes.notebook import daily_streak
from quizzes.services import attempts as svc
from quizzes.services.analysis import attempt_analyse
from quizzes.services.practice import review_quiz

pytestmark = pytest.mark.django_db


def _take(user, quiz, right=frozenset(), seed=1, scope=None, right_questions=frozenset()):
    """Answer positions in ``right`` (or questions in ``right_questions``) correctly, the rest
    wrongly; submit and analyse."""
    attempt, _ = svc.attempt_start(user=user, quiz=quiz, rng=random.Random(seed), scope=scope)
    for response in attempt.responses.select_related("version"):
        key = [o["id"] for o in response.version.options if o["correct"]]
        wrong = [o["id"] for o in response.version.options if not o["correct"]][:1]
        correct = response.position in right or response.version.question_id in right_questions
        answer = key if correct else wrong
        svc.response_save(
            user=user, attempt_id=attempt.pk, position=response.position, answer=answer, seq=1
        )
    attempt = svc.attempt_submit(attempt=attempt)
    assert attempt_analyse(attempt_id=attempt.pk)
    return attempt


def test_wrong_answers_enter_the_notebook_and_are_scheduled(candidate, practice):
    attempt = _take(candidate, practice, right={1, 2})  # positions 3–5 wrong
    cards = ReviewCard.objects.filter(user=candidate)
    assert cards.count() == 3
    assert all(card.card and card.lapses == 1 and card.retired_at is None for card in cards)
    assert not attempt_analyse(attempt_id=attempt.pk)  # a repeated task changes nothing
    assert ReviewCard.objects.get(pk=cards[0].pk).lapses == 1


def test_correct_reviews_push_the_next_review_out_and_finally_retire(candidate, practice, settings):
    _take(candidate, practice, right=set())
    card = ReviewCard.objects.filter(user=candidate).first()
    question_id = card.question_id
    quiz = review_quiz()
    dues = [card.due]
    for round_number in range(settings.REVIEW_RETIRE_AFTER):
        _take(candidate, quiz, right_questions={question_id}, seed=round_number)
        card.refresh_from_db()
        dues.append(card.due)
    assert dues == sorted(dues)  # each correct review schedules the next one later
    assert card.retired_at is not None and card.correct_streak == settings.REVIEW_RETIRE_AFTER
    assert not ReviewCard.objects.filter(
        user=candidate, retired_at=None, question_id=question_id
    ).exists()


def test_review_quiz_filters_by_chapter_and_type(candidate, practice, bank):
    _take(candidate, practice, right=set())
    chapter = practice.chapters.get()
    other = bank.chapters.exclude(pk=chapter.pk).first()
    quiz = review_quiz()
    attempt, _ = svc.attempt_start(user=candidate, quiz=quiz, scope={"chapter": chapter.pk})
    assert {r.version.chapter_id for r in attempt.responses.all()} == {chapter.pk}
    svc.attempt_submit(attempt=attempt)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        svc.attempt_start(user=candidate, quiz=quiz, scope={"chapter": other.pk})


def test_daily_practice_aims_at_the_weakest_points(candidate, bank):
    chapters = list(bank.chapters.all())
    strong, weak, unseen = (c.knowledge_points.get() for c in chapters)
    Mastery.objects.create(user=candidate, knowledge_point=strong, level=0.95, evidence=20)
    Mastery.objects.create(user=candidate, knowledge_point=weak, level=0.2, evidence=20)
    daily = Quiz.objects.create(title="每日一练", kind="daily", subject=bank, question_count=10)
    attempt, _ = svc.attempt_start(user=candidate, quiz=daily, rng=random.Random(1))
    chosen = [r.version.knowledge_point_ids[0] for r in attempt.responses.all()]
    assert strong.pk not in chosen
    assert set(chosen) <= {weak.pk, unseen.pk}


def test_daily_streak_counts_days_in_a_row(candidate, bank):
    daily = Quiz.objects.create(title="每日一练", kind="daily", subject=bank, question_count=3)
    assert daily_streak(user=candidate) == 0
    today = timezone.now()
    for days_ago in (0, 1, 2, 4):
        attempt, _ = svc.attempt_start(user=candidate, quiz=daily)
        svc.attempt_submit(attempt=attempt, now=today - datetime.timedelta(days=days_ago))
    assert daily_streak(user=candidate) == 3


def test_notebook_page_lists_due_questions_and_starts_a_review(login, candidate, practice):
    _take(candidate, practice, right=set())
    client = login(candidate)
    html = client.get("/quizzes/notebook/").content.decode()
    assert html.count('class="notebook-row"') == 5
    assert 'data-due-count="0"' in html  # FSRS brings a fresh mistake back after a short delay
    later = timezone.now() + datetime.timedelta(hours=1)
    ReviewCard.objects.filter(user=candidate).update(due=later - datetime.timedelta(hours=2))
    assert 'data-due-count="5"' in client.get("/quizzes/notebook/").content.decode()
    response = client.post("/quizzes/notebook/review/")
    assert response.status_code == 302 and "/attempts/" in response["Location"]
    assert client.get("/quizzes/notebook/?chapter=abc&type=evil&days=999").status_code == 200


def test_notebook_and_readiness_in_the_api_are_mine_only(api, candidate, other_candidate, practice):
    _take(candidate, practice, right={1})
    api.force_authenticate(candidate)
    notebook = api.get("/api/v1/notebook/").json()
    assert len(notebook["cards"]) == 4 and notebook["due_count"] == 0
    assert len(api.get("/api/v1/notebook/", {"type": "multiple_choice"}).json()["cards"]) <= 4
    readiness = api.get("/api/v1/readiness/").json()
    subject = readiness["subjects"][0]
    assert subject["predicted_score"] is not None and 0 <= subject["pass_probability"] <= 1
    assert subject["weakest"][0]["mastery"] == pytest.approx(0.2)
    review = api.post("/api/v1/notebook/review/")
    assert review.status_code == 201 and len(review.json()["questions"]) == 4
    api.force_authenticate(other_candidate)
    assert api.get("/api/v1/notebook/").json()["cards"] == []
    assert api.get("/api/v1/readiness/").json()["subjects"] == []
    assert api.post("/api/v1/notebook/review/").status_code == 400
