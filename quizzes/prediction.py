"""Predicted exam score and pass probability per subject, from a Rasch (1PL IRT) model.

Method:
1. Each question has a difficulty ``b`` in logits. Once item statistics have calibrated it from
   at least ``ITEM_CALIBRATION_MIN_ANSWERS`` real first answers (nightly, see
   ``quizzes.services.item_statistics``), the calibrated value; until then it comes from the
   author's 1–5 rating: ``b = 0.8 × (rating − 3)``.
2. A learner's ability ``θ`` is the maximum a posteriori estimate from their graded choice
   answers in the subject (partial credit counts as a fractional outcome), with a normal prior
   N(0, 1.5²) so that a handful of answers does not give an extreme estimate. Newton's method;
   the standard error comes from the curvature at the maximum.
3. The predicted score is the blueprint's expected score at ``θ``: every section contributes
   count × points × P(correct | θ, b) averaged over the subject's published items of that type.
4. The pass probability accounts for both uncertainties: the ability's standard error
   (integrated with Gauss–Hermite quadrature) and the luck of one exam paper (the binomial
   spread of the score given θ, by a normal approximation).

Pure numpy; the callers fetch the numbers.
"""

import math
from dataclasses import dataclass

import numpy as np

PRIOR_SD = 1.5
DIFFICULTY_SCALE = 0.8
QUADRATURE_NODES, QUADRATURE_WEIGHTS = np.polynomial.hermite_e.hermegauss(21)
QUADRATURE_WEIGHTS = QUADRATURE_WEIGHTS / QUADRATURE_WEIGHTS.sum()


def difficulty_from_rating(rating: int) -> float:
    return DIFFICULTY_SCALE * (rating - 3)


def item_difficulty(
    rating: int, calibrated: float | None, answers: int | None, min_answers: int
) -> float:
    """The calibrated difficulty when it rests on enough answers, else the rating's."""
    if calibrated is not None and (answers or 0) >= min_answers:
        return calibrated
    return difficulty_from_rating(rating)


@dataclass(frozen=True)
class Ability:
    theta: float
    se: float
    answers: int


@dataclass(frozen=True)
class Section:
    """A blueprint section: ``count`` questions of ``points`` each, with the bank's difficulties."""

    count: int
    points: float
    difficulties: tuple[float, ...]


def _p(theta, b):
    return 1.0 / (1.0 + np.exp(-(theta - b)))


def estimate_ability(difficulties, outcomes, iterations: int = 30) -> Ability:
    b = np.asarray(difficulties, dtype=float)
    x = np.asarray(outcomes, dtype=float)
    theta = 0.0
    info = 1.0 / PRIOR_SD**2
    for _ in range(iterations):
        p = _p(theta, b)
        gradient = float(np.sum(x - p)) - theta / PRIOR_SD**2
        info = float(np.sum(p * (1 - p))) + 1.0 / PRIOR_SD**2
        step = gradient / info
        theta += step
        if abs(step) < 1e-6:
            break
    return Ability(theta=theta, se=1.0 / math.sqrt(info), answers=len(x))


def _score_moments(theta: float, sections: list[Section]) -> tuple[float, float]:
    mean = variance = 0.0
    for section in sections:
        if not section.difficulties:
            continue
        p = _p(theta, np.asarray(section.difficulties))
        mean += section.count * section.points * float(p.mean())
        # One paper draws ``count`` items: variance of the sum of Bernoulli-scored items.
        variance += section.count * section.points**2 * float((p * (1 - p)).mean())
    return mean, variance


def expected_score(theta: float, sections: list[Section]) -> float:
    return _score_moments(theta, sections)[0]


def pass_probability(ability: Ability, sections: list[Section], pass_mark: float) -> float:
    total = 0.0
    for node, weight in zip(QUADRATURE_NODES, QUADRATURE_WEIGHTS, strict=True):
        theta = ability.theta + ability.se * node
        mean, variance = _score_moments(theta, sections)
        spread = math.sqrt(max(variance, 1e-9))
        # Scores move in steps of 0.5: P(S ≥ pass) ≈ P(N > pass − 0.25) (continuity correction).
        total += weight * 0.5 * math.erfc((pass_mark - 0.25 - mean) / (spread * math.sqrt(2)))
    return min(1.0, max(0.0, total))
