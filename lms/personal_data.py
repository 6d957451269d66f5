"""Masks for contact details and ID-like numbers. Who sees what unmasked, screen by screen,
is written down in ``institutions.personal_data``."""

import re

from django.utils.translation import gettext_lazy as _

MOBILE = re.compile(r"^\+?\d{7,15}$")
DELETED_NAME = _("Deleted user")


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; anything short keeps only its last two digits."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    if len(phone) >= 11:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    return "*" * max(len(phone) - 2, 1) + phone[-2:]


def mask_id(number: str) -> str:
    """110101199003071234 → 110***********1234 (ID cards, staff numbers)."""
    number = (number or "").strip()
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_email(email: str) -> str:
    """lina@example.com → l***@example.com."""
    local, at, domain = (email or "").partition("@")
    if not at:
        return mask_id(email)
    return f"{local[:1]}***@{domain}"


def mask_login(username: str) -> str:
    """A username that is a phone or an email, masked; any other username as it is."""
    username = username or ""
    phone, dash, suffix = username.partition("-")  # "13812345678-2": a second account
    if MOBILE.match(phone):
        return mask_phone(phone) + dash + suffix
    if "@" in username:
        return mask_email(username)
    return username


def list_name(real_name: str, username: str) -> str:
    """How lists and exports name a person: the real name, else the masked username."""
    return real_name or mask_login(username)
