import re

import pytest
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lms.two_factor import recovery_codes_renew
from tests.factories import PASSWORD, UserFactory

VERIFY = "/accounts/two-factor/verify/"
SETUP = "/accounts/two-factor/setup/"


def code_of(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def half_a_minute_later(device: TOTPDevice) -> None:
    """An authenticator code is taken once; the next sign-in uses the app's next code."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)


def a_moment_later(user) -> None:
    """Wrong codes make the next check wait a second or more; the wait is over."""
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user).update(throttling_failure_count=0)


def with_authenticator(user) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="Qihang", confirmed=True)
    recovery_codes_renew(user=user)
    return device


def sign_in(client, user):
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


@pytest.fixture
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_a_trainer_turns_it_on_with_a_code_from_the_qr_codes_key(english, trainer):
    english.force_login(trainer)
    page = english.get(SETUP)
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html) and "style=" not in html
    device = TOTPDevice.objects.get(user=trainer, confirmed=False)
    assert english.get(SETUP).context["key_groups"] == page.context["key_groups"]  # same key

    wrong = english.post(SETUP, {"code": "000000" if code_of(device) != "000000" else "111111"})
    assert "That code is not right" in wrong.content.decode()
    a_moment_later(trainer)

    response = english.post(SETUP, {"code": code_of(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    codes_page = english.get(response["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", codes_page)
    assert len(codes) == 10
    assert set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    assert not re.findall(
        r"<li><code>", english.get("/accounts/two-factor/recovery-codes/").content.decode()
    )


def test_with_two_factor_on_every_page_waits_for_the_code(english, trainer):
    device = with_authenticator(trainer)
    sign_in(english, trainer)
    for path in ("/learning/", "/accounts/profile/", "/admin/"):
        response = english.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(VERIFY)
    assert english.get("/api/v1/me/").status_code == 403

    code_page = english.get(VERIFY).content.decode()
    assert "Log out" in code_page and "/learning/" not in code_page  # a menu of nothing else

    wrong = english.post(VERIFY, {"code": "12345a", "next": "/learning/"})
    assert "That code is not right" in wrong.content.decode()
    assert english.get("/learning/").status_code == 302

    a_moment_later(trainer)
    done = english.post(VERIFY, {"code": code_of(device), "next": "/learning/"})
    assert done.status_code == 302 and done["Location"] == "/learning/"
    assert english.get("/learning/").status_code == 200
    assert english.get("/api/v1/me/").status_code == 200


def test_wrong_codes_make_the_next_check_wait(english, trainer):
    device = with_authenticator(trainer)
    sign_in(english, trainer)
    wrong = "000000" if code_of(device) != "000000" else "111111"
    english.post(VERIFY, {"code": wrong})
    english.post(VERIFY, {"code": wrong})
    response = english.post(VERIFY, {"code": code_of(device)})  # right, but too soon
    assert "Too many wrong codes. Try again after" in response.content.decode()
    assert english.get("/learning/").status_code == 302


def test_the_wagtail_admin_sign_in_cannot_skip_the_code(english, city_admin):
    with_authenticator(city_admin)
    english.post("/admin/login/", {"username": city_admin.username, "password": PASSWORD})
    assert english.get("/admin/").status_code == 302
    assert english.get("/admin/pages/").status_code == 302


def test_a_recovery_code_works_once(english, trainer):
    with_authenticator(trainer)
    code = StaticToken.objects.filter(device__user=trainer).first().token
    sign_in(english, trainer)
    assert english.post(VERIFY, {"code": code.upper()}).status_code == 302
    assert english.get("/learning/").status_code == 200
    english.post("/accounts/logout/")
    sign_in(english, trainer)
    again = english.post(VERIFY, {"code": code})
    assert "That code is not right" in again.content.decode()
    assert english.get("/learning/").status_code == 302


@override_settings(TWO_FACTOR_REQUIRED_FOR_CITY_ADMINS=True)
def test_a_city_admin_must_set_it_up_before_anything_else(english, city_admin):
    sign_in(english, city_admin)
    for path in ("/learning/", "/admin/", "/institutions/roster/", "/accounts/two-factor/"):
        response = english.get(path)
        assert response.status_code == 302 and response["Location"].startswith(SETUP), path
    api = english.get("/api/v1/me/")
    assert api.status_code == 403
    assert api.json()["detail"] == "Finish two-factor sign-in on the website first."
    assert english.get(VERIFY).status_code == 302
    language = english.post("/language/", {"language": "en", "next": "/"})
    assert language.status_code == 302 and language.cookies["qihang_language"].value == "en"

    page = english.get(SETUP + "?next=/admin/")
    assert "City admins must use two-factor sign-in." in page.content.decode()
    device = TOTPDevice.objects.get(user=city_admin)
    response = english.post(SETUP, {"code": code_of(device), "next": "/admin/"})
    assert english.get(response["Location"]).status_code == 200  # the recovery codes
    assert english.get("/admin/").status_code == 200


@override_settings(TWO_FACTOR_REQUIRED_FOR_CITY_ADMINS=True)
def test_a_city_admin_can_sign_out_while_owing_the_setup(english, city_admin):
    sign_in(english, city_admin)
    assert english.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in english.session


@override_settings(TWO_FACTOR_REQUIRED_FOR_CITY_ADMINS=True)
def test_a_city_admin_cannot_turn_it_off(english, city_admin):
    device = with_authenticator(city_admin)
    sign_in(english, city_admin)
    english.post(VERIFY, {"code": code_of(device)})
    page = english.get("/accounts/two-factor/")
    assert "City admins must keep two-factor sign-in on." in page.content.decode()
    half_a_minute_later(device)
    english.post("/accounts/two-factor/", {"code": code_of(device)})
    assert TOTPDevice.objects.filter(user=city_admin, confirmed=True).exists()


def test_turning_it_off_takes_a_code(english, trainer):
    device = with_authenticator(trainer)
    sign_in(english, trainer)
    english.post(VERIFY, {"code": code_of(device)})
    wrong = english.post("/accounts/two-factor/", {"code": "abcdefgh"})
    assert wrong.status_code == 200 and TOTPDevice.objects.filter(user=trainer).exists()
    half_a_minute_later(device)
    a_moment_later(trainer)
    english.post("/accounts/two-factor/", {"code": code_of(device)})
    assert not TOTPDevice.objects.filter(user=trainer).exists()
    assert not StaticToken.objects.filter(device__user=trainer).exists()


def test_candidates_are_not_offered_two_factor_sign_in(client, candidate):
    client.force_login(candidate)
    assert client.get("/accounts/two-factor/").status_code == 403
    assert client.get(SETUP).status_code == 403
    assert "/accounts/two-factor/" not in client.get("/accounts/profile/").content.decode()


def test_the_profile_links_to_it_for_trainers(client, trainer):
    client.force_login(trainer)
    assert "/accounts/two-factor/" in client.get("/accounts/profile/").content.decode()


def test_people_without_two_factor_sign_in_see_no_change(client, candidate):
    sign_in(client, candidate)
    assert client.get("/learning/").status_code == 200


TOKEN = "/api/v1/auth/token/"


@override_settings(TWO_FACTOR_REQUIRED_FOR_CITY_ADMINS=True)
def test_a_city_admin_gets_no_api_token_without_two_factor_sign_in(api, city_admin):
    response = api.post(TOKEN, {"username": city_admin.username, "password": PASSWORD})
    assert response.status_code == 403 and "token" not in response.json()


def test_with_two_factor_on_an_api_token_takes_a_code(api, city_admin):
    device = with_authenticator(city_admin)
    credentials = {"username": city_admin.username, "password": PASSWORD}
    assert api.post(TOKEN, credentials).status_code == 400
    assert api.post(TOKEN, {**credentials, "otp_token": "12345x"}).status_code == 400
    a_moment_later(city_admin)
    response = api.post(TOKEN, {**credentials, "otp_token": code_of(device)})
    assert response.status_code == 200 and response.json()["token"]


def test_people_without_two_factor_get_a_token_as_before(api, trainer):
    response = api.post(TOKEN, {"username": trainer.username, "password": PASSWORD})
    assert response.status_code == 200 and response.json()["token"]


def test_a_session_from_before_two_factor_sign_in_existed_is_checked_too(client, db):
    user = UserFactory(role="trainer")
    device = with_authenticator(user)
    client.force_login(user)
    session = client.session
    session.pop("qihang_second_step")
    session.save()
    assert client.get("/learning/")["Location"].startswith(VERIFY)
    client.post(VERIFY, {"code": code_of(device)})
    assert client.get("/learning/").status_code == 200
