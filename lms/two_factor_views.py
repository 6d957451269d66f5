"""Pages of two-factor sign-in: its status on the profile, setting it up, recovery codes, and
the code asked for after the password."""

from base64 import b32encode
from urllib.parse import urlencode

import django_otp
import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from lms import two_factor
from lms.two_factor_forms import CodeForm


@login_required
def overview(request):
    """On or off; turning it off takes a code."""
    user = request.user
    if not two_factor.two_factor_offered(user):
        raise PermissionDenied
    device = two_factor.totp_device(user)
    required = two_factor.two_factor_required(user)
    form = None
    if device is not None and not required:
        form = CodeForm(
            request.POST or None,
            user=user,
            check=lambda code: two_factor.code_verify(user=user, code=code),
        )
        if request.method == "POST" and form.is_valid():
            two_factor.two_factor_disable(user=user)
            messages.success(request, _("Two-factor sign-in is off."))
            return redirect("two-factor")
    return render(
        request,
        "lms/two_factor/overview.html",
        {"device": device, "required": required, "form": form},
    )


@login_required
def setup(request):
    """Scan the QR code (or type the key), then confirm with the app's first code."""
    user = request.user
    if not (two_factor.two_factor_offered(user) or two_factor.two_factor_required(user)):
        raise PermissionDenied
    if two_factor.totp_device(user) is not None:
        return redirect("two-factor")
    device = two_factor.totp_device_start(user=user)
    form = CodeForm(
        request.POST or None,
        user=user,
        check=lambda code: two_factor.totp_code_check(device=device, code=code),
    )
    if request.method == "POST" and form.is_valid():
        codes = two_factor.totp_device_confirm(device=device)
        django_otp.login(request, device)
        request.session[two_factor.STEP_SESSION_KEY] = two_factor.DONE
        request.session[two_factor.NEW_CODES_SESSION_KEY] = codes
        messages.success(request, _("Two-factor sign-in is on."))
        target = reverse("two-factor-recovery-codes")
        after = _next_url(request, "")
        return redirect(f"{target}?{urlencode({'next': after})}" if after else target)
    key = b32encode(device.bin_key).decode()
    return render(
        request,
        "lms/two_factor/setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "key_groups": [key[i : i + 4] for i in range(0, len(key), 4)],
            "next": request.GET.get("next", ""),
            "required": two_factor.two_factor_required(user),
        },
    )


@login_required
def recovery_codes(request):
    """New recovery codes are shown here once; making new ones takes a signed-in session that
    gave a code."""
    user = request.user
    if two_factor.totp_device(user) is None:
        return redirect("two-factor")
    if request.method == "POST":
        if not user.is_verified():
            raise PermissionDenied
        request.session[two_factor.NEW_CODES_SESSION_KEY] = two_factor.recovery_codes_renew(
            user=user
        )
        return redirect("two-factor-recovery-codes")
    codes = request.session.pop(two_factor.NEW_CODES_SESSION_KEY, None)
    return render(
        request,
        "lms/two_factor/recovery_codes.html",
        {"codes": codes, "next": _next_url(request, "")},
    )


@login_required
def verify(request):
    """The second step after the password."""
    user = request.user
    if two_factor.totp_device(user) is None:
        return redirect(_next_url(request, "my-learning"))
    form = CodeForm(
        request.POST or None,
        user=user,
        check=lambda code: two_factor.code_verify(user=user, code=code),
    )
    if request.method == "POST" and form.is_valid():
        django_otp.login(request, form.device)
        request.session[two_factor.STEP_SESSION_KEY] = two_factor.DONE
        return redirect(_next_url(request, "my-learning"))
    return render(
        request, "lms/two_factor/verify.html", {"form": form, "next": request.GET.get("next", "")}
    )


def _next_url(request, default: str) -> str:
    """Where to go after the step: ``next`` when it is on this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return reverse(default) if default else ""


def _qr_svg(text: str) -> str:
    """The QR code as inline SVG markup (no script, no style attribute, no data: URL)."""
    qr = segno.make(text, error="m")
    return mark_safe(qr.svg_inline(scale=5, dark="#000", light="#fff", title=_("QR code")))  # noqa: S308
