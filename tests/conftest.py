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


@pytest.fixture
def api(db):
    from rest_framework.test import APIClient

    return APIClient()
