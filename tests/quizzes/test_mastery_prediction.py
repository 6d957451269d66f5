import random
from decimal import Decimal

import numpy as np
import pytest

from quizzes import prediction
from quizzes.models import Mastery
from quizzes.services import attempts as svc
from quizzes.services.mastery import mastery_update_for_attempt


def _answer_all(user, attempt, correct_positions):
    for response in attempt.responses.select_related("version"):
        key = [o["id"] for o in response.version.options if o["correct"]]
        wrong = [o["id"] for o in response.version.options if not o["correct"]][:1]
        answer = key if response.position in correct_positions else wrong
        svc.response_save(
            user=user, attempt_id=attempt.pk, position=response.position, answer=answer, seq=1
        )
    return svc.attempt_submit(attempt=attempt)


@pytest.mark.django_db
def test_mastery_averages_first_answers_then_weights_recent_ones(candidate, practice):
    attempt, _ = svc.attempt_start(user=candidate, quiz=practice, rng=random.Random(1))
    _answer_all(candidate, attempt, correct_positions={1, 2, 3, 4})  # 4 of 5 right
    assert mastery_update_for_attempt(attempt_id=attempt.pk) == 1
    row = Mastery.objects.get(user=candidate)
    assert row.evidence == 5
    assert row.level == pytest.approx(0.8)

    for seed in range(2, 6):  # four more practices, all wrong: recent evidence pulls it down
        attempt, _ = svc.attempt_start(user=candidate, quiz=practice, rng=random.Random(seed))
        _answer_all(candidate, attempt, correct_positions=set())
        mastery_update_for_attempt(attempt_id=attempt.pk)
    row.refresh_from_db()
    assert row.evidence == 25 and row.level < 0.05


@pytest.mark.django_db
def test_unanswered_questions_count_as_not_known(candidate, practice):
    attempt, _ = svc.attempt_start(user=candidate, quiz=practice, rng=random.Random(1))
    svc.attempt_submit(attempt=attempt)
    mastery_update_for_attempt(attempt_id=attempt.pk)
    assert Mastery.objects.get(user=candidate).level == 0


def _simulate(theta, difficulties, rng):
    p = 1 / (1 + np.exp(-(theta - np.asarray(difficulties))))
    return (rng.random(len(difficulties)) < p).astype(float)


def test_ability_estimate_recovers_known_ability():
    rng = np.random.default_rng(7)
    errors = []
    for theta in (-1.5, -0.5, 0.0, 0.8, 1.6):
        b = rng.normal(0, 1, 300)
        ability = prediction.estimate_ability(b, _simulate(theta, b, rng))
        errors.append(abs(ability.theta - theta))
        assert abs(ability.theta - theta) < 3 * ability.se
    assert np.mean(errors) < 0.3


def test_prediction_is_monotone_and_calibrated():
    rng = np.random.default_rng(11)
    sections = [
        prediction.Section(60, 1.0, tuple(rng.normal(0, 1, 200))),
        prediction.Section(20, 2.0, tuple(rng.normal(0.5, 1, 80))),
    ]
    scores = [prediction.expected_score(t, sections) for t in (-2, -1, 0, 1, 2)]
    assert scores == sorted(scores) and 0 < scores[0] < scores[-1] < 100
    # Simulated candidates: predicted pass probability against whether they passed a real paper.
    briers = []
    for _ in range(200):
        theta = rng.normal(0.3, 1.0)
        practice = rng.normal(0, 1, 150)
        ability = prediction.estimate_ability(practice, _simulate(theta, practice, rng))
        probability = prediction.pass_probability(ability, sections, 60.0)
        paper = [(rng.choice(s.difficulties, s.count, replace=False), s.points) for s in sections]
        score = sum(_simulate(theta, b, rng).sum() * points for b, points in paper)
        briers.append((probability - float(score >= 60)) ** 2)
    assert np.mean(briers) < 0.12  # a coin flip scores 0.25


@pytest.mark.django_db
def test_readiness_page_shows_prediction_and_weak_points(login, candidate, practice, mock_exam):
    attempt, _ = svc.attempt_start(user=candidate, quiz=mock_exam, rng=random.Random(3))
    _answer_all(candidate, attempt, correct_positions=set(range(1, 12)))
    mastery_update_for_attempt(attempt_id=attempt.pk)
    html = login(candidate).get("/quizzes/readiness/").content.decode()
    assert "data-predicted-score" in html and "data-pass-probability" in html
    assert "/quizzes/practise/" in html  # "practise this" on the weakest points
    assert Decimal(html.split("data-predicted-score>")[1].split("<")[0]) > 0
