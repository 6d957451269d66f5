"""Qihang's logging configuration: one console handler, as text for a terminal or as JSON lines
for a log collector (``LOG_FORMAT``), every line with the request id and, in a Celery task, the
task's name and id. The web processes (Django's ``LOGGING``) and the Celery worker and beat
(``lms.celery``) use the same configuration."""

import logging

from django.core.exceptions import ImproperlyConfigured
from pythonjsonlogger.core import RESERVED_ATTRS

from lms import request_id

FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s%(context)s %(message)s"


class ContextFilter(logging.Filter):
    """Adds ``request_id``, ``task_name`` and ``task_id`` to every record (None outside a request
    or a task), and ``context``, the same in brackets for the text format."""

    def filter(self, record: logging.LogRecord) -> bool:
        rid = request_id.current()
        task = request_id.current_task()
        record.request_id = rid
        record.task_name, record.task_id = task or (None, None)
        if task:
            record.context = f" [{rid} {task[0]}[{task[1]}]]"
        else:
            record.context = f" [{rid}]" if rid else ""
        return True


def json_formatter() -> dict:
    """python-json-logger: time (ISO 8601, UTC), level, logger, message, then the context and
    whatever a call passes in ``extra`` (the request line's method, path, status…)."""
    return {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "fmt": ["levelname", "name", "message"],
        "rename_fields": {"levelname": "level", "name": "logger"},
        "timestamp": "time",
        # Django adds the request object to its own records; its repr has the query string.
        "reserved_attrs": [*RESERVED_ATTRS, "context", "request"],
        "json_ensure_ascii": False,
    }


def logging_config(log_format: str, level: str) -> dict:
    """The ``LOGGING`` setting for ``log_format`` ("text" or "json") at ``level``."""
    if log_format not in FORMATS:
        choices = ", ".join(FORMATS)
        raise ImproperlyConfigured(f"LOG_FORMAT must be one of {choices}, not {log_format!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "lms.logs.ContextFilter"}},
        "formatters": {
            "text": {"format": TEXT_FORMAT},
            "json": json_formatter(),
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["context"],
                "formatter": log_format,
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "INFO"},
            # Wagtail logs every page action and background task at INFO; keep the log readable.
            "wagtail": {"level": "WARNING"},
            "django_tasks": {"level": "WARNING"},
            "modelsearch": {"level": "WARNING"},
            "weasyprint": {"level": "WARNING"},  # logs each rendering step at INFO
            "fontTools": {"level": "WARNING"},
        },
    }
