"""Benchmark settings: production, plus the bare one-row view that marks the stack's limit."""

from lms.settings.production import *  # noqa: F403

ROOT_URLCONF = "tests.bench.urls"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"handlers": [], "level": "WARNING"},
}
# wrk saves answers as fast as the stack takes them, for 50 candidates from one address: the
# limits are still counted (their cost is part of the figure) but never reached.
ANSWER_SAVE_RATE_PER_USER = "1000000/m"
ANSWER_SAVE_RATE_PER_ADDRESS = "1000000/m"
