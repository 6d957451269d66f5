"""Simultaneous saves and submits against PostgreSQL: nothing acknowledged is ever lost."""

import random
import threading

import pytest
from django.db import connection

from quizzes.models import Attempt, Response
from quizzes.services import attempts as svc

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested against PostgreSQL (`make test`)")


def _run_all(functions):
    barrier = threading.Barrier(len(functions))
    results, errors = [None] * len(functions), []

    def run(index, function):
        try:
            barrier.wait()
            results[index] = function()
        except Exception as error:  # reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_out_of_order_saves_keep_the_newest(candidate, mock_exam):
    attempt, _ = svc.attempt_start(user=candidate, quiz=mock_exam, rng=random.Random(1))
    options = Response.objects.get(attempt=attempt, position=1).option_order
    saves = [
        (
            lambda seq=seq: svc.response_save(
                user=candidate,
                attempt_id=attempt.pk,
                position=1,
                answer=[options[seq % 4]],
                seq=seq,
            )
        )
        for seq in range(1, 13)
    ]
    random.Random(2).shuffle(saves)
    _results, errors = _run_all(saves)
    assert errors == []
    response = Response.objects.get(attempt=attempt, position=1)
    assert response.seq == 12 and response.answer == [options[12 % 4]]


def test_saves_racing_a_submit_are_either_graded_or_refused(candidate, mock_exam):
    attempt, _ = svc.attempt_start(user=candidate, quiz=mock_exam, rng=random.Random(3))
    responses = list(Response.objects.filter(attempt=attempt).order_by("position"))
    keys = {
        r.position: [
            oid
            for oid in r.option_order
            if next(o for o in r.version.options if o["id"] == oid)["correct"]
        ]
        for r in responses
    }
    functions = [
        (
            lambda r=r: svc.response_save(
                user=candidate,
                attempt_id=attempt.pk,
                position=r.position,
                answer=keys[r.position],
                seq=1,
            )
        )
        for r in responses
    ]
    functions.insert(len(functions) // 2, lambda: svc.attempt_submit(attempt=attempt))
    results, errors = _run_all(functions)
    assert all(isinstance(error, svc.AttemptClosed) for error in errors)
    acknowledged = sum(1 for r in results if isinstance(r, svc.SaveResult))
    attempt = Attempt.objects.get(pk=attempt.pk)
    graded = Response.objects.filter(attempt=attempt, answer__isnull=False)
    assert graded.count() == acknowledged  # every acknowledged answer is in the graded attempt
    assert attempt.score == sum(r.points for r in graded)


def test_double_start_makes_one_attempt(candidate, mock_exam):
    results, errors = _run_all(
        [lambda: svc.attempt_start(user=candidate, quiz=mock_exam) for _ in range(6)]
    )
    assert errors == []
    assert Attempt.objects.filter(user=candidate, quiz=mock_exam).count() == 1
    assert len({attempt.pk for attempt, _created in results}) == 1


def test_double_submit_grades_once(candidate, mock_exam):
    attempt, _ = svc.attempt_start(user=candidate, quiz=mock_exam, rng=random.Random(4))
    results, errors = _run_all([lambda: svc.attempt_submit(attempt=attempt) for _ in range(6)])
    assert errors == []
    assert len({(a.score, a.submitted_at) for a in results}) == 1
