from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db.models import F
from django.test import override_settings
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import PASSWORD, UserFactory

LOGIN = "/accounts/login/"
HERE, ELSEWHERE = "203.0.113.7", "203.0.113.8"


@pytest.fixture
def person(db):
    return UserFactory(role="candidate", username="lina")


def sign_in(client, username, password, address=HERE, **extra):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def lock_out(client, username, address=HERE):
    return [
        sign_in(client, username, "wrong-password", address).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]


def test_the_last_allowed_wrong_password_locks_the_account_with_qihangs_page(client, person):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    codes = lock_out(client, "lina")
    assert codes == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    right_password = sign_in(client, "lina", PASSWORD)
    assert right_password.status_code == 429
    page = right_password.content.decode()
    assert "Sign-in paused" in page
    assert "You can try again after" in page
    assert "/accounts/password_reset/" in page
    assert right_password["Retry-After"] == str(settings.AXES_COOLOFF_MINUTES * 60)
    assert "_auth_user_id" not in client.session


def test_only_that_username_from_that_address_is_locked(client, person):
    UserFactory(role="candidate", username="wang")
    lock_out(client, "lina", HERE)
    assert sign_in(client, "wang", PASSWORD, HERE).status_code == 302  # same exam room
    client.post("/accounts/logout/")
    assert sign_in(client, "lina", PASSWORD, ELSEWHERE).status_code == 302  # her own desk


@override_settings(RATELIMIT_IP_META_KEY="HTTP_X_REAL_IP")
def test_behind_the_proxy_the_address_is_the_one_the_proxy_passes_on(client, person):
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "lina", "password": "x"}, HTTP_X_REAL_IP=HERE, **proxy)
    ok = {"username": "lina", "password": PASSWORD}
    assert client.post(LOGIN, ok, HTTP_X_REAL_IP=HERE, **proxy).status_code == 429
    assert client.post(LOGIN, ok, HTTP_X_REAL_IP=ELSEWHERE, **proxy).status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, person):
    lock_out(client, "lina")
    assert sign_in(client, "lina", PASSWORD).status_code == 429
    waited = settings.AXES_COOLOFF_TIME + timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - waited)
    assert sign_in(client, "lina", PASSWORD).status_code == 302


def test_a_password_reset_ends_the_lockout(client, person):
    lock_out(client, "lina")
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    form = client.get(f"/accounts/reset/{uid}/{token}/", follow=True)
    new = "Lantern-river-2026"
    client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert sign_in(client, "lina", new).status_code == 302


def test_api_token_requests_count_towards_the_lockout_and_are_refused_while_locked(api, person):
    url = "/api/v1/auth/token/"
    codes = [
        api.post(url, {"username": "lina", "password": "x"}, REMOTE_ADDR=HERE).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert codes == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    right = api.post(url, {"username": "lina", "password": PASSWORD}, REMOTE_ADDR=HERE)
    assert right.status_code == 429 and "token" not in right.json()
    elsewhere = api.post(url, {"username": "lina", "password": PASSWORD}, REMOTE_ADDR=ELSEWHERE)
    assert elsewhere.status_code == 200 and elsewhere.json()["token"]


def test_failures_on_the_sign_in_page_and_the_api_add_up(client, api, person):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "lina", "wrong-password")
    last = api.post("/api/v1/auth/token/", {"username": "lina", "password": "x"}, REMOTE_ADDR=HERE)
    assert last.status_code == 429
    assert sign_in(client, "lina", PASSWORD).status_code == 429


def test_a_successful_sign_in_forgets_earlier_wrong_passwords(client, person):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "lina", "wrong-password")
    assert sign_in(client, "lina", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    assert sign_in(client, "lina", "wrong-password").status_code == 200  # counting from zero
    assert sign_in(client, "lina", PASSWORD).status_code == 302
