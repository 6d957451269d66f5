"""The id of the request (or task) being served, kept in context variables.

A web request gets its id from the proxy's ``X-Request-ID`` header when it looks sane, or a new
one (``lms.middleware.RequestLogMiddleware``); Celery tasks carry it in a message header to the
worker and on to the tasks they queue (``lms.task_context``). Log lines (``lms.logs``) and error
reports (``lms.error_reporting``) read it from here.
"""

import contextvars
import re
import uuid

# What we accept from outside: nginx's $request_id (32 hex digits), UUIDs and the like. Anything
# else (empty, too long, spaces, quotes, line breaks) is replaced, so logs never carry it.
SANE = re.compile(r"[A-Za-z0-9_-]{8,64}", re.ASCII)

_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "qihang_request_id", default=None
)
_task: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar(
    "qihang_task", default=None
)


def is_sane(value: object) -> bool:
    return isinstance(value, str) and SANE.fullmatch(value) is not None


def new() -> str:
    return uuid.uuid4().hex


def accept(value: str | None) -> str:
    """The id to use for a request that arrived with ``value`` (None: no header)."""
    return value if value is not None and is_sane(value) else new()


def current() -> str | None:
    return _request_id.get()


def current_task() -> tuple[str, str] | None:
    """(task name, task id) of the Celery task running now, if any."""
    return _task.get()


def bind(value: str | None) -> contextvars.Token:
    return _request_id.set(value)


def reset(token: contextvars.Token) -> None:
    _request_id.reset(token)


def bind_task(task: tuple[str, str] | None) -> None:
    _task.set(task)
