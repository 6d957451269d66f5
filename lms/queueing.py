"""Queueing Celery tasks so that none is lost while the broker is down.

``enqueue`` sends a task once the current transaction commits (at once outside one). If the
broker cannot take it — Redis is down and Celery's publish retry, bounded by
``CELERY_TASK_PUBLISH_RETRY_POLICY``, gave up — the task is kept in the ``DeferredTask`` outbox
and a warning is logged: the request that queued it still succeeds. ``deferred_tasks_send``
(Celery beat every minute, and each worker when it starts) sends the kept tasks again and
deletes each one the broker took. With tasks run in-process (no Redis) a task runs at once.

Arguments are JSON values (ids, strings, numbers), as every task of Qihang takes.
"""

import datetime
import logging
from functools import partial

from celery import Task
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from lms.celery import app
from lms.models import DeferredTask

logger = logging.getLogger(__name__)

# What publishing raises when the broker is unreachable (kombu wraps most of them).
PUBLISH_ERRORS = (BrokerOperationalError, RedisConnectionError, RedisTimeoutError, OSError)


def enqueue(task: Task, *args, countdown: int | None = None, **kwargs) -> None:
    """Queue ``task(*args, **kwargs)`` when the current transaction commits."""
    options = {"countdown": countdown} if countdown else {}
    transaction.on_commit(partial(task_send, task, args, kwargs, options))


def task_send(task: Task, args: tuple, kwargs: dict, options: dict) -> bool:
    """Publish the task now, or keep it in the outbox; say whether the broker took it."""
    if task.app.conf.task_always_eager:
        task.apply_async(args, kwargs, **options)  # runs here; its errors are the caller's
        return True
    try:
        task.apply_async(args, kwargs, **options)
    except PUBLISH_ERRORS as error:
        _defer(task.name, args, kwargs, options)
        logger.warning("Broker unavailable (%s); %s kept to be sent later", error, task.name)
        return False
    return True


def _defer(name: str, args: tuple, kwargs: dict, options: dict) -> DeferredTask:
    stored = dict(options)
    countdown = stored.pop("countdown", None)
    if countdown:  # wait until the moment it was meant for, not longer
        stored["eta"] = (timezone.now() + datetime.timedelta(seconds=countdown)).isoformat()
    return DeferredTask.objects.create(name=name, args=list(args), kwargs=kwargs, options=stored)


def _send_options(row: DeferredTask, now: datetime.datetime) -> dict:
    options = dict(row.options)
    eta = options.pop("eta", None)
    if eta and datetime.datetime.fromisoformat(eta) > now:
        options["eta"] = datetime.datetime.fromisoformat(eta)
    return options


def deferred_tasks_send(*, batch: int = 100) -> int:
    """Send the outbox's tasks, oldest first, deleting each one the broker took; stop at the
    first that fails (the broker is still down). Rows another sender holds are skipped (SKIP
    LOCKED), so two senders never send the same row. Returns how many were sent."""
    sent = 0
    while True:
        with transaction.atomic():
            rows = list(
                DeferredTask.objects.select_for_update(skip_locked=True).order_by("pk")[:batch]
            )
            now = timezone.now()
            for row in rows:
                try:
                    app.send_task(
                        row.name, args=row.args, kwargs=row.kwargs, **_send_options(row, now)
                    )
                except PUBLISH_ERRORS as error:
                    row.attempts += 1
                    row.save(update_fields=["attempts"])
                    logger.warning("Broker still unavailable (%s); %d tasks wait", error, len(rows))
                    return sent
                row.delete()
                sent += 1
        if len(rows) < batch:
            if sent:
                logger.info("Sent %d deferred tasks", sent)
            return sent
