"""Structured logs: a request id per request, one log line per request, JSON lines, and the id
carried into Celery tasks (in-process and through a broker message)."""

import io
import json
import logging
import logging.config

import kombu
import pytest
from celery import shared_task
from celery.app.trace import trace_task
from celery.signals import setup_logging
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from lms import request_id, task_context
from lms.celery import app as celery_app
from lms.logs import ContextFilter, logging_config
from lms.middleware import RequestLogMiddleware
from tests.factories import UserFactory

task_logger = logging.getLogger("tests.lms.task")
TEST_QUEUE = "qihang-test-request-id"


@shared_task(name="tests.lms.log_and_queue_child")
def log_and_queue_child(queue_child: bool = False) -> str | None:
    task_logger.info("task ran")
    if queue_child:
        with kombu.Connection("memory://") as connection:
            child_task.apply_async(connection=connection, queue=TEST_QUEUE)
    return request_id.current()


@shared_task(name="tests.lms.child")
def child_task() -> None:
    task_logger.info("child ran")


@pytest.fixture(autouse=True)
def _no_request_id_left_over():
    yield
    request_id.bind(None)  # a middleware called directly is never followed by request_finished
    request_id.bind_task(None)


@pytest.fixture
def context_caplog(caplog):
    """caplog whose records get the request id as the console handler's do."""
    context = ContextFilter()
    caplog.handler.addFilter(context)
    caplog.set_level(logging.INFO)
    yield caplog
    caplog.handler.removeFilter(context)


def _json_formatter(log_format="json") -> logging.Formatter:
    config = logging.config.DictConfigurator(logging_config(log_format, "INFO"))
    return config.configure_formatter(config.config["formatters"][log_format])


def _request_lines(caplog):
    return [r for r in caplog.records if r.name == "lms.request"]


# -- the request id -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["0123456789abcdef0123456789abcdef", "req_2024-01-01", "a" * 64, "3f2b9c1e"],
)
def test_a_sane_proxy_request_id_is_kept(value):
    assert request_id.accept(value) == value


@pytest.mark.parametrize(
    "value", [None, "", "short", "a" * 65, "has space 123", "evil\nINFO fake line", "<script>x"]
)
def test_anything_else_is_replaced_by_a_new_id(value):
    new = request_id.accept(value)
    assert new != value
    assert request_id.is_sane(new)


@pytest.mark.django_db
def test_the_response_returns_the_proxy_id(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="nginx-0123456789abcdef")
    assert response["X-Request-ID"] == "nginx-0123456789abcdef"


@pytest.mark.django_db
def test_a_bad_proxy_id_is_replaced_in_the_response(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\r\n")
    assert response["X-Request-ID"] != "bad id\r\n"
    assert request_id.is_sane(response["X-Request-ID"])
    other = client.get("/healthz")
    assert other["X-Request-ID"] != response["X-Request-ID"]


# -- one log line per request ---------------------------------------------------------------


@pytest.mark.django_db
def test_each_request_writes_one_line_with_its_facts(client, context_caplog):
    user = UserFactory(real_name="张三", phone="13800138000")
    client.force_login(user)
    response = client.get("/notices/?phone=13800138000", HTTP_X_REQUEST_ID="req-0123456789")

    [line] = _request_lines(context_caplog)
    assert line.levelno == logging.INFO
    assert (line.method, line.path, line.status) == ("GET", "/notices/", response.status_code)
    assert line.user_id == user.pk
    assert line.request_id == "req-0123456789" == response["X-Request-ID"]
    assert 0 <= line.duration_ms < 10_000
    as_json = _json_formatter().format(line)
    for personal in ("13800138000", "张三", user.email, user.username):
        assert personal not in as_json


@pytest.mark.django_db
def test_every_line_written_during_the_request_carries_its_id(client, context_caplog):
    """Django's own 404 warning, written deep inside the request, has the request's id."""
    client.get("/no-such-page-at-all/", HTTP_X_REQUEST_ID="req-404-0123456789")
    ids = {r.name: r.request_id for r in context_caplog.records}
    assert ids["django.request"] == "req-404-0123456789"
    assert ids["lms.request"] == "req-404-0123456789"
    assert request_id.current() is None  # nothing leaks into the next request


@pytest.mark.django_db
def test_an_anonymous_request_logs_no_user(client, context_caplog):
    client.get("/accounts/login/")
    [line] = _request_lines(context_caplog)
    assert line.user_id is None


def test_the_request_line_costs_no_query_and_does_not_load_the_user():
    """A request whose user nobody loaded: the middleware must not load it (a session query)."""
    from django.utils.functional import SimpleLazyObject

    def load_user():
        raise AssertionError("the request log loaded the user")

    request = RequestFactory().put("/api/v1/attempts/1/responses/1/")
    request.user = SimpleLazyObject(load_user)
    middleware = RequestLogMiddleware(lambda request: HttpResponse())
    response = middleware(request)
    assert response.status_code == 200


@pytest.mark.django_db
def test_health_probes_are_logged_at_debug(client, context_caplog):
    client.get("/healthz")
    assert _request_lines(context_caplog) == []


# -- formats --------------------------------------------------------------------------------


def test_json_lines_have_the_agreed_fields():
    record = logging.LogRecord(
        "quizzes.services", logging.WARNING, __file__, 1, "答案 %s", ("好",), None
    )
    token = request_id.bind("req-json-0123456789")
    try:
        ContextFilter().filter(record)
    finally:
        request_id.reset(token)
    line = json.loads(_json_formatter().format(record))
    assert line["level"] == "WARNING"
    assert line["logger"] == "quizzes.services"
    assert line["message"] == "答案 好"
    assert line["request_id"] == "req-json-0123456789"
    assert line["time"].endswith("+00:00") and "T" in line["time"]
    assert "context" not in line


def test_text_lines_show_the_request_id():
    record = logging.LogRecord("lms", logging.INFO, __file__, 1, "hello", (), None)
    token = request_id.bind("req-text-0123456789")
    try:
        ContextFilter().filter(record)
    finally:
        request_id.reset(token)
    assert "[req-text-0123456789] hello" in _json_formatter("text").format(record)


def test_log_format_is_validated():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        logging_config("xml", "INFO")


def test_the_celery_worker_logs_with_django_logging():
    """Celery sends setup_logging when a worker or beat starts; our receiver applies LOGGING,
    so Celery does not replace the root handler with its own format."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        with override_settings(LOGGING=logging_config("json", "INFO")):
            receivers = setup_logging.send(sender=None, loglevel=logging.INFO, logfile=None)
        assert receivers
        [console] = [h for h in root.handlers if h.get_name() == "console"]
        assert any(isinstance(f, ContextFilter) for f in console.filters)
        stream = io.StringIO()
        console.setStream(stream)
        logging.getLogger("celery.worker").warning("worker line")
        assert json.loads(stream.getvalue())["message"] == "worker line"
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])


# -- Celery ---------------------------------------------------------------------------------


def test_a_task_run_in_process_keeps_the_request_id(eager_tasks, context_caplog):
    token = request_id.bind("req-eager-0123456789")
    try:
        result = log_and_queue_child.delay()
        assert request_id.current() == "req-eager-0123456789"  # restored after the task
        assert request_id.current_task() is None
    finally:
        request_id.reset(token)
    assert result.get() == "req-eager-0123456789"
    [record] = [r for r in context_caplog.records if r.getMessage() == "task ran"]
    assert record.request_id == "req-eager-0123456789"
    assert record.task_name == "tests.lms.log_and_queue_child"
    assert record.task_id == result.id


@pytest.fixture
def through_a_broker():
    """Queue tasks as production does (a message on a broker), on kombu's in-memory transport."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        with kombu.Connection("memory://") as connection:
            queue = connection.SimpleQueue(TEST_QUEUE)
            yield connection, queue
            queue.clear()
            queue.close()
    finally:
        celery_app.conf.task_always_eager = before


def _run_as_worker(message):
    """What a worker does with a message: trace the task with the message's headers."""
    headers = dict(message.headers)
    args, kwargs, _embed = message.decode()
    task = celery_app.tasks[headers["task"]]
    return trace_task(task, headers["id"], args, kwargs, request=headers, app=celery_app)


def test_a_queued_task_carries_the_request_id_to_the_worker_and_on(
    through_a_broker, context_caplog
):
    connection, queue = through_a_broker
    token = request_id.bind("req-queued-0123456789")
    try:
        log_and_queue_child.apply_async((True,), connection=connection, queue=TEST_QUEUE)
    finally:
        request_id.reset(token)

    message = queue.get(timeout=1)
    assert message.headers[task_context.HEADER] == "req-queued-0123456789"
    retval = _run_as_worker(message)
    assert retval.retval == "req-queued-0123456789"
    [record] = [r for r in context_caplog.records if r.getMessage() == "task ran"]
    assert record.request_id == "req-queued-0123456789"
    assert (record.task_name, record.task_id) == (
        "tests.lms.log_and_queue_child",
        message.headers["id"],
    )
    assert request_id.current() is None  # the worker forgets it between tasks

    child = queue.get(timeout=1)  # queued by the task, in the worker
    assert child.headers[task_context.HEADER] == "req-queued-0123456789"
    _run_as_worker(child)
    [record] = [r for r in context_caplog.records if r.getMessage() == "child ran"]
    assert record.request_id == "req-queued-0123456789"


def test_a_scheduled_task_gets_a_new_id(through_a_broker, context_caplog):
    connection, queue = through_a_broker
    log_and_queue_child.apply_async(connection=connection, queue=TEST_QUEUE)  # as beat does
    message = queue.get(timeout=1)
    assert task_context.HEADER not in message.headers
    _run_as_worker(message)
    [record] = [r for r in context_caplog.records if r.getMessage() == "task ran"]
    assert request_id.is_sane(record.request_id)


def test_an_insane_header_is_not_trusted(through_a_broker, context_caplog):
    connection, queue = through_a_broker
    log_and_queue_child.apply_async(
        connection=connection, queue=TEST_QUEUE, headers={task_context.HEADER: "bad\nid"}
    )
    _run_as_worker(queue.get(timeout=1))
    [record] = [r for r in context_caplog.records if r.getMessage() == "task ran"]
    assert record.request_id != "bad\nid"
    assert request_id.is_sane(record.request_id)
