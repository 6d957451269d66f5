"""Writes on people: registration, profile, roles."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from lms.roles import Role

User = get_user_model()


@transaction.atomic
def user_register(
    *,
    username: str,
    password: str,
    real_name: str = "",
    email: str = "",
    preferred_language: str = "",
) -> User:
    """Create a self-registered account. Everyone who registers starts as a candidate."""
    user = User(
        username=username, real_name=real_name, email=email, preferred_language=preferred_language
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    role_grant(user=user, role=Role.CANDIDATE)
    return user


@transaction.atomic
def user_create_unclaimed(*, username: str, real_name: str, phone: str = "", email: str = ""):
    """An account an admin makes for someone: a candidate with no usable password until they
    choose one (from an invitation or a password reset). ``username`` is made unique."""
    base, number = username[:140], 1
    while User.objects.filter(username__iexact=username).exists():
        number += 1
        username = f"{base}-{number}"
    user = User(username=username, real_name=real_name, phone=phone, email=email)
    user.set_unusable_password()
    user.full_clean()
    user.save()
    role_grant(user=user, role=Role.CANDIDATE)
    return user


def role_grant(*, user, role: Role) -> None:
    group, _created = Group.objects.get_or_create(name=role.value)
    user.groups.add(group)


def user_profile_update(
    *, user, real_name: str, phone: str, email: str, preferred_language: str
) -> User:
    user.real_name, user.phone, user.email = real_name, phone, email
    user.preferred_language = preferred_language
    user.full_clean()
    user.save(update_fields=["real_name", "phone", "email", "preferred_language"])
    _sync_admin_language(user)
    return user


def user_language_set(*, user, language: str) -> None:
    user.preferred_language = language
    user.full_clean(validate_unique=False)
    user.save(update_fields=["preferred_language"])
    _sync_admin_language(user)


def _sync_admin_language(user) -> None:
    """The Wagtail admin keeps its own language setting; keep it equal to the account's."""
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    if profile.preferred_language != user.preferred_language:
        profile.preferred_language = user.preferred_language
        profile.save(update_fields=["preferred_language"])
