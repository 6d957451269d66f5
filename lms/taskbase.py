"""The base class of every Celery task of Qihang (``task_cls`` of the app in ``lms.celery``).

Every task is acknowledged only after it ran and is handed to another worker when its own dies
(``CELERY_TASK_ACKS_LATE``, ``CELERY_TASK_REJECT_ON_WORKER_LOST``), so each must be safe to run
twice. A task that finds the database or the broker away for a moment (PostgreSQL restarting,
Redis stopped) is retried after a growing pause, up to ``TRANSIENT_RETRIES`` times — more than
a task's own ``autoretry_for`` budget, which these errors bypass.
"""

from celery import Task as CeleryTask
from celery.utils.time import get_exponential_backoff_interval
from django.db import InterfaceError
from django.db import OperationalError as DatabaseOperationalError
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

TRANSIENT_ERRORS = (
    DatabaseOperationalError,
    InterfaceError,
    BrokerOperationalError,
    RedisConnectionError,
    RedisTimeoutError,
)
TRANSIENT_RETRIES = 10  # pauses of up to 1, 2, 4 … 120 s: about ten minutes in all
TRANSIENT_BACKOFF_MAX = 120


class Task(CeleryTask):
    dont_autoretry_for = TRANSIENT_ERRORS  # handled below, with their own budget

    def __call__(self, *args, **kwargs):
        if self.request.called_directly:  # a plain function call: no retries
            return super().__call__(*args, **kwargs)
        try:
            return self.run(*args, **kwargs)
        except TRANSIENT_ERRORS as error:
            countdown = get_exponential_backoff_interval(
                factor=1,
                retries=self.request.retries,
                maximum=TRANSIENT_BACKOFF_MAX,
                full_jitter=True,
            )
            try:
                raise self.retry(
                    exc=error,
                    countdown=countdown,
                    max_retries=max(self.max_retries or 0, TRANSIENT_RETRIES),
                ) from error
            finally:
                # retry() leaves the limit on the (shared) task object; a later autoretry
                # of another error must see the task's own limit again.
                self.__dict__.pop("override_max_retries", None)
