"""Settings for the Community Strength Austin site.

Everything that differs between a laptop and production comes from the
environment (see .env.example). Debug is off unless DJANGO_DEBUG says
otherwise, and with debug off the secret key must be given.
"""

import os
from datetime import timedelta
from email.utils import getaddresses
from pathlib import Path

import dj_database_url
import dj_email_url
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

from config.logs import line_logging

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
# Every command reads .env, as `make run` does, so each one in the README works as written; a variable
# already in the environment wins. DJANGO_ENV_FILE names another file (the tests name none).
load_dotenv(os.environ.get("DJANGO_ENV_FILE") or BASE_DIR / ".env", override=False)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def proxy_ssl_header(value: str) -> tuple[str, str] | None:
    """Django's SECURE_PROXY_SSL_HEADER from "X-Forwarded-Proto: https"; None for "off" or empty."""
    name, _, expected = value.partition(":")
    if name.strip().lower() in ("", "off"):
        return None
    return f"HTTP_{name.strip().upper().replace('-', '_')}", expected.strip()


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false.")
    SECRET_KEY = "insecure-development-only-key"  # noqa: S105 - only ever used with DEBUG on

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "exercises.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "reversion",
    "reversion_compare",
    "adminsortable2",
    "markdownx",
    "huey.contrib.djhuey",
    "csp",
    "exercises.apps.LoginAttemptsConfig",
    "django_otp",
    "exercises.apps.TwoStepLoginConfig",
    "exercises",
]

MIDDLEWARE = [
    # Outermost, so static files and cached pages carry these headers too.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Inside the header middleware, so the refusal carries the same headers as any page.
    "exercises.site.http.RefuseTraceMiddleware",
    "exercises.site.http.ConditionalListsMiddleware",
    "exercises.site.http.RefusedCodingsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Answers cached public pages once Django has checked the host, and before authentication or a view
    # touches the database.
    "exercises.pagecache.PageCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view reads the body (the CSRF check does): an oversized photo upload is refused unread.
    "exercises.photos.views.OversizedUploadMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its page.
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "exercises.gym.context_processors.site",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
# SQLite in var/ by default; DATABASE_URL=postgres://... for a fleet.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers and the huey worker write to one file:
    # WAL lets readers run beside a writer, IMMEDIATE takes the write lock
    # up front (no upgrade deadlocks) and the timeout waits instead of
    # failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Caches -----------------------------------------------------------------
# "pages" holds the pre-rendered public pages. It must be shared by every
# worker (files under var/) and every instance (Redis, when REDIS_URL is set).
PAGE_CACHE_SECONDS = 24 * 3600
PAGE_CACHE = {
    "PAGES": "exercises.articles.publishing.public_paths",
    "NEXT_CHANGE": "exercises.articles.publishing.next_go_live",
    "RELEASE_FROM": ["exercises", "templates"],
}
CACHES = {
    # Nothing shared lives here; Django's own small caches only.
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            # Lets two sites (or a test's own servers) share one Redis without sharing pages.
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_KEY_PREFIX", "csa"),
        }
        if os.environ.get("REDIS_URL")
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("DJANGO_PAGE_CACHE_DIR") or str(VAR_DIR / "page-cache"),
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    ),
}

# django-axes counts failed logins (in the database, so the embedded default needs nothing more).
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
# Locked per account and, separately, per address: guessing one password or many accounts both stop.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_LOCKOUT_MINUTES", "30")))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# The log names the account and address of each failure and lockout (passwords are never logged).
AXES_SENSITIVE_PARAMETERS = []
# The same visitor address as the consultation rate limit (DJANGO_NUM_PROXIES).
AXES_CLIENT_IP_CALLABLE = "exercises.leads.views.client_ip"
# Two-step login (django-otp, TOTP): staff turn it on for themselves; this makes it compulsory.
ADMIN_REQUIRE_2FA = env_bool("DJANGO_ADMIN_REQUIRE_2FA", False)
OTP_TOTP_ISSUER = "Community Strength Austin"
# Nobody sees another user's key or QR code, a superuser included; staff see their own (exercises/admin_devices.py).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/Chicago"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names, cached for a year, gzip and brotli copies made at collectstatic.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# favicon.ico and friends, served at the site root.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
# Uploaded photos: on local disk under var/media, served by the app (exercises/photos/views.py) for a
# year under hashed names. For a fleet, every instance must see the same files: an S3-compatible
# bucket through django-storages (pip install -r requirements-s3.txt; credentials in the usual AWS_*
# variables, which boto3 reads itself).
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT") or VAR_DIR / "media")
MEDIA_URL = "/media/"
# A photo (up to 20 MB, exercises/photos/processing.py) arrives into a temporary file once it is over 2.5 MB,
# never whole into memory; the fields beside it, and any form without a file, may take 2.5 MB. A photo form
# whose Content-Length is larger than both together is refused before it is read
# (exercises.photos.views.OversizedUploadMiddleware). Django's defaults, said here because that depends on them.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
MEDIA_S3_BUCKET = os.environ.get("DJANGO_MEDIA_S3_BUCKET", "")
# Where readers fetch the bucket's files: a CDN or the bucket's own host, e.g. media.example.com.
MEDIA_S3_DOMAIN = os.environ.get("DJANGO_MEDIA_S3_DOMAIN", "")
if MEDIA_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": os.environ.get("DJANGO_MEDIA_S3_ENDPOINT_URL") or None,
            "custom_domain": MEDIA_S3_DOMAIN or None,
            # Public photos at plain addresses; a name is never reused, so it may be cached for a year.
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }

# --- Markdown ---------------------------------------------------------------
# The admin preview shows what saving stores (exercises.writing.markdown.render_markdown), its citations
# numbered as the page numbers them, under a warning for each thing the page drops.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "exercises.writing.preview.preview"
MARKDOWNX_URLS_PATH = "/markdownx/markdownify/"
MARKDOWNX_UPLOAD_URLS_PATH = "/markdownx/upload/"
# Upload is switched off (the sanitiser drops <img> anyway); should it ever be
# switched on, only raster formats that cannot carry script are acceptable.
MARKDOWNX_UPLOAD_CONTENT_TYPES = ["image/png", "image/jpeg", "image/webp"]

# --- The gym ----------------------------------------------------------------
GYM_NAME = "Community Strength Austin"

# --- Background jobs (huey) -------------------------------------------------
JOB_QUEUE_DIR = (
    Path(DATABASES["default"]["NAME"]).parent
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    else VAR_DIR
)
# SQLite file beside the database by default; Redis when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
HUEY = {
    "name": "community-strength",
    "immediate": env_bool("HUEY_IMMEDIATE", False),
    "consumer": {"workers": 2, "worker_type": "thread"},
    **(
        {"huey_class": "huey.RedisHuey", "url": REDIS_URL}
        if REDIS_URL
        # Beside the database it serves, so two sites on one box never run each other's jobs.
        else {"huey_class": "huey.SqliteHuey", "filename": str(JOB_QUEUE_DIR / "huey.sqlite3")}
    ),
}

# --- Email ------------------------------------------------------------------
# DJANGO_EMAIL_URL (submission://user:pass@host:587 for STARTTLS) or the separate host
# settings; with neither, emails are printed by whichever process sends them.
if os.environ.get("DJANGO_EMAIL_URL"):
    globals().update(dj_email_url.parse(os.environ["DJANGO_EMAIL_URL"]))
elif os.environ.get("DJANGO_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["DJANGO_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", False)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# A hung mail server must not hang the worker.
EMAIL_TIMEOUT = int(os.environ.get("DJANGO_EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"{GYM_NAME} <hello@localhost>")
SERVER_EMAIL = os.environ.get("DJANGO_SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# "Ana <ana@example.com>, ops@example.com": who is mailed server errors.
ADMINS = [(name or addr, addr) for name, addr in getaddresses([os.environ.get("DJANGO_ADMINS", "")]) if addr]

# --- Consultation requests --------------------------------------------------
CONSULTATION_RECIPIENTS = env_list("DJANGO_CONSULTATION_RECIPIENTS")
CONSULTATION_RATE_LIMIT = int(os.environ.get("DJANGO_CONSULTATION_RATE_LIMIT", "5"))
CONSULTATION_RATE_LIMIT_WINDOW = int(os.environ.get("DJANGO_CONSULTATION_RATE_LIMIT_WINDOW", "3600"))
# Leads older than this lose their personal data (a daily job); the counts stay.
LEAD_RETENTION_DAYS = int(os.environ.get("DJANGO_LEAD_RETENTION_DAYS", "730"))
# The admin home highlights a new request that has waited longer than this for a first contact.
LEAD_TARGET_MINUTES = int(os.environ.get("DJANGO_LEAD_TARGET_MINUTES", "60"))
# Back-off between attempts: 1 min, 5 min, 30 min, 2 h, then every 6 h until sent.
CONSULTATION_RETRY_DELAYS = [60, 300, 1800, 7200, 21600]
# Longer than any one SMTP conversation can take (EMAIL_TIMEOUT per socket call).
CONSULTATION_SEND_LEASE_SECONDS = 10 * EMAIL_TIMEOUT
CONSULTATION_SWEEP_GRACE_SECONDS = 120
# How many reverse proxies add themselves to X-Forwarded-For in front of gunicorn.
NUM_PROXIES = int(os.environ.get("DJANGO_NUM_PROXIES", "0"))

# --- Security ---------------------------------------------------------------
# No inline script or style anywhere, the admin and the markdownx editor included.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF],
        "img-src": [csp.SELF, "data:", *([f"https://{MEDIA_S3_DOMAIN}"] if MEDIA_S3_DOMAIN else [])],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    },
}
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
    "interest-cohort": [],
}
# The header a TLS-terminating proxy sets on what it forwards from HTTPS ("Name: value"; "off" for none). It
# gives request.scheme, which the consultation form's Origin check compares, the HTTPS redirect and secure
# cookies; the proxy must overwrite any copy the client sent.
SECURE_PROXY_SSL_HEADER = proxy_ssl_header(os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto: https"))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Secure cookies follow the redirect: a plain-HTTP localhost run with the
    # redirect off must still be able to log in to the admin.
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", SECURE_SSL_REDIRECT)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- Logging: one line per event on stdout, in UTC ---------------------------
LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "INFO")
LOGGING = line_logging(
    level=LOG_LEVEL,
    loggers={
        "django": {"handlers": ["stdout", "mail_admins"], "level": "INFO", "propagate": False},
        # A bad Host header, too many fields and the like: a stranger's doing, logged and never mailed.
        "django.security": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        # Lockouts are warnings; its start-up banner on every command is not news.
        "axes": {"handlers": ["stdout"], "level": "WARNING", "propagate": False},
        # The job worker notes every periodic job it runs, every minute; that shows only at DEBUG.
        "huey": {"handlers": ["stdout"], "level": "DEBUG" if LOG_LEVEL == "DEBUG" else "WARNING", "propagate": False},
    },
)
LOGGING["filters"]["require_debug_false"] = {"()": "django.utils.log.RequireDebugFalse"}
# Sends nothing unless ADMINS is set.
LOGGING["handlers"]["mail_admins"] = {
    "class": "django.utils.log.AdminEmailHandler",
    "level": "ERROR",
    "filters": ["require_debug_false"],
}
if EMAIL_BACKEND.endswith(".smtp.EmailBackend"):
    LOGGING["handlers"]["mail_admins"]["email_backend"] = "config.logs.ErrorMailBackend"
