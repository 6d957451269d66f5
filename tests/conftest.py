import contextlib

import pytest

from tests.factories import PASSWORD, UserFactory, course_tree, site_tree


@pytest.fixture
def candidate(db):
    return UserFactory(role="candidate")


@pytest.fixture
def other_candidate(db):
    return UserFactory(role="candidate")


@pytest.fixture
def trainer(db):
    return UserFactory(role="trainer")


@pytest.fixture
def city_admin(db):
    return UserFactory(role="city_admin")


@pytest.fixture
def course(db):
    site_tree()
    return course_tree()


@pytest.fixture
def login(client):
    def _login(user):
        assert client.login(username=user.username, password=PASSWORD)
        return client

    return _login


@pytest.fixture(autouse=True)
def _test_client_signs_in_with_a_request(monkeypatch):
    """django-axes, watching every sign-in, needs its request to know the address. The test
    client's ``login()`` has none, so it signs in with one from 127.0.0.1, as a browser would."""
    from django.http import HttpRequest
    from django.test import Client

    sign_in = Client.login

    def login(self, **credentials):
        if "request" not in credentials:
            credentials["request"] = HttpRequest()
            credentials["request"].META["REMOTE_ADDR"] = "127.0.0.1"
        return sign_in(self, **credentials)

    monkeypatch.setattr(Client, "login", login)


@pytest.fixture
def api(db):
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def down_redis_url():
    """A Redis address on loopback where nothing listens: Redis is down."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


@pytest.fixture
def cache_down(down_redis_url):
    """The cache as production sets it up (django-redis, errors ignored), with Redis down."""
    from django.test import override_settings

    caches = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": down_redis_url,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }
    with override_settings(
        CACHES=caches,
        SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
        DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS=True,
        DJANGO_REDIS_LOGGER="lms.cache",
    ):
        yield


@pytest.fixture
def broker():
    """Switch Celery to a real broker at ``broker(url)`` (tasks are no longer run in-process);
    everything is put back afterwards."""
    from lms.celery import app

    before = app.conf.broker_url, app.conf.task_always_eager

    def _reset_pools():  # kombu keeps one pool per address; the app picks it up again
        app._pool = None
        app.amqp._producer_pool = None

    def _use(url: str):
        _reset_pools()
        app.conf.broker_url = url
        app.conf.task_always_eager = False
        return app

    yield _use
    _reset_pools()
    app.conf.broker_url, app.conf.task_always_eager = before


@pytest.fixture
def live_broker_url():
    """The Redis of `scripts/test-services.sh` when there is one, else an in-memory broker."""
    import os

    return os.environ.get("REDIS_URL") or "memory://"


@contextlib.contextmanager
def _tasks_in_process():
    from celery import _state

    from lms.celery import app

    before = app.conf.task_always_eager, _state.task_join_will_block()
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        # Celery keeps "inside a task" in one process-wide flag; tasks run in several threads at
        # once (the concurrency tests) can leave it set, and every later ``result.get()`` fails.
        app.conf.task_always_eager = before[0]
        _state._set_task_join_will_block(before[1])


@pytest.fixture
def eager_tasks():
    """Celery tasks run in the test's own process and transaction. Under ``make test`` they
    would go to the real worker, which cannot see a test's uncommitted data; the worker's own
    path is covered by tests marked ``worker`` and by the browser tests."""
    with _tasks_in_process():
        yield


@pytest.fixture(autouse=True)
def _committed_tasks_run_here(request):
    """A test that really commits (``transaction=True``) would hand its follow-up tasks to the
    worker of ``make test``, which would then work on the rows while the test's teardown
    truncates every table: a deadlock that fails the teardown now and then. Unless the test is
    about the worker (marked ``worker``), its tasks run in its own process instead."""
    marker = request.node.get_closest_marker("django_db")
    if (
        marker is None
        or not marker.kwargs.get("transaction")
        or request.node.get_closest_marker("worker")
    ):
        yield
        return
    with _tasks_in_process():
        yield


def rate_limit_counts_reset():
    from django.core.cache import cache

    if hasattr(cache, "delete_pattern"):  # django-redis: only the counters, not the broker's keys
        cache.delete_pattern("rl:*")
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _rate_limit_counts_start_at_zero():
    """Rate-limit counters live in the cache, which outlives each test (Redis under
    ``make test``): every test starts with none, as if it were the first client of the day."""
    rate_limit_counts_reset()
