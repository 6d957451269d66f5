"""The two statements of the answer-save path, written out in SQL.

Saving an answer is the request every candidate makes dozens of times per mock exam. The ORM
spends longer building these queries than the database spends running them, so the read (which
also locks the attempt row against a simultaneous submit) and the guarded update are plain SQL.
Behaviour is specified by ``quizzes.services.attempts.response_save`` and its tests.
"""

import datetime
import json
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from quizzes.models import QuestionVersion, Response

_READ = """
SELECT r.id, r.seq, r.saved_at, r.points, r.max_points, r.option_order,
       a.state, a.deadline, q.show_keys, q.multiple_choice_rule,
       v.type, v.options, v.parts, v.explanation, v.knowledge_point_ids
FROM quizzes_response r
JOIN quizzes_attempt a ON a.id = r.attempt_id
JOIN quizzes_quiz q ON q.id = a.quiz_id
JOIN quizzes_questionversion v ON v.id = r.version_id
WHERE r.attempt_id = %s AND r.position = %s AND a.user_id = %s
"""
_LOCK = "FOR NO KEY UPDATE OF a"  # PostgreSQL: waits for, and blocks, a submit of the attempt

_UPDATE = """
UPDATE quizzes_response
SET answer = {answer}, seq = %s, saved_at = %s, flagged = COALESCE(%s, flagged),
    points = CASE WHEN %s THEN %s ELSE points END,
    graded_at = CASE WHEN %s THEN %s ELSE graded_at END
WHERE id = %s AND seq < %s AND (%s OR points IS NULL)
"""


@dataclass
class Row:
    response: Response  # unsaved copy carrying the fields the rules need
    state: str
    deadline: datetime.datetime | None
    show_keys: str
    multiple_choice_rule: str


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def _moment(value):
    """An aware datetime (SQLite hands back naive UTC values or strings)."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime.datetime) else parse_datetime(value)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, datetime.UTC)


def _decimal(value):
    return None if value is None else Decimal(str(value))


def read_for_update(*, attempt_id: int, position: int, user_id: int) -> Row | None:
    sql = _READ + (_LOCK if _postgres() else "")
    with connection.cursor() as cursor:
        cursor.execute(sql, [attempt_id, position, user_id])
        found = cursor.fetchone()
    if found is None:
        return None
    (
        pk,
        seq,
        saved_at,
        points,
        max_points,
        option_order,
        state,
        deadline,
        show_keys,
        rule,
        version_type,
        options,
        parts,
        explanation,
        knowledge_point_ids,
    ) = found
    version = QuestionVersion(
        type=version_type,
        options=_json(options),
        parts=_json(parts),
        explanation=explanation,
        knowledge_point_ids=_json(knowledge_point_ids),
    )
    response = Response(
        id=pk,
        seq=seq,
        saved_at=_moment(saved_at),
        points=_decimal(points),
        max_points=_decimal(max_points),
        option_order=_json(option_order),
        version=version,
    )
    return Row(
        response=response,
        state=state,
        deadline=_moment(deadline),
        show_keys=show_keys,
        multiple_choice_rule=rule,
    )


def write(
    *,
    response_id: int,
    answer,
    seq: int,
    saved_at: datetime.datetime,
    flagged: bool | None,
    points: Decimal | None,
    graded: bool,
    locked_when_graded: bool,
) -> bool:
    """Store the answer unless a newer one (or, in practice, a checked one) is there already."""
    ops = connection.ops
    placeholder = "%s::jsonb" if _postgres() else "%s"
    moment = ops.adapt_datetimefield_value(saved_at)
    params = [
        None if answer is None else json.dumps(answer),
        seq,
        moment,
        flagged,
        graded,
        ops.adapt_decimalfield_value(points, 6, 2),
        graded,
        moment,
        response_id,
        seq,
        not locked_when_graded,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_UPDATE.format(answer=placeholder), params)
        return cursor.rowcount == 1
