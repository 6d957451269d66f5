"""The API against its own OpenAPI schema, as every role: generated requests (a bounded number per
operation, the same ones on every run) must never get a server error, and every response must
be one the schema declares, in the shape it declares. (Requests the schema allows may still be
refused with a 400 when they break a rule the schema cannot express: a wrong password, an option
id of another question; so schemathesis' "valid data must be accepted" check is left out. Its
"authentication is not ignored" check is left out too: it cannot tell the answer-save's two ways
in apart, and the permission matrix asks every operation without credentials.)

Schemathesis drives the Django app in-process over WSGI. Its pytest integration does not run on
pytest 9 yet, so each operation gets a plain Hypothesis test here.
"""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from tests.conftest import rate_limit_counts_reset

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "candidate",
    "civil_servant",
    "trainer",
    "admin_a",
    "supervisor",
    "city_admin",
)
EXAMPLES = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the failing example is reported
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def wsgi_app():
    """Django's WSGI application, keeping the test's connection (and transaction) open between
    requests, as Django's own test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _real_ids(world, role) -> dict:
    """Ids of objects the role may reach: their own open attempt, institution A, …"""
    attempt = world.attempts.get(role) or world.attempts["candidate"]
    return {
        "attempt_id": attempt.pk,
        "position": 1,
        "quiz_id": world.quiz.pk,
        "course_id": world.course.pk,
        "lesson_id": world.lesson.pk,
        "institution_id": world.units["a"].pk,
    }


def _failure(operation, error: BaseException) -> str:
    return f"{operation.method.upper()} {operation.path}: {type(error).__name__}: {error}"


@pytest.mark.parametrize("role", ROLES)
def test_api_conforms_to_its_schema(role, world, wsgi_app):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    real = _real_ids(world, role)
    headers = {"Accept-Language": "en"}
    if role != "anonymous":
        headers["Authorization"] = f"Token {world.tokens[role]}"

    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @EXAMPLES
        @given(case=operation.as_strategy())
        def check(case):
            rate_limit_counts_reset()  # the verification API's rate limit has its own tests
            for name, value in (case.path_parameters or {}).items():
                # Even ids point at a real object the role may reach; odd ones stay made up.
                if name in real and isinstance(value, int) and value % 2 == 0:
                    case.path_parameters[name] = real[name]
            case.call_and_validate(
                headers=headers,
                excluded_checks=[positive_data_acceptance, ignored_auth],
                environ_base={"REMOTE_ADDR": "127.0.0.1"},  # as every WSGI server sets it
            )

        try:
            check()
        except (Exception, BaseExceptionGroup) as error:  # every operation is tried and reported
            failures.append(_failure(operation, error))
    assert not failures, "\n\n".join(failures)
