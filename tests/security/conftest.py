import pytest
from django.db import transaction
from django.utils import translation

from tests.security.world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world, built once per module inside a transaction that is rolled back at the end;
    each test runs in a savepoint of its own, so what one test changes the next never sees."""
    with django_db_blocker.unblock(), translation.override("en"):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def as_role(client, world):
    """A test client signed in as ``role`` (browser session)."""

    def _as(role):
        client.logout()
        user = world.user(role)
        if user is not None:
            client.force_login(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return _as


@pytest.fixture
def api_as(world):
    """A DRF test client that sends ``role``'s API token (none for anonymous)."""
    from rest_framework.test import APIClient

    def _as(role):
        api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        if world.tokens.get(role):
            api.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[role]}")
        return api

    return _as
