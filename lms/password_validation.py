"""Qihang's own password rules, next to Django's validators (``AUTH_PASSWORD_VALIDATORS``)."""

from django.contrib.auth.password_validation import MinimumLengthValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class LengthValidator(MinimumLengthValidator):
    """Django's length rule, with its message in Qihang's catalogue: Django 5.2 reworded it and
    its own Chinese catalogue has only the old wording, so the refusal came out in English."""

    def get_error_message(self):
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


def _kinds(password: str) -> int:
    """How many kinds of character a password mixes: lowercase, uppercase, digits, and the rest
    (symbols, spaces, Chinese characters)."""
    return sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not (c.islower() or c.isupper() or c.isdigit()) for c in password),
        )
    )


class CharacterVarietyValidator:
    """At least three kinds of character, or a long passphrase of any kind."""

    def __init__(self, min_kinds: int = 3, passphrase_length: int = 16):
        self.min_kinds = min_kinds
        self.passphrase_length = passphrase_length

    def validate(self, password: str, user=None) -> None:
        if len(password) >= self.passphrase_length or _kinds(password) >= self.min_kinds:
            return
        raise ValidationError(
            _(
                "This password mixes too few kinds of character. Use at least three of: "
                "lowercase letters, uppercase letters, digits, and symbols or Chinese "
                "characters; or make it a passphrase of at least %(length)d characters."
            ),
            code="password_too_plain",
            params={"length": self.passphrase_length},
        )

    def get_help_text(self) -> str:
        return _(
            "Use at least three of: lowercase letters, uppercase letters, digits, and symbols or "
            "Chinese characters; or a passphrase of at least %(length)d characters."
        ) % {"length": self.passphrase_length}
