"""Every task is acknowledged late, redelivered when its worker dies, and waits out a database
or broker outage instead of failing."""

import pytest
from django.db import OperationalError
from kombu.exceptions import OperationalError as BrokerError

from lms.celery import app
from lms.taskbase import TRANSIENT_RETRIES, Task

QIHANG_APPS = ("lms.", "courses.", "quizzes.", "certificates.", "institutions.")


def qihang_tasks():
    app.loader.import_default_modules()
    return [task for name, task in sorted(app.tasks.items()) if name.startswith(QIHANG_APPS)]


def test_every_task_is_acknowledged_late_and_redelivered_when_its_worker_dies():
    tasks = qihang_tasks()
    assert len(tasks) > 10
    for task in tasks:
        assert isinstance(task, Task), task.name
        assert task.acks_late and task.reject_on_worker_lost, task.name


@pytest.fixture(autouse=True)
def _retries_run_in_process():
    """Run tasks here, retries included (an error propagating at once would stop them)."""
    before = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = before


def flaky(failures: int, error: Exception, result):
    calls = []

    def run(*args, **kwargs):
        calls.append(1)
        if len(calls) <= failures:
            raise error
        return result

    return run, calls


@pytest.mark.parametrize("error", [OperationalError("server closed"), BrokerError("refused")])
def test_a_task_outlasts_an_outage_beyond_its_own_retry_budget(monkeypatch, error):
    from quizzes.services import item_statistics
    from quizzes.tasks import compute_quiz_statistics

    assert compute_quiz_statistics.max_retries < 6 < TRANSIENT_RETRIES
    run, calls = flaky(6, error, None)
    monkeypatch.setattr(item_statistics, "quiz_statistics_compute", run)
    assert compute_quiz_statistics.apply((1,)).get() == 0
    assert len(calls) == 7
    assert not hasattr(compute_quiz_statistics, "override_max_retries")


def test_a_task_without_retries_of_its_own_retries_an_outage(monkeypatch):
    from lms import queueing
    from lms.tasks import send_deferred_tasks

    run, calls = flaky(2, OperationalError("the database system is shutting down"), 3)
    monkeypatch.setattr(queueing, "deferred_tasks_send", run)
    assert send_deferred_tasks.apply().get() == 3 and len(calls) == 3


def test_an_outage_that_lasts_gives_up_in_the_end(monkeypatch):
    from lms import queueing
    from lms.tasks import send_deferred_tasks

    run, calls = flaky(100, OperationalError("down"), 3)
    monkeypatch.setattr(queueing, "deferred_tasks_send", run)
    with pytest.raises(OperationalError):
        send_deferred_tasks.apply().get()
    assert len(calls) == TRANSIENT_RETRIES + 1


def test_other_errors_keep_the_tasks_own_rule(monkeypatch):
    from lms import queueing
    from lms.tasks import send_deferred_tasks

    run, calls = flaky(1, ValueError("bug"), 3)
    monkeypatch.setattr(queueing, "deferred_tasks_send", run)
    with pytest.raises(ValueError, match="bug"):
        send_deferred_tasks.apply().get()
    assert len(calls) == 1
