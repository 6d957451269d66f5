import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.factories import PASSWORD, UserFactory

PLAIN = "This password mixes too few kinds of character."


@pytest.fixture
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def register(client, password):
    return client.post(
        "/accounts/register/",
        {
            "username": "newbie",
            "real_name": "新学员",
            "password1": password,
            "password2": password,
        },
    )


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("zqxwvutsrpmk", PLAIN),  # one kind of character, not a passphrase
        ("Zq-9w", "This password is too short. It must contain at least 10 characters."),
        ("password1234", "This password is too common."),
        ("48151623429172", "This password is entirely numeric."),
        ("Newbie-2026", "The password is too similar to the username."),
    ],
)
def test_registration_refuses_weak_passwords_with_the_reason(english, db, password, message):
    response = register(english, password)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not get_user_model().objects.filter(username="newbie").exists()


@pytest.mark.parametrize("password", ["Qiao-liang-2026", "river lantern quietly folds"])
def test_registration_takes_three_kinds_or_a_long_passphrase(client, db, password):
    assert register(client, password).status_code == 302
    assert get_user_model().objects.get(username="newbie").check_password(password)


def test_the_registration_form_says_what_a_good_password_is(english, db):
    html = english.get("/accounts/register/").content.decode()
    assert "Use at least three of: lowercase letters, uppercase letters, digits" in html


def test_password_reset_refuses_a_weak_password(english, db):
    user = UserFactory(role="candidate")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    form = english.get(
        f"/accounts/reset/{uid}/{default_token_generator.make_token(user)}/", follow=True
    )
    response = english.post(
        form.redirect_chain[-1][0],
        {"new_password1": "qwertyuiopas", "new_password2": "qwertyuiopas"},
    )
    assert response.status_code == 200
    assert PLAIN in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_refuses_a_weak_password(english, candidate):
    english.force_login(candidate)
    response = english.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "mnbvcxzlkj", "new_password2": "mnbvcxzlkj"},
    )
    assert response.status_code == 200
    assert PLAIN in response.content.decode()
    candidate.refresh_from_db()
    assert candidate.check_password(PASSWORD)


def test_the_reasons_are_in_chinese_by_default(client, db):
    page = register(client, "Zq-9w").content.decode()
    assert "密码太短，至少需要 10 个字符。" in page
    assert "too short" not in page
