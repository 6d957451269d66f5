"""The request id travels with Celery tasks.

A task queued while a request (or another task) is served carries its id in a message header;
the worker binds it while the task runs, so the task's log lines, its error reports and the tasks
it queues in turn share the request's id. A task with none (a beat schedule) gets a new one. A
task run in-process (``task_always_eager``) keeps the id of the code that called it. While a task
runs, its name and id are bound too, for the log lines. Connected in ``lms.celery``.
"""

from typing import Any

from celery.signals import before_task_publish, task_postrun, task_prerun

from lms import request_id

HEADER = "qihang_request_id"

# What each running task replaced, restored when it ends (keyed by task id; in-process tasks nest).
_previous: dict[str, tuple[str | None, tuple[str, str] | None]] = {}


def carried_id(task) -> str | None:
    """The request id in the message that started ``task``, if it carried a sane one."""
    context = task.request
    value = context.get(HEADER) or (getattr(context, "headers", None) or {}).get(HEADER)
    return value if request_id.is_sane(value) else None


@before_task_publish.connect(dispatch_uid="lms.task_context.publish")
def add_request_id_header(headers: dict | None = None, **kwargs: Any) -> None:
    current = request_id.current()
    if current and headers is not None:
        headers[HEADER] = current


@task_prerun.connect(dispatch_uid="lms.task_context.prerun")
def enter_task(task_id: str | None = None, task=None, **kwargs: Any) -> None:
    if task is None or task_id is None:
        return
    _previous[task_id] = (request_id.current(), request_id.current_task())
    request_id.bind(carried_id(task) or request_id.current() or request_id.new())
    request_id.bind_task((task.name, task_id))


@task_postrun.connect(dispatch_uid="lms.task_context.postrun")
def leave_task(task_id: str | None = None, **kwargs: Any) -> None:
    previous = _previous.pop(task_id, None) if task_id is not None else None
    if previous is not None:
        request_id.bind(previous[0])
        request_id.bind_task(previous[1])
