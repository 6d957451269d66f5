"""Tasks queued while the broker is down are kept in the database and sent when it is back."""

import datetime
import logging
import threading

import pytest
from django.db import connection
from django.utils import timezone

from lms import queueing
from lms.mail import email_enqueue
from lms.models import DeferredTask
from quizzes.tasks import after_submit


def received(app, queue: str, timeout: float = 5.0):
    """The next message on ``queue`` (taken off it), or None."""
    with app.connection_for_read() as conn:
        simple = conn.SimpleQueue(queue)
        try:
            message = simple.get(block=True, timeout=timeout)
        except simple.Empty:
            return None
        message.ack()
        simple.close()
        return message


@pytest.mark.django_db
def test_a_task_the_broker_refuses_is_kept_and_the_caller_goes_on(
    broker, down_redis_url, django_capture_on_commit_callbacks, caplog
):
    broker(down_redis_url)
    with (
        caplog.at_level(logging.WARNING, logger="lms.queueing"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        email_enqueue(subject="S", body="B", to=["a@example.org"])
    kept = DeferredTask.objects.get()
    assert kept.name == "lms.tasks.send_email_task"
    assert (kept.args, kept.kwargs) == (["S", "B", ["a@example.org"]], {})
    assert "kept to be sent later" in caplog.text


@pytest.mark.django_db
def test_in_process_tasks_run_at_once_and_nothing_is_kept(
    broker, django_capture_on_commit_callbacks, mailoutbox
):
    broker("memory://").conf.task_always_eager = True  # as without Redis
    with django_capture_on_commit_callbacks(execute=True):
        email_enqueue(subject="S", body="B", to=["a@example.org"])
    assert [m.subject for m in mailoutbox] == ["S"] and not DeferredTask.objects.exists()


@pytest.mark.django_db
def test_kept_tasks_are_sent_and_deleted_when_the_broker_is_back(
    broker, down_redis_url, live_broker_url
):
    app = broker(down_redis_url)
    assert queueing.task_send(after_submit, (0,), {}, {}) is False
    assert queueing.deferred_tasks_send() == 0  # still down: kept, the failure counted
    assert DeferredTask.objects.get().attempts == 1
    broker(live_broker_url)
    assert queueing.deferred_tasks_send() == 1
    assert not DeferredTask.objects.exists()
    message = received(app, "analysis")  # its own queue, as if sent at first
    assert message is not None and message.headers["task"] == "quizzes.tasks.after_submit"
    assert message.payload[0] == [0]


@pytest.mark.django_db
def test_a_kept_countdown_still_ends_when_it_was_meant_to(broker, down_redis_url):
    broker(down_redis_url)
    before = timezone.now()
    queueing.task_send(after_submit, (0,), {}, {"countdown": 300})
    kept = DeferredTask.objects.get()
    eta = datetime.datetime.fromisoformat(kept.options["eta"])
    assert (
        before + datetime.timedelta(seconds=299)
        < eta
        < timezone.now() + datetime.timedelta(seconds=301)
    )
    assert queueing._send_options(kept, eta - datetime.timedelta(seconds=1)) == {"eta": eta}
    assert queueing._send_options(kept, eta + datetime.timedelta(seconds=1)) == {}  # now


@pytest.mark.django_db(transaction=True)
def test_two_senders_never_send_the_same_task(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested against PostgreSQL (`make test`)")
    DeferredTask.objects.bulk_create(
        DeferredTask(name="quizzes.tasks.after_submit", args=[n]) for n in range(300)
    )
    sent, lock = [], threading.Lock()

    def send_task(name, args, kwargs, **options):
        with lock:
            sent.append(args[0])

    monkeypatch.setattr(queueing.app, "send_task", send_task)
    barrier = threading.Barrier(3)

    def flush():
        try:
            barrier.wait()
            queueing.deferred_tasks_send(batch=20)
        finally:
            connection.close()

    threads = [threading.Thread(target=flush) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(sent) == list(range(300)) and not DeferredTask.objects.exists()
