"""Settings shared by every environment.

Every value that differs between machines is read here, through the one ``env`` reader, and
described in ``.env.example``. The environment modules (dev, test, production) only change
defaults and switch features.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from lms.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="insecure-dev-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "lms",
    "institutions",
    "courses",
    "quizzes",
    "certificates",
    "institutions.reporting",
    "fixtures",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # First: every later middleware's log lines carry the request id; one log line per request.
    "lms.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "lms.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "lms.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the user and their language are known: a signed-in person who still owes the
    # second sign-in step (a code, or setting up an authenticator) reaches nothing else.
    "lms.two_factor_middleware.SecondStepMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into Qihang's lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lms.notices.unread_notices",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Only cursors that bind parameters on the server prepare statements: the answer-save
    # path's (quizzes.services.answer_store). Django's own cursors never do. Set
    # DATABASE_PREPARED_STATEMENTS=false behind a pooler that cannot keep prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        0 if env.bool("DATABASE_PREPARED_STATEMENTS", default=True) else None
    )
# A read replica for statistics and report files (lms/db_router.py): only the reads inside
# lms.db_router.reports_database() go there. Unset: everything uses DATABASE_URL.
REPORTS_DATABASE_URL = env("REPORTS_DATABASE_URL", default="")
if REPORTS_DATABASE_URL:
    DATABASES["reports"] = env.db_url_config(REPORTS_DATABASE_URL)
    DATABASES["reports"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["reports"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["lms.db_router.ReportsRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Security headers and rate limits ------------------------------------------------------------
# Production adds HTTPS, HSTS and secure cookies (lms/settings/production.py).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No site may frame Qihang; Wagtail's own preview frames (same origin) override it per view.
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Qihang's JavaScript reads the CSRF token from the page's form, never from the cookie (Wagtail's
# admin and the API docs get it from the page too).
CSRF_COOKIE_HTTPONLY = True
# Forms may be posted from the site's own address (SITE_URL) unless a list is given.
_site = urlsplit(SITE_URL)
CSRF_TRUSTED_ORIGINS = CSRF_TRUSTED_ORIGINS or [f"{_site.scheme}://{_site.netloc}"]
# Content Security Policy (django-csp, lms/csp.py): scripts, styles, fonts and images only from
# Qihang itself, no inline scripts, event handlers or style attributes, and no framing. Video
# players may be framed from the hosts lessons may embed (courses/blocks.py). The Wagtail admin
# under /admin/ gets its own policy with the relaxations it needs (lms/csp.py).
CSP_VIDEO_PLAYER_ORIGINS = env.list(
    "CSP_VIDEO_PLAYER_ORIGINS",
    default=[
        "https://player.bilibili.com",
        "https://v.qq.com",
        "https://player.youku.com",
        "https://www.youtube.com",
    ],
)
_CSP_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "media-src": ["'self'"],
    "worker-src": ["'self'"],
    "manifest-src": ["'self'"],
    "frame-src": ["'self'", *CSP_VIDEO_PLAYER_ORIGINS],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# CSP_REPORT_ONLY=true sends the policy as Content-Security-Policy-Report-Only (browsers report
# violations and block nothing), for trying a change on a live site.
CSP_REPORT_ONLY = env.bool("CSP_REPORT_ONLY", default=False)
CONTENT_SECURITY_POLICY = None if CSP_REPORT_ONLY else {"DIRECTIVES": _CSP_DIRECTIVES}
CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _CSP_DIRECTIVES} if CSP_REPORT_ONLY else None
# Wagtail 8's admin still writes inline <script> initialisers (inline panels, date pickers),
# style attributes and data:/blob: image previews, and frames its own page previews.
CSP_ADMIN_DIRECTIVES = {
    **_CSP_DIRECTIVES,
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "frame-ancestors": ["'self'"],
}
# The admin shows no Gravatar pictures: no third-party image host (and no hash of an editor's email
# sent to one, often unreachable from China); Wagtail's own default avatar instead.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Rate limits (django-ratelimit and lms/ratelimits.py), "count/period" with s, m, h or d and an
# optional multiple ("10/5m"): per window, the count allowed; one more is refused with 429.
# Where rate limits read the client's address. Behind a proxy, a header the proxy sets and
# clients cannot (nginx: `proxy_set_header X-Real-IP $remote_addr;` → HTTP_X_REAL_IP).
RATELIMIT_IP_META_KEY = env("RATELIMIT_IP_META_KEY", default="REMOTE_ADDR")
# While the cache (Redis) is down nothing can be counted: let requests through, do not refuse them.
RATELIMIT_FAIL_OPEN = True
# Look-ups of the public certificate verification page and API per address.
CERTIFICATE_VERIFY_RATE = env("CERTIFICATE_VERIFY_RATE", default="30/m")
# Sign-ins: per address generous (a training room signs in behind one NAT address), per username
# strict (guessing one person's password).
LOGIN_RATE_PER_ADDRESS = env("LOGIN_RATE_PER_ADDRESS", default="300/10m")
LOGIN_RATE_PER_USERNAME = env("LOGIN_RATE_PER_USERNAME", default="10/10m")
REGISTER_RATE_PER_ADDRESS = env("REGISTER_RATE_PER_ADDRESS", default="100/h")
PASSWORD_RESET_RATE_PER_ADDRESS = env("PASSWORD_RESET_RATE_PER_ADDRESS", default="20/h")
PASSWORD_RESET_RATE_PER_EMAIL = env("PASSWORD_RESET_RATE_PER_EMAIL", default="5/h")
# Answer saves: a candidate saves about one answer a second at most, and a whole exam room shares
# one NAT address.
ANSWER_SAVE_RATE_PER_USER = env("ANSWER_SAVE_RATE_PER_USER", default="120/m")
ANSWER_SAVE_RATE_PER_ADDRESS = env("ANSWER_SAVE_RATE_PER_ADDRESS", default="600/m")
# --------------------------------------------------------------------------------------------
# Days before a certificate expires when its holder and their institution admins are reminded.
CERTIFICATE_REMINDER_DAYS = env.list("CERTIFICATE_REMINDER_DAYS", cast=int, default=[90, 30, 7])
# Days before an assignment's due date when its learner is reminded (two values, far then near).
ASSIGNMENT_REMINDER_DAYS = env.list("ASSIGNMENT_REMINDER_DAYS", cast=int, default=[30, 7])
# Statistics: the fewest graded answers on a knowledge point before it can be called weak.
WEAK_POINT_MIN_ANSWERS = env.int("WEAK_POINT_MIN_ANSWERS", default=20)
# How long a dashboard's figures are reused before they are computed again (0: never reused).
STATISTICS_CACHE_SECONDS = env.int("STATISTICS_CACHE_SECONDS", default=300)
# Item statistics: a burst of submits to one quiz is computed once, this long after the first.
ITEM_STATISTICS_DELAY_SECONDS = env.int("ITEM_STATISTICS_DELAY_SECONDS", default=300)
# The pass prediction uses a question's difficulty calibrated from real answers once it has this
# many (first) answers; below, the author's 1–5 rating.
ITEM_CALIBRATION_MIN_ANSWERS = env.int("ITEM_CALIBRATION_MIN_ANSWERS", default=30)
# Second marking: two marks of an answer further apart than this many points go to a moderator.
SECOND_MARK_TOLERANCE = env.float("SECOND_MARK_TOLERANCE", default=2.0)

# Roster imports by institution admins: largest upload, most data rows, and the most an XLSX
# file may unpack to (a guard against zip bombs).
ROSTER_MAX_UPLOAD_BYTES = env.int("ROSTER_MAX_UPLOAD_BYTES", default=5 * 1024 * 1024)
ROSTER_MAX_ROWS = env.int("ROSTER_MAX_ROWS", default=20_000)
ROSTER_MAX_UNPACKED_BYTES = env.int("ROSTER_MAX_UNPACKED_BYTES", default=100 * 1024 * 1024)

REDIS_URL = env("REDIS_URL", default="")
# Seconds the cache waits for Redis to connect or answer. The cache never fails a request: while
# Redis is down, reads miss and writes are dropped (logged by the "lms.cache" logger).
CACHE_SOCKET_TIMEOUT = env.float("CACHE_SOCKET_TIMEOUT", default=0.5)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "qihang",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": CACHE_SOCKET_TIMEOUT,
                "SOCKET_TIMEOUT": CACHE_SOCKET_TIMEOUT,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "lms.cache"
    # Sessions are read from Redis on every signed-in request (answer saves from the browser
    # included) and written through to the database, so a Redis restart signs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "lms.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "my-learning"
LOGOUT_REDIRECT_URL = "/"
# Argon2 (memory-hard) for new and re-hashed passwords; older PBKDF2 hashes still verify and are
# upgraded at the next sign-in. It also costs half the CPU of PBKDF2 at Django's default strength,
# which matters when a whole city signs in for a mock exam at the same hour.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# django-axes watches every sign-in first; ModelBackend checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Sign-in security ---------------------------------------------------------------------------
# Passwords chosen at registration, password change and password reset (accounts made by a
# command or the demo loader are not checked): at least PASSWORD_MIN_LENGTH characters, not a
# common or all-digit password, not like the username or name, and either three kinds of
# character or a passphrase of PASSWORD_PASSPHRASE_LENGTH characters (lms.password_validation).
PASSWORD_MIN_LENGTH = env.int("PASSWORD_MIN_LENGTH", default=10)
PASSWORD_PASSPHRASE_LENGTH = env.int("PASSWORD_PASSPHRASE_LENGTH", default=16)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "lms.password_validation.LengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "lms.password_validation.CharacterVarietyValidator",
        "OPTIONS": {"passphrase_length": PASSWORD_PASSPHRASE_LENGTH},
    },
]
# Lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username from one
# address, that username is refused from that address for AXES_COOLOFF_MINUTES (every further
# try restarts the wait). Locking the pair, not the address or the username alone: an exam room
# behind one NAT address shares an address, so one person guessing cannot lock the whole room
# out; and someone guessing a colleague's password from elsewhere cannot lock the colleague out
# at their own desk. Guessing one password from many addresses is slowed by the rate limits.
# The page is Qihang's (lms.lockout); the address is read as the rate limits read it
# (RATELIMIT_IP_META_KEY). Unlock early: `manage.py axes_reset_username <username>`; a password
# reset also unlocks the account.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_MINUTES = env.int("AXES_COOLOFF_MINUTES", default=15)
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "lms.ratelimits.client_address"
AXES_LOCKOUT_CALLABLE = "lms.lockout.lockout_response"
# Failed attempts are kept (and expire after the cool-off); successful sign-ins are not logged
# by django-axes: one row per sign-in of a whole city would be personal data without a use.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Two-factor sign-in (django-otp, TOTP): optional for trainers, institution admins and
# supervisors, required for city admins (and superusers) when TWO_FACTOR_REQUIRED_FOR_CITY_ADMINS
# is on: they set it up before anything else works. Wrong codes wait 1, 2, 4, ... seconds.
TWO_FACTOR_REQUIRED_FOR_CITY_ADMINS = env.bool("TWO_FACTOR_REQUIRED_FOR_CITY_ADMINS", default=True)
OTP_TOTP_ISSUER = "Qihang"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Recovery codes made when two-factor sign-in is turned on, each usable once.
TWO_FACTOR_RECOVERY_CODES = 10
# ---------------------------------------------------------------------------------------------

# Languages: Chinese is the default; English is complete. Message ids are English.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "lms" / "locale"]
LANGUAGE_COOKIE_NAME = "qihang_language"
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# Files only their owners may see (certificate PDFs): never served by the proxy, only through
# views that check who is asking.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "var" / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Email
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=BASE_DIR / "var" / "mail")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="启航 Qihang <noreply@qihang.local>")

# Celery: one app in lms/celery.py reads every CELERY_* setting.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# Every task is acknowledged after it ran and handed to another worker when its own dies, so
# each must be safe to run twice; database and broker outages are retried (lms.taskbase).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request waits at most about 0.6 s for a broker that is down (three tries); then the task is
# kept in the database and sent when the broker is back (lms.queueing).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
# A starting worker also sends the tasks kept while the broker was down.
DEFERRED_TASKS_AT_WORKER_START = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    # Tasks kept while the broker was down (lms.queueing).
    "send-deferred-tasks": {
        "task": "lms.tasks.send_deferred_tasks",
        "schedule": 60.0,
    },
    # Attempts past their deadline and grace are submitted by this sweep (or by the learner's
    # next request); there is no task per attempt waiting in the broker for its deadline.
    "submit-overdue-attempts": {
        "task": "quizzes.tasks.submit_overdue_attempts",
        "schedule": 30.0,
    },
    "certificate-expiry-reminders": {
        "task": "certificates.tasks.send_expiry_reminders",
        "schedule": 3600.0,  # hourly: a missed run is caught up by the next
    },
    # Institution reporting: assignments for everyone a requirement covers, then reminders.
    "generate-assignments": {
        "task": "institutions.reporting.tasks.generate_assignments",
        "schedule": crontab(hour=1, minute=30),
    },
    "assignment-reminders": {
        "task": "institutions.reporting.tasks.send_assignment_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    # Last month's reports on the 1st, last year's on 2 January; a missed run is made up by
    # running the task again (each report is built once).
    "monthly-reports": {
        "task": "institutions.reporting.tasks.schedule_reports",
        "schedule": crontab(day_of_month=1, hour=3, minute=0),
        "kwargs": {"kind": "monthly"},
    },
    # Item statistics of every quiz with new attempts, then bank-wide and the calibration.
    "item-statistics": {
        "task": "quizzes.tasks.refresh_item_statistics",
        "schedule": crontab(hour=2, minute=15),
    },
    "annual-reports": {
        "task": "institutions.reporting.tasks.schedule_reports",
        "schedule": crontab(month_of_year=1, day_of_month=2, hour=4, minute=0),
        "kwargs": {"kind": "annual"},
    },
}
# Queues: "celery" (email and light work), "attempts" (the deadline sweep), "analysis" (mastery
# and the wrong-answer notebook after each submit), "certificates", "reports" (institution
# statistics, report files, assignments and their reminders). A worker per queue scales each.
CELERY_TASK_ROUTES = {
    "quizzes.tasks.submit_overdue_attempts": {"queue": "attempts"},
    "quizzes.tasks.after_submit": {"queue": "analysis"},
    "quizzes.tasks.compute_quiz_statistics": {"queue": "analysis"},
    "quizzes.tasks.refresh_item_statistics": {"queue": "analysis"},
    "quizzes.tasks.regrade_with_corrected_key": {"queue": "analysis"},
    "certificates.tasks.*": {"queue": "certificates"},
    "institutions.reporting.tasks.*": {"queue": "reports"},
}
# Seconds before Redis hands a task that a worker took but never acknowledged (the worker was
# killed) to another worker. Longer than any task runs, and longer than any countdown or ETA
# (ITEM_STATISTICS_DELAY_SECONDS must stay below it): a task waiting for its time longer than
# this would be handed out again meanwhile, and run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=900),
}
CELERY_TIMEZONE = TIME_ZONE

# Wagtail
WAGTAIL_SITE_NAME = "启航 Qihang"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_USER_CUSTOM_FIELDS = ["real_name", "preferred_language"]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
WAGTAILEMBEDS_RESPONSIVE_HTML = True

# Uploads and content
# Every upload is checked by its content, not its name, and against a limit per kind
# (lms/uploads.py). Personal files (evidence, rosters, question files, reports, exports,
# certificate PDFs) are stored in PRIVATE_MEDIA_ROOT and leave it only through views that check
# who asks. Authored HTML is cleaned by one allow-list (lms/html.py).
UPLOAD_EVIDENCE_MAX_BYTES = env.int("UPLOAD_EVIDENCE_MAX_BYTES", default=5 * 1024 * 1024)
UPLOAD_QUESTION_FILE_MAX_BYTES = env.int("UPLOAD_QUESTION_FILE_MAX_BYTES", default=20 * 1024 * 1024)
# The most a ZIP-based upload (.xlsx, .docx, .pptx, a QTI package, .zip) may unpack to.
UPLOAD_MAX_UNPACKED_BYTES = env.int("UPLOAD_MAX_UNPACKED_BYTES", default=200 * 1024 * 1024)
# Images (lessons, certificate seals): read by Pillow, never SVG (an SVG can carry scripts).
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "gif", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env.int("UPLOAD_IMAGE_MAX_BYTES", default=10 * 1024 * 1024)
# Documents: content checked against the extension; served by Wagtail's view, which applies a
# document's privacy settings (the proxy does not serve /media/documents/).
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "pptx", "xlsx", "txt", "mp4", "webm", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = env.int("UPLOAD_DOCUMENT_MAX_BYTES", default=50 * 1024 * 1024)
WAGTAILDOCS_DOCUMENT_FORM_BASE = "lms.upload_forms.DocumentForm"
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Request bodies without files (forms, JSON) up to this size; uploaded files above
# FILE_UPLOAD_MAX_MEMORY_SIZE are spooled to a temporary file instead of memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# REST API
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes a request without credentials a 401
    # (with the session first, DRF would answer 403 and a client could not tell it apart from
    # "not allowed").
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "lms.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "lms.api_schema.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "lms.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Qihang API",
    "DESCRIPTION": _("Exam preparation and social-work training: syllabus, courses, progress."),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_URLCONF": "lms.api_urlconf",
    # `make check` validates the schema of lms.api_urlconf strictly; the deploy check would
    # also walk the Wagtail admin's internal API, which is not ours to document.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI is served from our own static files, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Study time: a heartbeat every HEARTBEAT_INTERVAL seconds from an active tab; a gap longer
# than STUDY_IDLE_CUTOFF_SECONDS credits nothing; one heartbeat credits at most
# STUDY_MAX_CREDIT_SECONDS.
HEARTBEAT_INTERVAL_SECONDS = 30
STUDY_IDLE_CUTOFF_SECONDS = 90
STUDY_MAX_CREDIT_SECONDS = 60

# Quizzes: answers arriving up to this many seconds after a deadline are still accepted (the
# browser flushes what it holds when time runs out); later ones are refused.
QUIZ_SAVE_GRACE_SECONDS = 30
# A question leaves the wrong-answer notebook after this many correct answers in a row.
REVIEW_RETIRE_AFTER = 3

# Logs: one console handler, "text" for a terminal or "json" (one object a line, the production
# default) for a log collector; each line carries the request id (lms.logs, lms.request_id).
LOG_FORMAT = env("LOG_FORMAT", default="text")
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = logging_config(LOG_FORMAT, LOG_LEVEL)
# Error reports (production settings only, and only with a DSN; see lms/error_reporting.py).
SENTRY_DSN = env("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", default="production")
SENTRY_RELEASE = env("SENTRY_RELEASE", default="")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)
