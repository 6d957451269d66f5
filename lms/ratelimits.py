"""Rate limits of sign-in, registration, password reset and answer saving.

Each limit is a counter per (limit, client address / username / email / user) and fixed time
window in the cache; a request over any of its limits is refused with 429 and the seconds until
its window ends. All of a request's counters go to the cache together: with Redis one round trip
(a pipeline), however many limits. While the cache is down nothing is counted and nothing refused
(RATELIMIT_FAIL_OPEN). Addresses are read as for the certificate limits (RATELIMIT_IP_META_KEY).
"""

import hashlib
import ipaddress
import logging
import time
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.utils.translation import gettext as _
from django_ratelimit.core import _split_rate

logger = logging.getLogger("lms.cache")

EXPIRY_MARGIN = 5  # seconds a counter outlives its window, so that no request finds it gone


def client_address(request) -> str:
    """The client's address: the header named by ``RATELIMIT_IP_META_KEY`` (which the proxy
    sets), else the connection's own address (a request that did not come through the proxy);
    IPv6 clients count by their /64 network. "" when there is none: then nothing is counted per
    address, rather than the request failing."""
    meta = request.META
    address = meta.get(settings.RATELIMIT_IP_META_KEY or "REMOTE_ADDR") or meta.get("REMOTE_ADDR")
    try:
        network = ipaddress.ip_network(f"{address}/{64 if ':' in address else 32}", strict=False)
    except (TypeError, ValueError):
        return ""
    return str(network.network_address)


def address_key(group, request) -> str:
    """``client_address`` as a django-ratelimit key."""
    return client_address(request)


def per_address(setting: str):
    """A django-ratelimit rate: the rate in ``settings.<setting>`` for a client with an address,
    none without one (all of those would otherwise share one count)."""
    return lambda group, request: getattr(settings, setting) if client_address(request) else None


def _cache_key(name: str, value: str, count: int, period: int, window: int) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]  # no addresses or tokens as keys
    return f"rl:{name}:{count}/{period}:{window}:{digest}"


def _count_redis(keys: list[str], periods: list[int]) -> list[int]:
    client = cache.client.get_client(write=True)
    pipe = client.pipeline(transaction=False)
    for key, period in zip(keys, periods, strict=True):
        pipe.incr(cache.make_key(key))
        pipe.expire(cache.make_key(key), period + EXPIRY_MARGIN)
    return pipe.execute()[::2]


def _count_other(keys: list[str], periods: list[int]) -> list[int]:
    counts = []
    for key, period in zip(keys, periods, strict=True):
        if cache.add(key, 1, period + EXPIRY_MARGIN):
            counts.append(1)
        else:
            counts.append(cache.incr(key))
    return counts


def retry_after(limits: list[tuple[str, str, str]]) -> int | None:
    """Count one request against each ``(name, value, rate)``: the seconds until the client may
    try again when a count is over its rate, else None. Empty values are not counted."""
    limits = [limit for limit in limits if limit[1]]
    if not limits or not getattr(settings, "RATELIMIT_ENABLE", True):
        return None
    now = int(time.time())
    keys, periods, allowed, ends = [], [], [], []
    for name, value, rate in limits:
        count, period = _split_rate(rate)
        window = now // period
        keys.append(_cache_key(name, value, count, period, window))
        periods.append(period)
        allowed.append(count)
        ends.append((window + 1) * period)
    try:
        if hasattr(cache, "client") and hasattr(cache.client, "get_client"):  # django-redis
            counts = _count_redis(keys, periods)
        else:
            counts = _count_other(keys, periods)
    except Exception:  # the cache is down: fail open
        logger.warning("rate limits not counted: the cache is unavailable", exc_info=True)
        return None
    over = [end - now for end, seen, most in zip(ends, counts, allowed, strict=True) if seen > most]
    return max(1, max(over)) if over else None


def _refuse_form(request, view, args, kwargs, message: str, wait: int):
    """The form page again (as for a GET), with the message, and 429."""
    messages.error(request, message)
    request.method = "GET"
    response = view(request, *args, **kwargs)
    response.status_code = 429
    response["Retry-After"] = str(wait)
    return response


def limit_form_posts(limits_of, message_of):
    """Decorate a form view: its POSTs are counted against ``limits_of(request)``; one over is
    answered with the form again, ``message_of()`` above it, and 429."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST":
                wait = retry_after(limits_of(request))
                if wait is not None:
                    return _refuse_form(request, view, args, kwargs, message_of(), wait)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _too_many_attempts():
    return _("Too many attempts from here in a short time. Wait a few minutes and try again.")


def _posted(request, field: str) -> str:
    return request.POST.get(field, "").strip().lower()


login_limited = limit_form_posts(
    lambda request: [
        ("login-address", client_address(request), settings.LOGIN_RATE_PER_ADDRESS),
        ("login-username", _posted(request, "username"), settings.LOGIN_RATE_PER_USERNAME),
    ],
    _too_many_attempts,
)
register_limited = limit_form_posts(
    lambda request: [
        ("register-address", client_address(request), settings.REGISTER_RATE_PER_ADDRESS),
    ],
    _too_many_attempts,
)
password_reset_limited = limit_form_posts(
    lambda request: [
        ("reset-address", client_address(request), settings.PASSWORD_RESET_RATE_PER_ADDRESS),
        ("reset-email", _posted(request, "email"), settings.PASSWORD_RESET_RATE_PER_EMAIL),
    ],
    _too_many_attempts,
)


def answer_save_retry_after(request, user_key: str) -> int | None:
    """The answer save's limits, per user (or API token) and per address: one round trip."""
    return retry_after(
        [
            ("save-user", user_key, settings.ANSWER_SAVE_RATE_PER_USER),
            ("save-address", client_address(request), settings.ANSWER_SAVE_RATE_PER_ADDRESS),
        ]
    )
