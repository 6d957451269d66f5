"""Sign-in, registration and password reset: one request over a limit gets the form again with a
message and 429; another username, email or address is still served."""

import os
import uuid

import pytest

from lms.ratelimits import retry_after
from tests.factories import UserFactory
from tests.ratelimit_cache import fresh_cache  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

REFUSED = "Too many attempts from here in a short time"


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def log_in(client, username, address):
    return client.post(
        "/accounts/login/", {"username": username, "password": "wrong"}, REMOTE_ADDR=address
    )


def test_login_is_limited_per_username_from_any_address(client, settings):
    settings.LOGIN_RATE_PER_USERNAME = "2/m"
    UserFactory(username="wang")
    codes = [log_in(client, "wang", f"198.51.100.{n}").status_code for n in range(3)]
    assert codes == [200, 200, 429]
    refused = log_in(client, "Wang ", "198.51.100.9")  # the same name, written differently
    assert refused.status_code == 429 and refused["Retry-After"].isdigit()
    page = refused.content.decode()
    assert REFUSED in page and 'name="username"' in page
    assert log_in(client, "li", "198.51.100.9").status_code == 200


def test_login_is_limited_per_address(client, settings):
    settings.LOGIN_RATE_PER_ADDRESS = "2/m"
    codes = [log_in(client, f"user{n}", "203.0.113.5").status_code for n in range(3)]
    assert codes == [200, 200, 429]
    assert log_in(client, "user9", "203.0.113.6").status_code == 200


def test_a_refused_login_does_not_sign_in_even_with_the_right_password(client, settings):
    settings.LOGIN_RATE_PER_USERNAME = "1/m"
    user = UserFactory(username="zhao")
    log_in(client, "zhao", "198.51.100.1")
    from tests.factories import PASSWORD

    refused = client.post("/accounts/login/", {"username": "zhao", "password": PASSWORD})
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session and user.last_login is None


def register(client, address, username):
    return client.post(
        "/accounts/register/",
        {"username": username, "password1": "x", "password2": "y"},  # invalid: nothing created
        REMOTE_ADDR=address,
    )


def test_registration_is_limited_per_address(client, settings):
    settings.REGISTER_RATE_PER_ADDRESS = "2/h"
    codes = [register(client, "203.0.113.7", f"new{n}").status_code for n in range(3)]
    assert codes == [200, 200, 429]
    assert REFUSED in register(client, "203.0.113.7", "new9").content.decode()
    assert register(client, "203.0.113.8", "new9").status_code == 200


def reset(client, email, address):
    return client.post("/accounts/password_reset/", {"email": email}, REMOTE_ADDR=address)


def test_password_reset_is_limited_per_email(client, settings, mailoutbox):
    settings.PASSWORD_RESET_RATE_PER_EMAIL = "2/h"
    codes = [reset(client, "a@example.com", f"198.51.100.{n}").status_code for n in range(3)]
    assert codes == [302, 302, 429]
    refused = reset(client, "A@example.com", "198.51.100.20")
    assert refused.status_code == 429 and REFUSED in refused.content.decode()
    assert reset(client, "b@example.com", "198.51.100.20").status_code == 302


def test_password_reset_is_limited_per_address(client, settings):
    settings.PASSWORD_RESET_RATE_PER_ADDRESS = "2/h"
    codes = [reset(client, f"{n}@example.com", "203.0.113.9").status_code for n in range(3)]
    assert codes == [302, 302, 429]
    assert reset(client, "9@example.com", "203.0.113.10").status_code == 302


def test_behind_a_proxy_the_address_comes_from_the_proxys_header(client, settings):
    settings.LOGIN_RATE_PER_ADDRESS = "1/m"
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    first = client.post(
        "/accounts/login/", {"username": "a"}, HTTP_X_REAL_IP="203.0.113.1", **proxy
    )
    other = client.post(
        "/accounts/login/", {"username": "b"}, HTTP_X_REAL_IP="203.0.113.2", **proxy
    )
    again = client.post(
        "/accounts/login/", {"username": "c"}, HTTP_X_REAL_IP="203.0.113.1", **proxy
    )
    assert [first.status_code, other.status_code, again.status_code] == [200, 200, 429]


def test_pages_are_not_counted_only_posts(client, settings):
    settings.LOGIN_RATE_PER_ADDRESS = "1/m"
    for _ in range(3):
        assert client.get("/accounts/login/").status_code == 200
    assert log_in(client, "x", "127.0.0.1").status_code == 200


def test_counts_let_requests_through_while_the_cache_is_down(cache_down, settings):
    assert "redis" in settings.CACHES["default"]["BACKEND"].lower()
    limits = [("login-address", "203.0.113.1", "1/m")]
    assert [retry_after(limits) for _ in range(3)] == [None, None, None]


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL, `make test`)")
def test_with_redis_a_requests_limits_cost_one_round_trip(settings, monkeypatch):
    import redis

    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"ratelimit-test-{uuid.uuid4()}",
        }
    }
    calls = []
    execute = redis.client.Pipeline.execute
    monkeypatch.setattr(
        redis.client.Pipeline, "execute", lambda pipe, *a, **kw: calls.append(1) or execute(pipe)
    )
    limits = [("user", "u1", "2/m"), ("address", "203.0.113.1", "5/m")]
    assert [retry_after(limits) is None for _ in range(3)] == [True, True, False]
    assert retry_after([("user", "u2", "2/m"), ("address", "203.0.113.1", "5/m")]) is None
    assert len(calls) == 4  # one pipeline (one round trip) per request
