"""The permission matrix of ``tests/security/matrix.py``, checked cell by cell, and checked to
cover every URL pattern of ``lms.urls`` and every operation of the OpenAPI schema."""

import re
from urllib.parse import urlencode, urlparse

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from tests.conftest import rate_limit_counts_reset
from tests.security.matrix import AWAY, BAD, DENY, LOGIN, MATRIX, OK
from tests.security.world import ROLES

pytestmark = pytest.mark.django_db

# Included URL maps that are covered as a whole by a few representative addresses.
WHOLE_PREFIXES = ("admin/", "documents/")

# Request bodies, where an empty one would not reach the access check's far side.
BODIES = {
    "api:answer-save": {"answer": [], "seq": 1},
    "api:me": {"real_name": "新名字"},
    "set-language": {"language": "en", "next": "/"},
}


def url_patterns() -> dict[str, str]:
    """Every named URL pattern of ``lms.urls`` as {name: route}, plus the prefixes of the
    included maps covered as a whole."""
    found: dict[str, str] = {}

    def walk(patterns, prefix: str, namespace: str):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if route in WHOLE_PREFIXES:
                    found.setdefault(f"/{route}", route)
                    continue
                space = f"{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, route, space)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}{pattern.name}" if pattern.name else f"/{route}"
                found.setdefault(name, route)

    walk(get_resolver().url_patterns, "", "")
    return found


def _placeholders(world) -> dict:
    return {
        "course_url": world.course.url,
        "lesson_url": world.lesson.url,
        "quiz": world.quiz.pk,
        "document": 999999,
    }


def _ids(world, role) -> dict[str, dict]:
    o = world.objects
    users = world.users
    return {
        "attempt_id": {
            "mine": (world.attempts.get(role) or world.attempts["candidate"]).pk,
            "member_b": world.attempts["member_b"].pk,
        },
        "position": {None: 1},
        "fmt": {None: "json"},
        "course_id": {None: world.course.pk},
        "lesson_id": {None: world.lesson.pk},
        "quiz_id": {None: world.quiz.pk},
        "knowledge_point_id": {None: world.knowledge_point.pk},
        "institution_id": {"a": world.units["a"].pk, "b": world.units["b"].pk, "unknown": 999999},
        "unit": {"a": world.units["a"].pk, "b": world.units["b"].pk},
        "institution": {"b": world.units["b"].pk},
        "requirement_id": {u: o[f"requirement_{u}"].pk for u in "ab"},
        "qualification_id": {u: o[f"qualification_{u}"].pk for u in "ab"},
        "report_id": {u: o[f"report_{u}"].pk for u in "ab"},
        "import_id": {u: o[f"roster_{u}"].pk for u in "ab"},
        "export_id": {u: o[f"export_{u}"].pk for u in "ab"},
        "entry_id": {u: o[f"hours_{u}"].pk for u in "ab"},
        "response_id": {None: o["marked_response"].pk, "other_bank": o["other_response"].pk},
        "template_id": {None: o["template"].pk},
        "user_id": {name: users[name].pk for name in ("candidate", "civil_servant", "member_b")},
        "code": {
            **{name: cert.code for name, cert in world.certificates.items()},
            "unknown": "no-such-code",
        },
        "key_id": {None: o["signing_key"].pk},
        "block": {None: 0},
        "uidb64": {None: "MQ"},
        "token": {None: "set-password"},
        "page_view_restriction_id": {None: 999999},
        "page_id": {None: 999999},
    }


def _url(world, role, target: str | None, name: str, routes: dict[str, str]) -> str:
    if name.startswith(("/", "{")):
        return name.format(**_placeholders(world))
    ids = _ids(world, role)
    query = ""
    if target and "=" in target:
        param, value = target.split("=", 1)
        query = "?" + urlencode({param: ids[param][value]})
        target = None
    kwargs = {}
    for kwarg in re.findall(r"<(?:\w+:)?(\w+)>", routes[name]):
        choices = ids.get(kwarg, {})
        key = target if target in choices else None
        if key not in choices:
            pytest.fail(f"{name}: no {kwarg!r} for target {target!r}; add it to _ids() here")
        kwargs[kwarg] = choices[key]
    return reverse(name, kwargs=kwargs) + query


def outcome(response, method: str) -> str:
    code = response.status_code
    if code == 401:
        return LOGIN
    if code in (403, 404):
        return DENY
    if code in (400, 409):
        return BAD
    if 300 <= code < 400:
        if urlparse(response["Location"]).path.endswith("/login/"):
            return LOGIN
        return AWAY if method == "GET" else OK
    if 200 <= code < 300:
        return OK
    return f"HTTP {code}"


ROUTES = url_patterns()


@pytest.mark.parametrize("key", list(MATRIX))
def test_matrix(key, world, as_role, api_as):
    name, method, *rest = key.split(" ")
    target = rest[0] if rest else None
    got = {}
    for role in ROLES:
        with transaction.atomic():
            rate_limit_counts_reset()  # rate limits of one cell do not leak into the next
            url = _url(world, role, target, name, ROUTES)
            body = BODIES.get(name, {})
            if name.startswith("api:"):
                response = getattr(api_as(role), method.lower())(url, body, format="json")
            else:
                response = getattr(as_role(role), method.lower())(url, body)
            got[role] = outcome(response, method)
            if response.streaming:  # read to the end: the test client then closes the file
                b"".join(response.streaming_content)
            transaction.set_rollback(True)
    expected = MATRIX[key]
    wrong = {role: f"got {got[role]}, expected {expected[role]}" for role in ROLES}
    wrong = {role: text for role, text in wrong.items() if got[role] != expected[role]}
    assert not wrong, f"{key} ({url}): {wrong}"


def _covered_names() -> set[str]:
    names = set()
    for key in MATRIX:
        name = key.split(" ")[0]
        names.add(name)
        if name.startswith("/"):
            names.add(resolve(name.split("{")[0]).view_name if "{" not in name else name)
            names.update(f"/{prefix}" for prefix in WHOLE_PREFIXES if name[1:].startswith(prefix))
    return names


def test_every_url_has_an_entry():
    covered = _covered_names()
    missing = sorted(f"{name} ({route})" for name, route in ROUTES.items() if name not in covered)
    assert not missing, (
        f"URL patterns without an entry; add them to tests/security/matrix.py: {missing}"
    )


def test_every_schema_operation_has_an_entry(client):
    schema = client.get(reverse("schema"), {"format": "json"}).json()
    keys = {" ".join(key.split(" ")[:2]) for key in MATRIX}
    missing = []
    for path, operations in schema["paths"].items():
        match = resolve(re.sub(r"\{\w+\}", "1", path))
        name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
        for method in operations:
            if method in ("get", "post", "put", "patch", "delete") and (
                f"{name} {method.upper()}" not in keys
            ):
                missing.append(f"{method.upper()} {path} ({name})")
    assert not missing, (
        f"API operations without an entry; add them to tests/security/matrix.py: {missing}"
    )
