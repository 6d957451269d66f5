"""Test settings: PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set (``make test``)."""

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, env

DEBUG = False
SECRET_KEY = "test-only-secret-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The test database has a fixed name so that the Celery worker started by `make test` can use it.
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", default="qihang_test")}
# The reports replica is the test database itself; reads go there only where a test installs
# lms.db_router.ReportsRouter (tests/lms/test_db_router.py) or REPORTS_DATABASE_URL is set.
DATABASES.setdefault("reports", {**DATABASES["default"], "TEST": {"MIRROR": "default"}})
# The worker of `make test` starts before pytest has created the test database.
DEFERRED_TASKS_AT_WORKER_START = False
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "test-media")
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "var" / "test-private")
WAGTAILADMIN_BASE_URL = "http://testserver"
# Tests change data and look again at once; the cache is tested on its own.
STATISTICS_CACHE_SECONDS = env.int("STATISTICS_CACHE_SECONDS", default=0)
# City admins in the suite sign in without an authenticator; tests/lms/test_two_factor.py turns
# the rule on where it is the subject.
TWO_FACTOR_REQUIRED_FOR_CITY_ADMINS = False
