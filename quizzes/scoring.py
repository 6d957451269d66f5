"""Scoring of choice questions, exactly as the national exam does it, and the other rules.

Pure functions on option ids: no database, no Django models.

- Single choice and true/false: full points for the key, else 0.
- Multiple choice, ``exam`` rule (the national exam, 宁缺毋滥): nothing chosen → 0; any wrong
  option chosen → 0; exactly the keys → full points; otherwise (some keys, no wrong option)
  a quarter of the full points per option chosen — 0.5 per option on the exam's 2-point items.
- ``all_or_nothing``: full points for exactly the keys, else 0.
- ``proportional``: (keys chosen − wrong options chosen) / number of keys × full points, not
  below 0.
"""

from decimal import ROUND_HALF_UP, Decimal

from courses.models import MultipleChoiceRule, QuestionType

QUARTER = Decimal("0.25")


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def score_choice(
    *,
    question_type: str,
    key: list[int],
    answer: list[int] | None,
    points: Decimal,
    rule: str = MultipleChoiceRule.EXAM,
) -> Decimal:
    chosen = set(answer or ())
    keys = set(key)
    if not chosen:
        return Decimal(0)
    if question_type != QuestionType.MULTIPLE_CHOICE:
        return points if chosen == keys else Decimal(0)
    if chosen == keys:
        return points
    wrong = chosen - keys
    right = chosen & keys
    if rule == MultipleChoiceRule.ALL_OR_NOTHING:
        return Decimal(0)
    if rule == MultipleChoiceRule.PROPORTIONAL:
        share = Decimal(len(right) - len(wrong)) / Decimal(len(keys))
        return _round(max(Decimal(0), share) * points)
    if wrong:
        return Decimal(0)
    return _round(points * QUARTER * len(right))
