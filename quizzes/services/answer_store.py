"""The statements of the answer-save path, written out in SQL.

Saving an answer is the request every candidate makes dozens of times per mock exam. The ORM
spends longer building these queries than the database spends running them, so they are plain
SQL (prepared once per connection on PostgreSQL, see ``lms.db``), and none needs a transaction
around it.

The usual save is one statement (``write_if_fits``, PostgreSQL): an update that writes only if
every rule holds: the attempt is the learner's (by user id, or by API token checked in the same
statement), still open and within its deadline plus grace; no newer save is there; the quiz
does not check answers at once; and the answer fits the frozen question (chosen ids among its
choices, one choice unless multiple choice, texts only for human-marked questions and no more
than its parts). It takes a share lock on the attempt row, which a submit (``SELECT ... FOR
UPDATE``) waits for and which waits for a submit: after a submit commits, the re-check sees it
and writes nothing. Saves of the same attempt do not block each other.

When that statement writes nothing, or on SQLite, the general path runs: ``read`` fetches the
frozen question and the attempt's state, Python finds the reason for a refusal (with its
message) or checks a practice answer at once, and ``write`` stores it with the same re-checks.
The fast path's rules only ever refuse what the general path would refuse or handle itself;
the tests of bad input run against PostgreSQL (``make test``) and hold both to that.
"""

import datetime
import functools
import json
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from lms.authentication import OWNER_BY_KEY_SUBQUERY
from lms.db import hot_cursor, is_postgresql
from quizzes.models import QuestionVersion, Response

_READ = """
SELECT r.id, r.seq, r.saved_at, r.points, r.max_points, r.option_order,
       a.state, a.deadline, q.show_keys, q.multiple_choice_rule,
       v.type, v.options, v.parts, v.explanation, v.knowledge_point_ids
FROM quizzes_response r
JOIN quizzes_attempt a ON a.id = r.attempt_id
JOIN quizzes_quiz q ON q.id = a.quiz_id
JOIN quizzes_questionversion v ON v.id = r.version_id
WHERE r.attempt_id = %s AND r.position = %s AND a.user_id = {owner}
"""

_UPDATE = """
UPDATE quizzes_response
SET answer = {answer}, seq = %s, saved_at = %s, flagged = COALESCE(%s, flagged),
    points = CASE WHEN %s THEN %s ELSE points END,
    graded_at = CASE WHEN %s THEN %s ELSE graded_at END
WHERE id = %s AND seq < %s AND (%s OR points IS NULL)
  AND attempt_id IN (
    SELECT id FROM quizzes_attempt
    WHERE id = %s AND state = 'in_progress' AND (deadline IS NULL OR deadline >= %s)
    {lock}
  )
"""


_WRITE_IF_FITS = """
UPDATE quizzes_response r
SET answer = %(answer)s::jsonb, seq = %(seq)s, saved_at = %(now)s,
    flagged = COALESCE(%(flagged)s, r.flagged)
FROM quizzes_questionversion v
WHERE r.attempt_id = %(attempt)s AND r.position = %(position)s AND r.seq < %(seq)s
  AND v.id = r.version_id AND {fits}
  AND r.attempt_id IN (
    SELECT a.id FROM quizzes_attempt a JOIN quizzes_quiz q ON q.id = a.quiz_id
    WHERE a.id = %(attempt)s AND a.user_id = {owner} AND a.state = 'in_progress'
      AND (a.deadline IS NULL OR a.deadline >= %(open_until)s)
      AND q.show_keys <> 'immediately'
    FOR SHARE OF a
  )
"""
_CHOICES = "('single_choice', 'multiple_choice', 'true_false')"
_FITS = {
    "clear": "TRUE",
    "choice": (
        f"v.type IN {_CHOICES} AND %(answer)s::jsonb <@ r.option_order"
        " AND (v.type = 'multiple_choice' OR jsonb_array_length(%(answer)s::jsonb) = 1)"
    ),
    "text": (
        f"v.type NOT IN {_CHOICES}"
        " AND jsonb_array_length(%(answer)s::jsonb) <= jsonb_array_length(v.parts)"
    ),
}


@functools.cache
def _write_if_fits_sql(shape: str, by_token: bool) -> str:
    owner = OWNER_BY_KEY_SUBQUERY.replace("%s", "%(token)s") if by_token else "%(user)s"
    return _WRITE_IF_FITS.format(fits=_FITS[shape], owner=owner)


def write_if_fits(
    *,
    attempt_id: int,
    position: int,
    user_id: int | None,
    token: str | None,
    shape: str,
    answer,
    seq: int,
    saved_at: datetime.datetime,
    open_until: datetime.datetime,
    flagged: bool | None,
) -> bool:
    """The one-statement save (PostgreSQL): True if stored, False if any rule refused it.
    ``shape`` is what the answer looks like: "clear" (None), "choice" (sorted unique option
    ids) or "text" (one text per part)."""
    params = {
        "answer": None if answer is None else json.dumps(answer),
        "seq": seq,
        "now": saved_at,
        "flagged": flagged,
        "attempt": attempt_id,
        "position": position,
        "open_until": open_until,
        "token": token,
        "user": user_id,
    }
    with hot_cursor() as cursor:
        cursor.execute(_write_if_fits_sql(shape, user_id is None), params)
        return cursor.rowcount == 1


@dataclass
class Row:
    response: Response  # unsaved copy carrying the fields the rules need
    state: str
    deadline: datetime.datetime | None
    show_keys: str
    multiple_choice_rule: str


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


@functools.cache
def _read_sql(by_token: bool) -> str:
    return _READ.format(owner=OWNER_BY_KEY_SUBQUERY if by_token else "%s")


def read(
    *, attempt_id: int, position: int, user_id: int | None = None, token: str | None = None
) -> Row | None:
    """The answer row, if the attempt belongs to the user (or to the holder of the API token,
    checked in the same statement)."""
    by_token = user_id is None
    with hot_cursor() as cursor:
        cursor.execute(_read_sql(by_token), [attempt_id, position, token if by_token else user_id])
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
    attempt_id: int,
    open_until: datetime.datetime,
    response_id: int,
    answer,
    seq: int,
    saved_at: datetime.datetime,
    flagged: bool | None,
    points: Decimal | None,
    graded: bool,
    locked_when_graded: bool,
) -> bool:
    """Store the answer if the attempt is open, its deadline (plus grace) is not before
    ``open_until``, no newer save is there, and (in practice) the answer was not checked yet."""
    ops = connection.ops
    postgres = is_postgresql()
    sql = _UPDATE.format(
        answer="%s::jsonb" if postgres else "%s", lock="FOR SHARE" if postgres else ""
    )
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
        attempt_id,
        ops.adapt_datetimefield_value(open_until),
    ]
    with hot_cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount == 1
