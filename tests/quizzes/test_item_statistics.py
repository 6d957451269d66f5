"""Item statistics: the formulas on a hand-computed example, the flags, the background task,
the report and its export, permissions, and the calibration feeding the pass prediction."""

import io
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import openpyxl
import pandas as pd
import pytest
from django.utils import timezone

from quizzes import dashboard, prediction
from quizzes import item_statistics as stats
from quizzes.models import (
    Attempt,
    ItemCalibration,
    ItemStatistics,
    Question,
    Quiz,
    QuizStatistics,
    Response,
)
from quizzes.services import item_statistics as service
from quizzes.tasks import compute_quiz_statistics, refresh_item_statistics
from tests.factories import UserFactory

# Six learners × four single-choice items of 1 point (1 right, 0 wrong):
#
#          I1 I2 I3 I4 | T  (total)
#   L1      1  1  1  1 | 4
#   L2      1  1  1  0 | 3
#   L3      1  1  0  1 | 3
#   L4      1  0  1  0 | 2
#   L5      1  0  0  0 | 1
#   L6      0  1  0  0 | 1
#
# Test: mean T = 14/6 = 2.333; median = 2.5; var T = Σ(T − 2.333)² / 6 = 7.333/6 = 1.2222,
#   SD_T = 1.1055.
# Facility F = 5/6, 4/6, 3/6, 2/6 = 0.833, 0.667, 0.500, 0.333.
# SD of an item (0/1) = √(F(1 − F)): 0.373, 0.471, 0.500, 0.471.
# Item variances F(1 − F): 0.1389 + 0.2222 + 0.25 + 0.2222 = 0.8333.
# Alpha = 4/3 × (1 − 0.8333 / 1.2222) = 4/3 × 0.31818 = 0.4242.
# Error ratio = 100 × √(1 − 0.4242) = 100 × 0.7588 = 75.88.
# Standard error = 1.1055 × 0.7588 = 0.8389.
# DI of I1: rest R = T − x = 3, 2, 2, 1, 0, 1 (mean 1.5); x − F = 1/6 ×5 and −5/6.
#   cov(x, R) = [1/6 × (1.5 + .5 + .5 − .5 − 1.5) + (−5/6)(−0.5)] / 6 = (1/6 × 0.5 + 5/12) / 6
#             = 0.5 / 6 = 0.08333; sd x = 0.3727; sd R = √(5.5/6) = 0.9574;
#   DI = 100 × 0.08333 / (0.3727 × 0.9574) = 23.35.
# DE of I1: sorted pairing x = 0,1,1,1,1,1 with R = 0,1,1,1.5…: R sorted = 0,1,1,2,2,3:
#   cov_max = [(−5/6)(−1.5) + 1/6 × (−.5 −.5 +.5 +.5 +1.5)] / 6 = (1.25 + 0.25) / 6 = 0.25;
#   DE = 100 × 0.08333 / 0.25 = 33.33.
# DI of I4: R = 3, 3, 2, 2, 1, 1 (mean 2); x − F = 2/3 for L1 and L3, −1/3 for the rest:
#   cov = [2/3 × (1 + 0) − 1/3 × (1 + 0 − 1 − 1)] / 6 = (2/3 + 1/3) / 6 = 0.1667;
#   sd R = √(4/6) = 0.8165; DI = 100 × 0.1667 / (0.4714 × 0.8165) = 43.30.
HAND = [[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 1], [1, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0]]


def _options(question: int, count: int = 4, keys=(0,)) -> list[dict]:
    return [
        {"id": question * 10 + j, "text": f"选项{j}", "correct": j in keys} for j in range(count)
    ]


def _frame(matrix, answers=None) -> pd.DataFrame:
    """A responses frame: a right answer picks option 0 (the key), a wrong one option 1,
    unless ``answers[(learner, item)]`` says which option."""
    rows = []
    for learner, row in enumerate(matrix):
        for item, right in enumerate(row):
            chosen = (answers or {}).get((learner, item), 0 if right else 1)
            rows.append(
                {
                    "attempt": learner,
                    "question": item,
                    "position": item + 1,
                    "chapter": 1 if item < 2 else 2,
                    "type": "single_choice",
                    "points": right,
                    "max_points": 1,
                    "answer": [item * 10 + chosen],
                    "options": _options(item),
                }
            )
    return pd.DataFrame(rows)


def test_item_statistics_match_the_hand_computed_example():
    items = stats.item_table(_frame(HAND)).set_index("question")
    assert list(items.facility.round(3)) == [0.833, 0.667, 0.5, 0.333]
    assert list(items.sd.round(3)) == [0.373, 0.471, 0.5, 0.471]
    assert items.loc[0, "discrimination"] == pytest.approx(23.35, abs=0.01)
    assert items.loc[3, "discrimination"] == pytest.approx(43.30, abs=0.01)
    assert items.loc[0, "efficiency"] == pytest.approx(33.33, abs=0.01)
    assert list(items.random_guess) == [0.25] * 4  # one key among four options
    assert list(items.intended_weight) == [25.0] * 4
    assert items.effective_weight.sum() == pytest.approx(100)
    # Covariances with T grow from I1 to I4 (0.222, 0.278, 0.333, 0.389), so do the weights.
    assert items.effective_weight.is_monotonic_increasing


def test_test_statistics_match_the_hand_computed_example():
    summary = stats.summary_statistics(_frame(HAND))
    assert summary["n"] == 6 and summary["max_score"] == 4
    assert summary["mean"] == pytest.approx(2.333, abs=1e-3)
    assert summary["median"] == 2.5
    assert summary["sd"] == pytest.approx(1.1055, abs=1e-4)
    assert summary["alpha"] == pytest.approx(0.4242, abs=1e-4)
    assert summary["error_ratio"] == pytest.approx(75.88, abs=0.01)
    assert summary["standard_error"] == pytest.approx(0.8389, abs=1e-4)


def test_chapter_sub_scores():
    # Chapter 1 = I1 + I2: sub-scores 2, 2, 2, 1, 1, 1 → mean 1.5 (75 %), SD 0.5;
    # alpha = 2 × (1 − (0.1389 + 0.2222) / 0.25) = −0.889: the two items do not go together.
    first, second = stats.chapter_statistics(_frame(HAND))
    assert first["chapter"] == 1 and first["items"] == 2
    assert first["percent"] == pytest.approx(75.0)
    assert first["sd"] == pytest.approx(0.5)
    assert first["alpha"] == pytest.approx(-0.889, abs=1e-3)
    assert second["percent"] == pytest.approx(41.667, abs=1e-3)


def test_random_guess_of_a_multiple_choice_question_under_the_exam_rule():
    # Keys {A, C} of five options: 31 non-empty subsets; {A, C} scores 1, {A} and {C} a
    # quarter each, every other subset contains a wrong option: (1 + 0.25 + 0.25) / 31.
    options = _options(0, count=5, keys=(0, 2))
    assert stats.random_guess_score("multiple_choice", options) == pytest.approx(1.5 / 31)


def test_distractor_frequencies_overall_and_by_thirds():
    # I1: L6 (wrong) picked C instead of B. Ranked by rest score: bottom third L5, L4
    # (rest 0 and 1, the tie with L6 broken by attempt order), top third L2, L1.
    frequencies = stats.option_frequencies(_frame(HAND, answers={(5, 0): 2}))[0]
    by_label = {o["label"]: o for o in frequencies["options"]}
    assert frequencies["n"] == 6 and frequencies["blank"] == 0
    assert by_label["A"]["correct"] and by_label["A"]["count"] == 5
    assert by_label["B"]["count"] == 0 and by_label["C"]["count"] == 1
    assert by_label["C"]["share"] == pytest.approx(1 / 6)
    assert by_label["A"]["top_share"] == 1.0 and by_label["A"]["bottom_share"] == 1.0


def _many(rows_right: int, rows_wrong: int, *, item_rows) -> list[list[int]]:
    return [item_rows(True)] * rows_right + [item_rows(False)] * rows_wrong


def _flags(matrix, answers=None, question=0):
    frame = _frame(matrix, answers)
    items = stats.item_table(frame).set_index("question")
    item = {**items.loc[question].to_dict(), "n": int(items.loc[question, "n"])}
    return stats.item_flags(item, stats.option_frequencies(frame)[question])


def test_too_easy_and_too_hard_flags_and_the_minimum_of_answers():
    # I1 right for 11 of 12 (F = 0.917 > 0.9); I2 right for 2 of 12 (F = 0.167 < 0.2).
    matrix = [[1, 1 if i < 2 else 0, i % 2] for i in range(11)] + [[0, 0, 1]]
    assert stats.FLAG_TOO_EASY in _flags(matrix, question=0)
    assert stats.FLAG_TOO_HARD in _flags(matrix, question=1)
    assert _flags(matrix[:9], question=1) == []  # 9 answers: too few to judge


def test_negative_and_low_discrimination_flags():
    # Item 0 is right exactly for those who fail the rest, so it correlates −1 with it.
    rest = [[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0]] * 3
    negative = [[0 if sum(r) >= 2 else 1, *r] for r in rest]
    assert stats.FLAG_NEGATIVE_DISCRIMINATION in _flags(negative)
    # Item 0 right for every other learner whatever their rest score: DI near 0 but ≥ 0.
    low = [[i % 2, *r] for i, r in enumerate(rest[:4] * 2 + rest[:4][::-1])]
    flags = _flags(low)
    assert stats.FLAG_LOW_DISCRIMINATION in flags or stats.FLAG_NEGATIVE_DISCRIMINATION in flags
    # The hand example's I4 (DI 43) doubled to 12 answers: no discrimination flag.
    assert not {stats.FLAG_LOW_DISCRIMINATION, stats.FLAG_NEGATIVE_DISCRIMINATION} & set(
        _flags(HAND * 2, question=3)
    )


def test_distractor_nobody_picks_and_distractor_the_strong_pick():
    matrix = HAND * 2
    # Wrong answers pick B only: C and D are never chosen.
    assert stats.FLAG_UNUSED_DISTRACTOR in _flags(matrix, question=3)
    # Spread the wrong answers of I3 over B, C and D: none unused.
    wrong = [i for i in range(12) if not matrix[i][2]]
    spread = {(i, 2): 1 + k % 3 for k, i in enumerate(wrong)}
    assert stats.FLAG_UNUSED_DISTRACTOR not in _flags(matrix, spread, question=2)
    # Top-third learners (L1, L2, L3 twice) answer I4 with D while weaker learners get it
    # right: D is picked more by the strong than the key is.
    strong = [[1, 1, 1, 0], [1, 1, 1, 0], [1, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1]] * 3
    picks = {(i, 3): 3 for i in range(15) if strong[i][3] == 0}
    assert stats.FLAG_STRONG_DISTRACTOR in _flags(strong, picks, question=3)
    assert stats.FLAG_STRONG_DISTRACTOR not in _flags(HAND * 2, question=3)


def test_calibrated_difficulty_shrinks_toward_the_rating():
    # F = 0.5 with many answers: logit 0 (before centring); with none: the prior.
    assert stats.calibrated_difficulty(
        facility=0.5, answers=10_000, prior=1.6, centre=0, prior_weight=20
    ) == pytest.approx(0.0032, abs=1e-3)
    assert stats.calibrated_difficulty(
        facility=0.5, answers=0, prior=1.6, centre=0, prior_weight=20
    ) == pytest.approx(1.6)
    assert prediction.item_difficulty(3, 1.2, 29, 30) == 0.0  # too few answers: the rating
    assert prediction.item_difficulty(3, 1.2, 30, 30) == 1.2


# ---- the database side ---------------------------------------------------------------------


@pytest.fixture
def fixed_quiz(bank):
    """A quiz and four single-choice questions of chapter 1, answered as in HAND."""
    quiz = Quiz.objects.create(title="章节测验", kind="chapter_test", subject=bank)
    questions = list(
        Question.objects.filter(chapter__subject=bank, type="single_choice").order_by("pk")[:4]
    )
    return quiz, questions


def _submit(quiz, user, questions, row, *, number=1, when=None, provisional=False):
    now = when or timezone.now()
    attempt = Attempt.objects.create(
        quiz=quiz,
        user=user,
        number=number,
        state="submitted",
        started_at=now - timedelta(minutes=10),
        submitted_at=now,
        max_score=Decimal(len(questions)),
        score=Decimal(sum(row)),
        provisional=provisional,
    )
    for position, (question, right) in enumerate(zip(questions, row, strict=True), start=1):
        version = question.current_version
        key = [o["id"] for o in version.options if o["correct"]]
        wrong = [o["id"] for o in version.options if not o["correct"]][:1]
        Response.objects.create(
            attempt=attempt,
            position=position,
            version=version,
            option_order=[o["id"] for o in version.options],
            max_points=Decimal(1),
            answer=key if right else wrong,
            points=Decimal(right),
        )
    return attempt


@pytest.fixture
def answered(fixed_quiz):
    quiz, questions = fixed_quiz
    users = [UserFactory(role="candidate") for _ in HAND]
    for user, row in zip(users, HAND, strict=True):
        _submit(quiz, user, questions, row)
    return quiz, questions, users


@pytest.mark.django_db
def test_the_task_computes_from_first_final_attempts(answered):
    quiz, questions, users = answered
    # A second attempt and a provisional one are left out: first final attempts only.
    _submit(quiz, users[5], questions, [1, 1, 1, 1], number=2)
    _submit(quiz, UserFactory(role="candidate"), questions, [1, 1, 1, 1], provisional=True)
    assert compute_quiz_statistics(quiz.pk) == 6
    summary = QuizStatistics.objects.get(quiz=quiz)
    assert summary.alpha == pytest.approx(0.4242, abs=1e-4)
    assert summary.error_ratio == pytest.approx(75.88, abs=0.01)
    assert summary.standard_error == pytest.approx(0.8389, abs=1e-4)
    assert sorted(summary.scores) == [1, 1, 2, 3, 3, 4]
    facility = dict(ItemStatistics.objects.filter(quiz=quiz).values_list("question_id", "facility"))
    assert [round(facility[q.pk], 3) for q in questions] == [0.833, 0.667, 0.5, 0.333]
    assert service.quizzes_with_new_attempts() == []


@pytest.mark.django_db
def test_a_burst_of_submits_queues_one_computation(fixed_quiz, django_capture_on_commit_callbacks):
    from django.core.cache import cache

    quiz, _questions = fixed_quiz
    cache.delete(service.LOCK_KEY.format(quiz.pk))
    with (
        mock.patch.object(compute_quiz_statistics, "apply_async") as queued,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert service.quiz_statistics_schedule(quiz_id=quiz.pk) is True
        assert service.quiz_statistics_schedule(quiz_id=quiz.pk) is False
    queued.assert_called_once()
    assert queued.call_args.kwargs["countdown"] > 0  # later, never in the request
    cache.delete(service.LOCK_KEY.format(quiz.pk))


@pytest.mark.django_db
def test_nightly_refresh_computes_quizzes_and_bank(answered):
    # The hand example: one quiz with new attempts, four questions bank-wide.
    result = refresh_item_statistics()
    assert result == {"quizzes": 1, "items": 4}
    assert ItemStatistics.objects.filter(quiz=None).count() == 4
    assert ItemCalibration.objects.count() == 4


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["trainer", "city_admin"])
def test_report_page_and_xlsx_for_trainers_and_city_admins(answered, login, role):
    quiz, _questions, _users = answered
    compute_quiz_statistics(quiz.pk)
    client = login(UserFactory(role=role))
    page = client.get(f"/admin/quizzes/statistics/{quiz.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "data:image/svg+xml;base64," in html and "0.424" in html
    listing = client.get("/admin/snippets/quizzes/quiz/").content.decode()
    assert f"/admin/quizzes/statistics/{quiz.pk}/" in listing

    export = client.get(f"/admin/quizzes/statistics/{quiz.pk}/xlsx/")
    assert export.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    assert len(book.sheetnames) == 3
    test_sheet, items_sheet, options_sheet = (book[name] for name in book.sheetnames)
    values = {row[0]: row[1] for row in test_sheet.iter_rows(min_row=2, values_only=True)}
    assert any(v == pytest.approx(0.4242, abs=1e-4) for v in values.values() if v)
    assert items_sheet.max_row == 5  # header + 4 questions
    assert options_sheet.max_row == 1 + 4 * 4


@pytest.mark.django_db
def test_candidates_cannot_see_the_report(answered, login, candidate):
    quiz, _questions, _users = answered
    client = login(candidate)
    assert client.get(f"/admin/quizzes/statistics/{quiz.pk}/").status_code in (302, 403)
    assert client.get(f"/admin/quizzes/statistics/{quiz.pk}/xlsx/").status_code in (302, 403)


@pytest.mark.django_db
def test_view_without_permission_is_forbidden_and_unknown_quiz_not_found(rf, candidate, trainer):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from quizzes import statistics_views

    request = rf.get("/")
    request.user = candidate
    with pytest.raises(PermissionDenied):
        statistics_views.quiz_statistics(request, 1)
    request.user = trainer
    with pytest.raises(Http404):
        statistics_views.quiz_statistics_xlsx(request, 999_999)


@pytest.mark.django_db
def test_question_listing_shows_statistics_and_filters_by_flag(answered, login, trainer):
    quiz, questions, _users = answered
    questions[0].bank.authors.add(trainer)
    # I1 too easy once it has enough answers: 12 learners, 11 right.
    for index in range(6):
        _submit(quiz, UserFactory(role="candidate"), questions, [1, 1, 0, 1 if index else 0])
    service.bank_statistics_compute()
    flagged = ItemStatistics.objects.get(quiz=None, question=questions[0])
    assert stats.FLAG_TOO_EASY in flagged.flags
    client = login(trainer)
    listing = client.get("/admin/snippets/quizzes/question/?flag=too_easy").content.decode()
    assert "92%" in listing  # 11/12
    assert f"/edit/{questions[0].pk}/" in listing
    assert f"/edit/{questions[2].pk}/" not in listing


@pytest.mark.django_db
def test_calibration_changes_the_predictions_difficulty(answered, settings):
    quiz, questions, _users = answered
    from courses.models import Blueprint

    blueprint = Blueprint.objects.get(subject=quiz.subject)
    before = dashboard._sections(blueprint)
    service.bank_statistics_compute()
    settings.ITEM_CALIBRATION_MIN_ANSWERS = 30  # 6 answers each: still the ratings
    assert dashboard._sections(blueprint) == before
    settings.ITEM_CALIBRATION_MIN_ANSWERS = 5
    after = dashboard._sections(blueprint)
    calibrated = dict(ItemCalibration.objects.values_list("question_id", "difficulty"))
    single = after[0].difficulties
    assert sorted(single) != sorted(before[0].difficulties)
    for value in calibrated.values():
        assert value in single
    # The hardest calibrated item is the one fewest learners got right (I4).
    assert max(calibrated, key=calibrated.get) == questions[3].pk
