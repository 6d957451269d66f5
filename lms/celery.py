"""The one Celery app. It reads every ``CELERY_*`` Django setting."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")

app = Celery("lms", task_cls="lms.taskbase:Task")  # retries on database and broker outages
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
