"""The one Celery app. It reads every ``CELERY_*`` Django setting."""

import logging.config
import os

from celery import Celery
from celery.signals import setup_logging

from lms import task_context  # noqa: F401  (connects the request id's signal handlers)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")

app = Celery("lms", task_cls="lms.taskbase:Task")  # retries on database and broker outages
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect(dispatch_uid="lms.celery.logging")
def use_django_logging(**kwargs) -> None:
    """The worker and beat log as the web processes do (``LOGGING``: text or JSON lines, with
    the request id and the task's name and id); Celery leaves the root logger alone."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
