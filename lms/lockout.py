"""Locked-out sign-ins (django-axes): where the client's address comes from, and the page shown.

django-axes counts wrong passwords per username and address (``AXES_LOCKOUT_PARAMETERS``);
these two functions are the hooks it calls (``AXES_CLIENT_IP_CALLABLE``,
``AXES_LOCKOUT_CALLABLE``).
"""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone


def lockout_response(request, original_response=None, credentials=None):
    """Qihang's lockout page, status 429: when to try again, and that a reset is possible.

    The wait restarts with every try during the lockout, so it counts from now."""
    retry_at = timezone.localtime(timezone.now() + settings.AXES_COOLOFF_TIME)
    response = render(
        request,
        "registration/locked_out.html",
        {"retry_at": retry_at, "minutes": settings.AXES_COOLOFF_MINUTES},
        status=429,
    )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
