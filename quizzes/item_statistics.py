"""Item statistics (classical test theory) on a frame of responses. Pure pandas and numpy.

The input is one row per answered question of a submitted attempt (see ``COLUMNS``): the
attempt, the question, its position (slot) in the attempt, its chapter, the points earned and
possible, the chosen option ids and the options of the version shown.

Notation: for an item i and an attempt a, ``x`` is the item's score as a fraction of its
maximum (0–1), ``p`` its points, ``T`` the attempt's total points over the items in the frame and
``R = T − p`` the rest-of-test score. Population moments (divide by n) throughout, like the
references; means and deviations over the attempts that answered the item.

- Facility index ``F = mean(x)``: 1 everyone earned full points, 0 nobody earned any.
- Standard deviation ``SD = sd(x)``: the spread of the item's fractional score.
- Random guess score: the expected ``x`` of a guesser who picks uniformly among the possible
  answers: ``1/k`` for a single choice of k options; for multiple choice, the mean score over
  every non-empty subset of the options under the exam rule (a wrong option scores 0, a proper
  subset of the keys a quarter of the points per option, exactly the keys full points).
- Discrimination index ``DI = 100 × corr(p, R)``: the Pearson correlation of the item's score with
  the rest of the test (the item itself left out, so that it does not correlate with itself).
- Discriminative efficiency ``DE = 100 × cov(p, R) / cov_max(p, R)``, where ``cov_max`` pairs the
  sorted item scores with the sorted rest scores: the largest covariance possible with these
  marginal distributions (rearrangement inequality). It tells whether a low DI is the item's fault
  or only its score distribution's (a very easy item cannot correlate highly).
- Intended weight ``IW = 100 × mean(max_points_i / max total)``: the share of the test the author
  gave the item.
- Effective weight ``EW_i = 100 × √max(0, cov(p_i, T)) / Σ_j √max(0, cov(p_j, T))``: the share of
  the spread of total scores the item actually contributes (an item nobody gets wrong, or that
  does not go with the rest, contributes nothing whatever its points).

Test statistics over the attempts (``T`` the attempt's score):
- mean, median, ``SD_T`` of ``T`` (as a percentage of the maximum as well).
- Cronbach's alpha ``α = k/(k−1) × (1 − Σ var(p_i) / var(T))`` over a complete attempts × items
  matrix of ``k`` items. Items are the questions when every attempt asked the same questions,
  else the slots (positions), as mock exams draw their questions afresh for each attempt.
- Error ratio ``ER = 100 × √(1 − α)``: the share of the score spread that is measurement error.
- Standard error ``SE = SD_T × √(1 − α)``: the likely error of one learner's score, in points.
Chapter sub-scores: the same over the chapter's questions (items are the questions when complete,
else the chapter's 1st, 2nd … question in each attempt by position).
"""

from itertools import combinations

import numpy as np
import pandas as pd

COLUMNS = [
    "attempt",
    "question",
    "position",
    "chapter",
    "type",
    "points",
    "max_points",
    "answer",  # list of option ids, or None
    "options",  # the version's [{"id", "text", "correct"}]
]

# Flags a trainer can act on. Facility and discrimination are on the 0–1 and 0–100 scales.
TOO_EASY_FACILITY = 0.90  # F above: nearly everyone gets it; it tells nothing apart
TOO_HARD_FACILITY = 0.20  # F below: nearly nobody gets it; check the key and the wording
LOW_DISCRIMINATION = 20.0  # DI below (0 ≤ DI < 20): weak link with the rest of the test
MIN_ANSWERS_FOR_FLAGS = 10  # fewer answers: too few to judge, no flag is raised
STRONG_GROUP_MIN_SHARE = 0.10  # a distractor flagged for the strong third: at least 10 % of them

FLAG_TOO_EASY = "too_easy"
FLAG_TOO_HARD = "too_hard"
FLAG_NEGATIVE_DISCRIMINATION = "negative_discrimination"
FLAG_LOW_DISCRIMINATION = "low_discrimination"
FLAG_UNUSED_DISTRACTOR = "unused_distractor"
FLAG_STRONG_DISTRACTOR = "strong_distractor"
FLAGS = (
    FLAG_TOO_EASY,
    FLAG_TOO_HARD,
    FLAG_NEGATIVE_DISCRIMINATION,
    FLAG_LOW_DISCRIMINATION,
    FLAG_UNUSED_DISTRACTOR,
    FLAG_STRONG_DISTRACTOR,
)


def _none_if_nan(value):
    return None if value is None or not np.isfinite(value) else float(value)


def random_guess_score(question_type: str, options: list[dict]) -> float | None:
    """Expected fractional score of a uniform random guess (see the module docstring)."""
    k = len(options)
    keys = {o["id"] for o in options if o.get("correct")}
    if not k or not keys:
        return None
    if question_type != "multiple_choice":
        return 1.0 / k
    ids = [o["id"] for o in options]
    scores = []
    for size in range(1, k + 1):
        for chosen in combinations(ids, size):
            chosen = set(chosen)
            if chosen == keys:
                scores.append(1.0)
            elif chosen <= keys:
                scores.append(0.25 * len(chosen))
            else:
                scores.append(0.0)
    return float(np.mean(scores))


def with_totals(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``x`` (fraction), ``total`` (attempt's points over the frame) and ``rest``."""
    frame = frame.copy()
    frame["points"] = frame["points"].astype(float)
    frame["max_points"] = frame["max_points"].astype(float)
    frame["x"] = np.where(frame["max_points"] > 0, frame["points"] / frame["max_points"], 0.0)
    frame["total"] = frame.groupby("attempt")["points"].transform("sum")
    frame["attempt_max"] = frame.groupby("attempt")["max_points"].transform("sum")
    frame["rest"] = frame["total"] - frame["points"]
    return frame


def _cov(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean((a - a.mean()) * (b - b.mean())))


def item_table(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per question with the statistics of the module docstring."""
    frame = with_totals(frame)
    rows = []
    for question, group in frame.groupby("question", sort=True):
        x = group["x"].to_numpy()
        p = group["points"].to_numpy()
        rest = group["rest"].to_numpy()
        total = group["total"].to_numpy()
        cov = _cov(p, rest)
        sd_p, sd_rest = p.std(), rest.std()
        di = 100 * cov / (sd_p * sd_rest) if sd_p > 0 and sd_rest > 0 else np.nan
        cov_max = _cov(np.sort(p), np.sort(rest))
        de = 100 * cov / cov_max if cov_max > 0 else np.nan
        first = group.iloc[0]
        rows.append(
            {
                "question": question,
                "chapter": first["chapter"],
                "type": first["type"],
                "n": len(group),
                "facility": float(x.mean()),
                "sd": float(x.std()),
                "random_guess": random_guess_score(first["type"], first["options"] or []),
                "discrimination": _none_if_nan(di),
                "efficiency": _none_if_nan(de),
                "intended_weight": float(100 * (group["max_points"] / group["attempt_max"]).mean()),
                "_cov_total": max(0.0, _cov(p, total)),
            }
        )
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    roots = np.sqrt(table["_cov_total"])
    table["effective_weight"] = 100 * roots / roots.sum() if roots.sum() > 0 else np.nan
    table["effective_weight"] = table["effective_weight"].map(_none_if_nan)
    return table.drop(columns="_cov_total")


def option_frequencies(frame: pd.DataFrame, *, thirds: bool = True) -> dict:
    """Per question: each option's share of answers, overall and in the top and bottom thirds.

    The thirds rank the learners who answered the question by their rest-of-test score; ties
    at a boundary fall by the attempt order. A multiple-choice answer counts for every option
    chosen, so shares add up to more than 100 %.
    """
    frame = with_totals(frame)
    result = {}
    for question, group in frame.groupby("question", sort=True):
        n = len(group)
        ordered = group.sort_values(["rest", "attempt"], kind="stable")
        third = n // 3
        bottom = ordered.iloc[:third] if thirds and third else ordered.iloc[:0]
        top = ordered.iloc[n - third :] if thirds and third else ordered.iloc[:0]
        options = group.iloc[-1]["options"] or []

        def share(rows, option_id):
            if not len(rows):
                return None
            return sum(option_id in (a or ()) for a in rows["answer"]) / len(rows)

        entries = []
        for index, option in enumerate(options):
            count = sum(option["id"] in (a or ()) for a in group["answer"])
            entries.append(
                {
                    "id": option["id"],
                    "label": "ABCDEFGH"[index] if index < 8 else str(index + 1),
                    "text": option.get("text", ""),
                    "correct": bool(option.get("correct")),
                    "count": count,
                    "share": count / n if n else 0.0,
                    "top_share": share(top, option["id"]),
                    "bottom_share": share(bottom, option["id"]),
                }
            )
        blank = sum(not a for a in group["answer"])
        result[question] = {"n": n, "blank": blank, "options": entries}
    return result


def item_flags(item: dict, frequencies: dict | None) -> list[str]:
    """The flags of one question (module constants give the thresholds)."""
    flags = []
    if item["n"] < MIN_ANSWERS_FOR_FLAGS:
        return flags
    if item["facility"] > TOO_EASY_FACILITY:
        flags.append(FLAG_TOO_EASY)
    if item["facility"] < TOO_HARD_FACILITY:
        flags.append(FLAG_TOO_HARD)
    di = item.get("discrimination")
    if di is not None and di < 0:
        flags.append(FLAG_NEGATIVE_DISCRIMINATION)
    elif di is not None and di < LOW_DISCRIMINATION:
        flags.append(FLAG_LOW_DISCRIMINATION)
    if not frequencies:
        return flags
    options = frequencies["options"]
    distractors = [o for o in options if not o["correct"]]
    if any(o["count"] == 0 for o in distractors):
        flags.append(FLAG_UNUSED_DISTRACTOR)
    keys_top = [o["top_share"] for o in options if o["correct"] and o["top_share"] is not None]
    key_top = float(np.mean(keys_top)) if keys_top else None
    for option in distractors:
        top, bottom = option["top_share"], option["bottom_share"]
        if top is None or top < STRONG_GROUP_MIN_SHARE:
            continue
        if (key_top is not None and top > key_top) or (bottom is not None and top > bottom):
            flags.append(FLAG_STRONG_DISTRACTOR)
            break
    return flags


def _alpha(matrix: pd.DataFrame) -> float | None:
    """Cronbach's alpha of a complete attempts × items matrix of points."""
    matrix = matrix.dropna()
    k = matrix.shape[1]
    if k < 2 or len(matrix) < 2:
        return None
    total_var = float(matrix.sum(axis=1).var(ddof=0))
    if total_var == 0:
        return None
    return float(k / (k - 1) * (1 - matrix.var(ddof=0).sum() / total_var))


def _matrix(frame: pd.DataFrame, *, by_rank: bool) -> pd.DataFrame:
    """Attempts × items matrix of points: items are questions if complete, else slots."""
    by_question = frame.pivot_table(
        index="attempt", columns="question", values="points", aggfunc="sum"
    )
    if not by_question.isna().to_numpy().any():
        return by_question
    frame = frame.copy()
    if by_rank:
        frame["slot"] = frame.sort_values("position").groupby("attempt").cumcount()
    else:
        frame["slot"] = frame["position"]
    return frame.pivot_table(index="attempt", columns="slot", values="points", aggfunc="sum")


def _reliability(scores: pd.Series, alpha: float | None) -> dict:
    sd = float(scores.std(ddof=0)) if len(scores) else None
    error = None if alpha is None else max(0.0, 1 - alpha)
    return {
        "alpha": alpha,
        "error_ratio": None if error is None else 100 * float(np.sqrt(error)),
        "standard_error": None if error is None or sd is None else sd * float(np.sqrt(error)),
    }


def summary_statistics(frame: pd.DataFrame) -> dict:
    """Mean, median, SD, alpha, error ratio and standard error of the attempts' scores."""
    frame = with_totals(frame)
    per_attempt = frame.groupby("attempt").agg(total=("points", "sum"), max=("max_points", "sum"))
    scores = per_attempt["total"]
    alpha = _alpha(_matrix(frame, by_rank=False))
    max_score = float(per_attempt["max"].mean()) if len(per_attempt) else 0.0
    return {
        "n": len(per_attempt),
        "max_score": max_score,
        "mean": float(scores.mean()) if len(scores) else None,
        "median": float(scores.median()) if len(scores) else None,
        "sd": float(scores.std(ddof=0)) if len(scores) else None,
        "scores": [float(s) for s in scores],
        **_reliability(scores, alpha),
    }


def chapter_statistics(frame: pd.DataFrame) -> list[dict]:
    """Per chapter: the sub-score's mean (as % of its maximum), SD and reliability."""
    result = []
    for chapter, group in frame.groupby("chapter", sort=True):
        group = with_totals(group)
        per_attempt = group.groupby("attempt").agg(
            total=("points", "sum"), max=("max_points", "sum")
        )
        alpha = _alpha(_matrix(group, by_rank=True))
        maximum = per_attempt["max"].sum()
        result.append(
            {
                "chapter": chapter,
                "n": len(per_attempt),
                "items": int(group.groupby("attempt").size().max()),
                "mean": float(per_attempt["total"].mean()),
                "percent": float(100 * per_attempt["total"].sum() / maximum) if maximum else None,
                "sd": float(per_attempt["total"].std(ddof=0)),
                **_reliability(per_attempt["total"], alpha),
            }
        )
    return result


def calibrated_difficulty(
    *, facility: float, answers: int, prior: float, centre: float, prior_weight: float
) -> float:
    """A Rasch difficulty (logits) from the share of points lost, shrunk toward the prior.

    ``b_data = ln((1 − F′) / F′) − centre`` with ``F′ = (F·n + 0.5) / (n + 1)`` (half an answer
    added each way, so that 0 % and 100 % stay finite); ``centre`` is the mean ``b_data`` of
    the calibrated items minus the mean of their priors, which puts the data on the scale of
    the rating-based difficulties. Then ``b = (n·b_data + w·prior) / (n + w)``: with few answers
    the rating counts, with many the data. This is the logit (PROX-like) approximation: it
    assumes the learners who answered an item are about as able as those of the others.
    """
    smoothed = (facility * answers + 0.5) / (answers + 1)
    data = float(np.log((1 - smoothed) / smoothed)) - centre
    return (answers * data + prior_weight * prior) / (answers + prior_weight)


def raw_logit(facility: float, answers: int) -> float:
    smoothed = (facility * answers + 0.5) / (answers + 1)
    return float(np.log((1 - smoothed) / smoothed))
