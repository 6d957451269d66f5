"""The deadline sweep: the one mechanism (with the learner's next request) that submits attempts
past their deadline. Batches, one transaction per attempt, and never a double submit."""

import datetime
import random
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from quizzes.models import Attempt
from quizzes.services import attempts as svc
from quizzes.signals import attempt_submitted
from tests.factories import UserFactory

LATER = datetime.timedelta(hours=2)  # past the mock exam's hour and the grace


def start_many(quiz, count: int, now) -> list[Attempt]:
    return [
        svc.attempt_start(
            user=UserFactory(role="candidate"), quiz=quiz, now=now, rng=random.Random(n)
        )[0]
        for n in range(count)
    ]


@pytest.fixture
def submits():
    """Attempt ids as the submit announces them (once per submitted attempt)."""
    seen = []

    def count(sender, attempt, **kwargs):
        seen.append(attempt.pk)

    attempt_submitted.connect(count)
    yield seen
    attempt_submitted.disconnect(count)


@pytest.mark.django_db
def test_the_sweep_submits_in_batches_and_a_second_sweep_does_nothing(
    mock_exam, submits, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    now = timezone.now()
    with django_capture_on_commit_callbacks() as queued:
        attempts = start_many(mock_exam, 5, now)
    assert queued == []  # no task waits in the broker for a deadline
    open_now = start_many(mock_exam, 1, now + LATER)[0]  # started later: not yet due
    assert svc.attempts_submit_overdue(now=now + LATER, batch=2) == 5
    assert sorted(submits) == sorted(a.pk for a in attempts)
    assert svc.attempts_submit_overdue(now=now + LATER, batch=2) == 0
    assert Attempt.objects.get(pk=open_now.pk).state == "in_progress"
    assert set(Attempt.objects.exclude(pk=open_now.pk).values_list("submit_reason", flat=True)) == {
        "deadline"
    }


def run_together(functions):
    barrier = threading.Barrier(len(functions))
    results, errors = [], []

    def run(function):
        try:
            barrier.wait()
            results.append(function())
        except Exception as error:  # reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(f,)) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_sweeps_running_together_submit_each_attempt_once(mock_exam, submits):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested against PostgreSQL (`make test`)")
    now = timezone.now()
    attempts = start_many(mock_exam, 12, now)
    sweep = lambda: svc.attempts_submit_overdue(now=now + LATER, batch=5)  # noqa: E731
    results, errors = run_together([sweep, sweep, sweep])
    assert errors == [] and sum(results) == 12
    assert sorted(submits) == sorted(a.pk for a in attempts)


@pytest.mark.django_db(transaction=True)
def test_the_sweep_skips_an_attempt_being_submitted_and_takes_it_next_time(mock_exam):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested against PostgreSQL (`make test`)")
    now = timezone.now()
    held, other = start_many(mock_exam, 2, now)
    locked, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                Attempt.objects.select_for_update().get(pk=held.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(10)
        assert svc.attempts_submit_overdue(now=now + LATER) == 1  # did not wait for the lock
    finally:
        release.set()
        holder.join()
    assert Attempt.objects.get(pk=other.pk).state == "submitted"
    assert Attempt.objects.get(pk=held.pk).state == "in_progress"
    assert svc.attempts_submit_overdue(now=now + LATER) == 1
    assert Attempt.objects.get(pk=held.pk).state == "submitted"
