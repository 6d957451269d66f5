"""Two-factor sign-in (django-otp): an authenticator app's codes (TOTP), plus recovery codes.

Who: trainers, institution admins and supervisors may turn it on; city admins (and superusers)
must have it when ``TWO_FACTOR_REQUIRED_FOR_CITY_ADMINS`` is on. Whoever has it gives a code after
the password before anything else works.

What a session still owes is decided once, when the password is accepted, and kept in the
session (``STEP_SESSION_KEY``): ``SecondStepMiddleware`` reads it there, so that requests of
people without two-factor sign-in cost no extra query.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lms.roles import Role

STEP_SESSION_KEY = "qihang_second_step"
# Recovery codes just made, shown once by the recovery-codes page and then dropped.
NEW_CODES_SESSION_KEY = "qihang_new_recovery_codes"
DONE, VERIFY, ENROLL = "done", "verify", "enroll"
OFFERED_ROLES = (Role.TRAINER, Role.INSTITUTION_ADMIN, Role.SUPERVISOR, Role.CITY_ADMIN)


def two_factor_required(user) -> bool:
    """City admins (and superusers, who can do all a city admin can) must use it."""
    if not settings.TWO_FACTOR_REQUIRED_FOR_CITY_ADMINS or not user.is_authenticated:
        return False
    return user.is_superuser or user.groups.filter(name=Role.CITY_ADMIN.value).exists()


def two_factor_offered(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser
        or user.groups.filter(name__in=[role.value for role in OFFERED_ROLES]).exists()
        or totp_device(user) is not None
    )


def totp_device(user, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


def step_owed(user) -> str:
    """What someone who has just given their password still owes: a code, an authenticator
    set up, or nothing."""
    if totp_device(user) is not None:
        return VERIFY
    return ENROLL if two_factor_required(user) else DONE


def code_verify(*, user, code: str):
    """The device that accepts ``code`` (a six-digit authenticator code or a recovery code, used
    up), or None. Wrong codes make the device wait before it checks again (django-otp)."""
    code = "".join(code.split()).lower()
    if len(code) == 6 and code.isdigit():
        device = totp_device(user)
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None and device.verify_token(code):
        return device
    return None


def throttled_until(user):
    """When the person's devices check codes again after too many wrong ones, or None."""
    devices = [*TOTPDevice.objects.filter(user=user), *StaticDevice.objects.filter(user=user)]
    for device in devices:
        allowed, data = device.verify_is_allowed()
        if not allowed and data and data.get("locked_until"):
            return data["locked_until"]
    return None


def totp_device_start(*, user) -> TOTPDevice:
    """The authenticator being set up: kept until confirmed, so that reloading the page shows
    the same QR code."""
    device = totp_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Qihang", confirmed=False)
    return device


def totp_code_check(*, device: TOTPDevice, code: str) -> TOTPDevice | None:
    """The authenticator being set up, if ``code`` is its current code."""
    return device if device.verify_token("".join(code.split())) else None


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice) -> list[str]:
    """Turn two-factor sign-in on with the authenticator whose code was just checked; returns
    the new recovery codes."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    return recovery_codes_renew(user=device.user)


@transaction.atomic
def recovery_codes_renew(*, user) -> list[str]:
    """New recovery codes; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.TWO_FACTOR_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def two_factor_disable(*, user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


@receiver(user_logged_in, dispatch_uid="lms.two_factor.step_at_sign_in")
def _step_at_sign_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[STEP_SESSION_KEY] = step_owed(user)
