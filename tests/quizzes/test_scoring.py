"""Every scoring case of the exam, and the other rules."""

from decimal import Decimal

import pytest

from quizzes.scoring import score_choice

KEYS = [1, 2, 3]  # a multiple-choice item with three keys among options 1–5
TWO = Decimal(2)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ([], Decimal(0)),  # nothing chosen
        (None, Decimal(0)),
        ([1, 2, 3], Decimal(2)),  # exactly the keys
        ([1], Decimal("0.5")),  # one key, no wrong option
        ([1, 2], Decimal("1.0")),  # two keys, no wrong option
        ([1, 4], Decimal(0)),  # a wrong option spoils everything
        ([1, 2, 3, 4], Decimal(0)),  # all keys plus a wrong one
        ([5], Decimal(0)),  # only a wrong option
        ([1, 2, 3, 4, 5], Decimal(0)),  # everything chosen
    ],
)
def test_multiple_choice_exam_rule(answer, expected):
    assert (
        score_choice(
            question_type="multiple_choice", key=KEYS, answer=answer, points=TWO, rule="exam"
        )
        == expected
    )


def test_exam_rule_with_four_keys_missing_one():
    assert score_choice(
        question_type="multiple_choice", key=[1, 2, 3, 4], answer=[1, 2, 3], points=TWO, rule="exam"
    ) == Decimal("1.5")


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ([1, 2, 3], TWO),
        ([1, 2], Decimal(0)),
        ([1, 2, 3, 4], Decimal(0)),
        ([], Decimal(0)),
    ],
)
def test_multiple_choice_all_or_nothing(answer, expected):
    assert (
        score_choice(
            question_type="multiple_choice",
            key=KEYS,
            answer=answer,
            points=TWO,
            rule="all_or_nothing",
        )
        == expected
    )


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ([1, 2, 3], TWO),
        ([1, 2], Decimal("1.33")),
        ([1, 2, 4], Decimal("0.67")),  # two right, one wrong: (2 − 1) / 3
        ([1, 4, 5], Decimal(0)),  # floored at zero
    ],
)
def test_multiple_choice_proportional(answer, expected):
    assert (
        score_choice(
            question_type="multiple_choice",
            key=KEYS,
            answer=answer,
            points=TWO,
            rule="proportional",
        )
        == expected
    )


@pytest.mark.parametrize("question_type", ["single_choice", "true_false"])
@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ([7], Decimal(1)),
        ([8], Decimal(0)),
        ([], Decimal(0)),
        ([7, 8], Decimal(0)),
    ],
)
def test_single_answer_types(question_type, answer, expected):
    assert (
        score_choice(question_type=question_type, key=[7], answer=answer, points=Decimal(1))
        == expected
    )
