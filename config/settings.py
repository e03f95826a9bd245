"""Django settings for hoinghi, read from environment variables.

Defaults suit a laptop (SQLite under var/, an embedded filesystem broker, e-mail
written to files). Production sets DEBUG=false, SECRET_KEY, DATABASE_URL
(PostgreSQL) and CELERY_BROKER_URL (Redis); see the README's configuration table.
"""

import datetime
import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HOINGHI_VAR_DIR", BASE_DIR / "var"))
# SQLite, the embedded broker, file cache and file e-mail live here by default; each entry point
# makes the folders (config.local_dirs), importing these settings writes nothing.


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Only ever used on a developer's laptop: DEBUG is on and no key was given.
    SECRET_KEY = "dev-only-insecure-key-hoinghi-0123456789-abcdefghijklmnopqrstuvwxyz"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
if DEBUG:
    ALLOWED_HOSTS += ["testserver"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Absolute base for links that leave the site (e-mails, QR codes, calendar files).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Who to contact about the site (shown where a page may not name a conference's host).
SITE_CONTACT = os.environ.get("SITE_CONTACT", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
    "conferences",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.http.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns a sign-in refused for too many failures into the lockout page (HTTP 429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database ---------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'hoinghi.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the worker and beat all write to one file: wait for the
    # lock instead of failing, and take it at BEGIN so no transaction has to
    # be upgraded (and possibly refused) half-way.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory: a worker process started by a test must see the same data.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_hoinghi.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "conferences:sign-in"
LOGIN_REDIRECT_URL = "conferences:workspace"
# A password reset link works this long (Django's default is three days: long for a link sent by e-mail).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT_HOURS", 24) * 3600
# How often one client (address) may ask for a reset link per hour, and one account get one per window.
PASSWORD_RESET_LIMIT = env_int("PASSWORD_RESET_LIMIT", 5)
PASSWORD_RESET_EMAIL_WINDOW_MINUTES = env_int("PASSWORD_RESET_EMAIL_WINDOW_MINUTES", 10)

# Failed sign-ins (the admin, the API token endpoint, any sign-in through django.contrib.auth):
# LOGIN_FAILURE_LIMIT failures for one account, or from one client address, lock that account
# and that client out for LOGIN_LOCKOUT_MINUTES after the last failure, the right password
# included. `manage.py axes_reset` (or axes_reset_username / axes_reset_ip) lifts a lockout.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # The sign-in page takes a username or an e-mail address.
    "conferences.auth_backends.EmailBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "core.http.client_ip"
AXES_USERNAME_CALLABLE = "conferences.auth_backends.sign_in_identifier"
AXES_LOCKOUT_CALLABLE = "conferences.views.sign_in.sign_in_locked_out"

# Internationalisation -----------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# Static and media files -----------------------------------------------------------
STATIC_URL = os.environ.get("STATIC_URL", "/static/")
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Uploads that only some people may read (papers): no URL, served by a view that checks access.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Its folder is PRIVATE_MEDIA_ROOT (core.storage reads the setting, so tests can move it).
    "private": {"BACKEND": "core.storage.PrivateFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Request bodies: form fields and JSON at most DATA_UPLOAD_MAX_MEMORY_SIZE (a paper's body of
# 200,000 characters fits); files above FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file.
# The size of an uploaded paper is limited while it streams (core.uploads), per call for papers.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 1000)
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("DATA_UPLOAD_MAX_NUMBER_FILES", 10)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2621440)
# Private files are readable by the application's user and group only.
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750

# E-mail ----------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "hoinghi <no-reply@hoinghi.local>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Security (production values whenever DEBUG is off) --------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
X_FRAME_OPTIONS = "DENY"
# Every response: scripts, styles, images, fonts and frames from this site only, nothing inline
# (no 'unsafe-inline' anywhere); data: images for Swagger UI's icons. Views may send their own.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The reverse proxies in front of the application server (addresses or networks, e.g.
# "127.0.0.1" or "10.0.0.0/24"). X-Forwarded-For is believed only when a request comes from
# one of them; empty, the header is ignored and the client is REMOTE_ADDR (core.http.client_ip).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_proxy!r} is not an address or network.") from _error

# REST framework ---------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "conferences.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # DRF's JSON parser with a depth limit (a deeply nested body is a 400, not a RecursionError).
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "conferences.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "conferences.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.api_exception_handler",
    "DEFAULT_METADATA_CLASS": "core.api_metadata.Metadata",
    "DEFAULT_THROTTLE_RATES": {
        "auth": os.environ.get("API_AUTH_THROTTLE", "20/min"),
        "rsvp": os.environ.get("API_RSVP_THROTTLE", "30/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "hoinghi API",
    "DESCRIPTION": "Conference management for Vietnamese government review conferences.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and Redoc from drf-spectacular-sidecar's static files, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every operation documents the API's error format (core.api) as its 400/401/403/404.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api_docs.add_error_responses",
        # Who may call is in each description (conferences.api.schema.AutoSchema); examples of every body.
        "conferences.api.schema.add_examples",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ConferenceKindEnum": "conferences.models.Conference.Kind",
        "OrganizationKindEnum": "conferences.models.Organization.Kind",
        "ConferenceStatusEnum": "conferences.models.Conference.Status",
        "ConferenceRoleEnum": "conferences.models.ConferenceRole.Role",
        "NotificationStateEnum": "notifications.models.Notification.State",
        "AgendaItemKindEnum": "conferences.models.AgendaItem.Kind",
        "InvitationStatusEnum": "conferences.models.Invitation.Status",
        "RegistrationStatusEnum": "conferences.models.Registration.Status",
        "PaperStatusEnum": "conferences.models.Paper.Status",
        "FileKindEnum": "conferences.models.FileKind",
        "CertificateKindEnum": "conferences.models.Certificate.Kind",
        "JobKindEnum": "conferences.models.Job.Kind",
        "JobStatusEnum": "conferences.models.Job.Status",
        "ProceedingsKindEnum": "conferences.models.Proceedings.Kind",
        "ProceedingsVariantEnum": "conferences.models.Proceedings.Variant",
        "AuditActionEnum": "conferences.models.AuditEntry.Action",
        "CertificateBulkActionEnum": "conferences.api.serializers.bulk.CERTIFICATE_BULK_ACTIONS",
        "CertificateStateEnum": "conferences.selectors.certificate_lists.STATES",
    },
}

# Cache: shared by every process when CACHE_URL names Redis (rate limits need that).
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Celery -------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://localhost/")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The embedded broker: messages are files in one folder that the web process,
    # the worker and beat share. No server to run, good for a laptop and the demo.
    _broker_dir = Path(os.environ.get("CELERY_BROKER_DIR", VAR_DIR / "broker"))
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    # Redis redelivers an unacknowledged task after this long; it must exceed the
    # longest task time limit or a slow task would run twice at once.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    }
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 540)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# Long document builds (the proceedings) run on a queue of their own, so they never delay notices;
# every worker must consume it: `celery worker -Q celery,documents` (scripts/run-demo.sh does).
CELERY_TASK_ROUTES = {
    "conferences.tasks.build_proceedings": {"queue": "documents"},
    "conferences.tasks.render_document": {"queue": "documents"},
}
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "close-finished-conferences": {
        "task": "conferences.tasks.close_finished_conferences",
        "schedule": 15 * 60,
    },
    "redispatch-stalled-work": {
        "task": "conferences.tasks.redispatch_stalled_work",
        "schedule": 5 * 60,
    },
    # Papers asked for revisions are locked (and accepted) within minutes of their round's close.
    "lock-revised-papers": {
        "task": "conferences.tasks.lock_revised_papers",
        "schedule": 5 * 60,
    },
}
# A publish or letter task not done this long after its request is sent again by beat.
STALLED_WORK_SECONDS = env_int("STALLED_WORK_SECONDS", 15 * 60)

# Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # WeasyPrint and fontTools log every font decision at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Documents and invitations -------------------------------------------------------------
# The place line of documents ("Hà Nội, ngày ... tháng ... năm ...").
DOCUMENT_PLACE = os.environ.get("DOCUMENT_PLACE", "Hà Nội")
# Helper processes each Celery worker process keeps, warm, to lay out a long document's chunks on
# another core (conferences/documents/workers.py); 0 lays every document out in the worker alone.
# Each costs about 100 MB of memory and a second of start-up, once.
DOCUMENT_RENDER_HELPERS = env_int("DOCUMENT_RENDER_HELPERS", 1)
# The drafting unit after "Lưu: VT," in "Nơi nhận".
DOCUMENT_DRAFTING_UNIT = os.environ.get("DOCUMENT_DRAFTING_UNIT", "")
# Who signs invitation letters: "KT. BỘ TRƯỞNG" / "THỨ TRƯỞNG" / name.
INVITATION_SIGNING = {
    "authority": os.environ.get("INVITATION_SIGNING_AUTHORITY", "KT. BỘ TRƯỞNG"),
    "title": os.environ.get("INVITATION_SIGNER_TITLE", "THỨ TRƯỞNG"),
    "name": os.environ.get("INVITATION_SIGNER_NAME", ""),
}
# An RSVP link works until the RSVP deadline (or the conference's start) plus this many days.
RSVP_LINK_GRACE_DAYS = env_int("RSVP_LINK_GRACE_DAYS", 3)
# Reminders to agencies that have not answered, this many days before the RSVP deadline.
RSVP_REMINDER_DAYS = [int(d) for d in env_list("RSVP_REMINDER_DAYS", "7,2")]
# Wrong RSVP or delegate links allowed per client address in 10 minutes before it is refused.
RSVP_GUESS_LIMIT = env_int("RSVP_GUESS_LIMIT", 20)
# Wrong certificate verification codes allowed per client address in 10 minutes.
CERTIFICATE_GUESS_LIMIT = env_int("CERTIFICATE_GUESS_LIMIT", 20)

# Agenda: publishing version 2+ also sends a short notice with the new PDF to every registered
# person whose own items did not change (the people whose items changed always get a personal one).
AGENDA_NOTIFY_ALL = env_bool("AGENDA_NOTIFY_ALL", True)

# Notifications -------------------------------------------------------------------------
# Messages per minute to one outgoing mail server, across all workers (0: no limit).
NOTIFICATIONS_RATE_LIMIT_PER_MINUTE = env_int("NOTIFICATIONS_RATE_LIMIT_PER_MINUTE", 0)
NOTIFICATIONS_MAX_ATTEMPTS = env_int("NOTIFICATIONS_MAX_ATTEMPTS", 8)
# On PostgreSQL each sent mark commits without waiting for the disk flush unless this is on
# (notifications/services/delivery.py says what that risks).
NOTIFICATIONS_SYNCHRONOUS_COMMIT = env_bool("NOTIFICATIONS_SYNCHRONOUS_COMMIT", False)
NOTIFICATIONS_RETRY_BASE_SECONDS = env_int("NOTIFICATIONS_RETRY_BASE_SECONDS", 60)
NOTIFICATIONS_RETRY_MAX_SECONDS = env_int("NOTIFICATIONS_RETRY_MAX_SECONDS", 6 * 3600)
# A worker holds the rows it claimed this long; a dead worker's rows go out again after it.
NOTIFICATIONS_LEASE_SECONDS = env_int("NOTIFICATIONS_LEASE_SECONDS", 300)
# A queued row not delivered after this long is queued again by the sweeper.
NOTIFICATIONS_REQUEUE_SECONDS = env_int("NOTIFICATIONS_REQUEUE_SECONDS", 600)
# Kinds held for an organizer's approval; unset keeps each kind's default (notifications/kinds.py).
NOTIFICATIONS_HELD_KINDS = (
    env_list("NOTIFICATIONS_HELD_KINDS") if os.environ.get("NOTIFICATIONS_HELD_KINDS") else None
)
CELERY_BEAT_SCHEDULE["sweep-notifications"] = {
    "task": "notifications.tasks.sweep_notifications",
    "schedule": env_int("NOTIFICATIONS_SWEEP_SECONDS", 30),
}
