"""Concord settings: everything that differs between machines comes from the environment.

The table of settings lives in README.md; keep the two in step.
"""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_float, env_int, env_list, env_str, renamed_env

BASE_DIR = Path(__file__).resolve().parent.parent
CONCORD_VAR_DIR = Path(env_str("CONCORD_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# With DEBUG on, unknown URLs still get the site's 404 page (apps.core.middleware.NotFoundPageMiddleware);
# TECHNICAL_404=1 shows Django's page listing the URL patterns instead.
TECHNICAL_404 = env_bool("TECHNICAL_404", False)

_DEV_SECRET = "dev-only-insecure-secret-key-do-not-use-in-production-0123456789"
SECRET_KEY = env_str("SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = _DEV_SECRET

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "axes",
    "apps.core",
    "apps.accounts",
    "apps.engagements",
    "apps.inputs",
    "apps.audit",
    "apps.conflicts",
    "apps.alignment",
    "apps.deliverables",
    "apps.approvals",
    "apps.notifications",
    "apps.planning",
    "apps.interchange",
    "apps.webhooks",
    "apps.workspace",
    "apps.outbox",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "apps.core.middleware.RejectMalformedInputMiddleware",  # NUL bytes, JSON nested too deep: 400 at the door
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # DEBUG (make run): the site's 404 page instead of Django's URL listing; inside CSP so it gets the header.
    "apps.core.middleware.NotFoundPageMiddleware",
    # Last, as django-axes asks: turns a sign-in lockout into the 429 answer (apps.accounts.throttling).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pmo_site.urls"
WSGI_APPLICATION = "pmo_site.wsgi.application"
ASGI_APPLICATION = "pmo_site.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.core.context_processors.concord",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{CONCORD_VAR_DIR / 'concord.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The zero-setup default: WAL lets the dev server and an in-process task read while writing.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out account or address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "apps.accounts.throttling.RequestAwareAxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Uploaded files (delivered documents of the plan of work). Never served from a public URL: a view checks
# membership and streams them, so MEDIA_URL is deliberately unused.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or CONCORD_VAR_DIR / "media")
PLANNING_UPLOAD_MAX_BYTES = env_int("PLANNING_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
if PLANNING_UPLOAD_MAX_BYTES <= 0:
    raise ImproperlyConfigured("PLANNING_UPLOAD_MAX_BYTES must be a positive number of bytes")

# --- e-mail -------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if env_str("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Concord <concord@localhost>")
# With EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend: the folder mails are written to.
if env_str("EMAIL_FILE_PATH"):
    EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH")
# Absolute links in notification e-mails, e.g. https://concord.example.com (empty: relative paths).
CONCORD_BASE_URL = env_str("CONCORD_BASE_URL", "").rstrip("/")
# Who may create an engagement (and so become its PMO): any of "staff" (is_staff accounts), "pmo" (people
# already PMO of an engagement), "anyone". Not everyone by default: a new engagement lets its creator invite
# any e-mail address, which is how accounts were enumerated across tenants.
ENGAGEMENT_CREATORS = env_list("CONCORD_ENGAGEMENT_CREATORS", ["staff", "pmo"])
if unknown := set(ENGAGEMENT_CREATORS) - {"staff", "pmo", "anyone"}:
    raise ImproperlyConfigured(f"CONCORD_ENGAGEMENT_CREATORS: unknown {sorted(unknown)}; use staff, pmo, anyone")

# --- security: secure defaults whenever DEBUG is off -------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- shared cache: sign-in throttles and the password-reset mail limit count here -----------
# Redis when there is one (every web process sees the same counts), else this process's memory.
REDIS_URL = env_str("REDIS_URL") or ""
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                "KEY_PREFIX": "concord"}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}

# --- Content-Security-Policy (django-csp 4): no inline script, nothing from another origin -----
# Scripts come only from this site (htmx, concord.js, Swagger UI from the sidecar), never inline: forms
# that ask before submitting carry data-confirm and concord.js asks. Styles allow inline because the
# progress bars carry their width in a style attribute and htmx injects its indicator style.
from csp.constants import NONE, SELF, UNSAFE_INLINE  # noqa: E402 - next to the policy it builds

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- sign-in throttling (django-axes for the login form, /admin/login/ and the API token) -----
# Locked per account OR per address: either reaching the limit refuses further attempts, without
# checking any password, until the cool-off has passed (each refused attempt restarts it).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(seconds=env_int("LOGIN_LOCKOUT_SECONDS", 900))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "apps.accounts.throttling.axes_username"
AXES_CLIENT_IP_CALLABLE = "apps.accounts.throttling.client_ip"
AXES_LOCKOUT_CALLABLE = "apps.accounts.throttling.lockout_response"
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # failures are what count; successful sign-ins need no row each
# Proxies in front that append to X-Forwarded-For (0: the peer address is the client's, and a client
# cannot pick its address by sending the header).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Password-reset e-mails (django-ratelimit, in the cache): per address and per e-mail address.
PASSWORD_RESET_RATE = env_str("PASSWORD_RESET_RATE", "5/h")

# --- REST API -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an API client with a bad token gets 401 + WWW-Authenticate, not a bare 403.
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.exception_handler",
    # Only the token endpoint is throttled by rate (per address); sign-in lockout is django-axes'.
    "DEFAULT_THROTTLE_RATES": {"auth-token": env_str("API_TOKEN_RATE", "30/min")},
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
}
# API tokens (django-rest-knox): hashed at rest, each expiring API_TOKEN_TTL_HOURS after it was issued
# (0: never). Sent as "Authorization: Token <token>", as before.
API_TOKEN_TTL_HOURS = env_int("API_TOKEN_TTL_HOURS", 24 * 30)
REST_KNOX = {"TOKEN_TTL": timedelta(hours=API_TOKEN_TTL_HOURS) if API_TOKEN_TTL_HOURS > 0 else None,
             "AUTH_HEADER_PREFIX": "Token", "AUTO_REFRESH": False}
SPECTACULAR_SETTINGS = {
    "TITLE": "Concord API",
    "DESCRIPTION": "The workspace of an integrative PMO: engagements, workstream inputs, "
    "findings, alignment sessions, traceable deliverables and sign-off.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "InputKindEnum": "apps.inputs.models.Input.Kind",
        # two models' "status" fields: without names of their own, input requests were documented with the
        # input statuses (draft/submitted/withdrawn) instead of open/closed
        "InputStatusEnum": "apps.inputs.models.Input.Status",
        "InputRequestStatusEnum": "apps.inputs.models.InputRequest.Status",
        "OrganizationKindEnum": "apps.accounts.models.Organization.Kind",
        "AlignmentSessionStatusEnum": "apps.alignment.models.AlignmentSession.Status",
        "WorkItemStatusEnum": "apps.planning.models.WorkItem.Status",
    },
}

# --- Celery -------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# No broker configured: tasks run in-process through exactly the same task code.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = env_bool("CELERY_TASK_EAGER_PROPAGATES", False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
from celery.schedules import crontab  # noqa: E402 - only the beat schedule needs it

CELERY_BEAT_SCHEDULE: dict = {
    # Webhook deliveries whose retry task was lost (worker crash, broker restart) are queued again.
    "webhooks-sweep": {"task": "webhooks.sweep", "schedule": 300.0, "options": {"expires": 240}},
    # Full conflict scan of every active engagement at 02:30 UTC; dropped if still queued 6 h later.
    "conflicts-nightly-scan": {"task": "conflicts.nightly_scan", "schedule": crontab(hour=2, minute=30),
                               "options": {"expires": 60 * 60 * 6}},
    # Publishes outbox rows the request could not (broker down at the time); expires so a backlog of
    # ticks during an outage collapses into one.
    "outbox-relay": {"task": "outbox.relay", "schedule": env_int("OUTBOX_RELAY_SECONDS", 30),
                     "options": {"expires": 60}},
}
# Fail fast when the broker is unreachable (the outbox keeps the task): one immediate reconnect attempt, so
# a request waits about 1 s on a dead Redis instead of kombu's default ~7 s of retries.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 3, "max_retries": 1, "interval_start": 0,
                                   "interval_step": 0.5, "interval_max": 1}

# --- conflict detection ---------------------------------------------------------------------
# Also compare an input with its own workstream's inputs (default: only other workstreams).
CONFLICTS_CHECK_OWN_WORKSTREAM = env_bool("CONFLICTS_CHECK_OWN_WORKSTREAM", False)
# Each setting reads the environment variable of the same name; retired names stop start-up (renamed_env).
renamed_env({"CONCORD_SCAN_BATCH_SIZE": "CONFLICTS_SCAN_BATCH",
             "CONCORD_SCAN_BATCH_SLEEP": "CONFLICTS_SCAN_BATCH_SLEEP"})
# Statements per batch of a full scan: one Celery task each, fanned out over every worker; progress
# moves and a killed worker's work is redone per batch.
CONFLICTS_SCAN_BATCH = env_int("CONFLICTS_SCAN_BATCH", 500)
# Pause between batches; 0 in production, raised by the worker test to catch a scan mid-way.
CONFLICTS_SCAN_BATCH_SLEEP = env_float("CONFLICTS_SCAN_BATCH_SLEEP", 0.0)
# A run still "running" this long after its last progress is taken over by a starting worker.
CONFLICTS_RUN_STALE_SECONDS = env_int("CONFLICTS_RUN_STALE_SECONDS", 900)
# Engagement indexes kept warm per worker process for incremental checks.
CONFLICTS_INDEX_CACHE_SIZE = env_int("CONFLICTS_INDEX_CACHE_SIZE", 4)
# Open "related — needs a look" pairs kept per statement (its most similar ones).
CONFLICTS_RELATED_PER_STATEMENT = env_int("CONFLICTS_RELATED_PER_STATEMENT", 3)

# Audit chain HMAC keys, "id:secret,…" (first signs, all verify); unset: derived from SECRET_KEY (apps.audit.keys).
AUDIT_HMAC_KEYS = env_str("AUDIT_HMAC_KEYS", "") or ""
# --- import / export / webhooks ---------------------------------------------------------------
# Largest requirement file accepted for import (bytes); 10,000 CSV/XLSX rows are well under 10 MB.
CONCORD_IMPORT_MAX_BYTES = env_int("CONCORD_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
# Webhook URLs may point at private, loopback, link-local or reserved addresses only when this is on
# (SSRF guard: checked when a hook is saved and again, on the resolved address, at every delivery).
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", False)
WEBHOOKS_TIMEOUT_SECONDS = env_float("WEBHOOKS_TIMEOUT_SECONDS", 10.0)
WEBHOOKS_MAX_ATTEMPTS = env_int("WEBHOOKS_MAX_ATTEMPTS", 8)
WEBHOOKS_RETRY_BASE_SECONDS = env_int("WEBHOOKS_RETRY_BASE_SECONDS", 30)
# Key that encrypts webhook signing secrets at rest (Fernet). Empty: derived from SECRET_KEY.
WEBHOOKS_SECRET_KEY = env_str("WEBHOOKS_SECRET_KEY") or ""

SIGNING_LOCKOUT_ATTEMPTS = env_int("SIGNING_LOCKOUT_ATTEMPTS", 5)
SIGNING_LOCKOUT_SECONDS = env_int("SIGNING_LOCKOUT_SECONDS", 900)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
