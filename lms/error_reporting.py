"""Error reports to Sentry (or a compatible service), only when ``SENTRY_DSN`` is set.

Without a DSN the SDK is not even imported. With one, unhandled errors of requests and Celery
tasks are reported, each tagged with the request id (``lms.request_id``) so that a report leads
to the log lines of the same request, and with no personal data: no user, no cookies, no request
bodies or query strings, no local variables (a learner's name or phone number can sit in any of
them). Performance traces are off unless ``SENTRY_TRACES_SAMPLE_RATE`` is above zero.
"""

from typing import Any

from lms import request_id


def error_reporting_init(
    *, dsn: str, environment: str = "", release: str = "", traces_sample_rate: float = 0.0
) -> bool:
    """Start reporting errors to ``dsn``; does nothing (returns False) without one."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # No personal data: send_default_pii stays off (its default in every sentry-sdk 2.x;
        # passing it explicitly is deprecated from 2.75), and what it does not cover is
        # switched off here or removed by scrub_and_tag.
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=traces_sample_rate or None,
        before_send=scrub_and_tag,
    )
    return True


def error_reporting_shutdown(timeout: float = 2.0) -> None:
    """Send what is queued, then stop reporting (a later ``error_reporting_init`` starts again)."""
    import sys

    if "sentry_sdk" not in sys.modules:
        return
    import sentry_sdk

    sentry_sdk.get_client().close(timeout=timeout)
    sentry_sdk.get_global_scope().set_client(None)


def scrub_and_tag(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    """Tag the event with the request id; drop what could identify a person."""
    current = request_id.current()
    if current:
        event.setdefault("tags", {})["request_id"] = current
    event.pop("user", None)
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("query_string", "cookies", "data"):
            request.pop(key, None)
        if isinstance(request.get("url"), str):
            request["url"] = request["url"].split("?", 1)[0]
    return event
