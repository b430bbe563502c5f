"""Settings, read from the environment.

Two profiles: `development` (default; SQLite under var/, a secret generated once into var/) and
`production` (GIAITHUONG_PROFILE=production; SECRET_KEY and ALLOWED_HOSTS required, HTTPS-only
cookies, HSTS, CSP). See README "Configuration" for every variable.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("GIAITHUONG_VAR_DIR", Path.cwd() / "var")).resolve()
PROFILE = os.environ.get("GIAITHUONG_PROFILE", "development")
PRODUCTION = PROFILE == "production"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def development_secret_key() -> str:
    """A secret generated once into var/, so sessions survive restarts on a developer machine."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", default=not PRODUCTION)
if PRODUCTION:
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY (at least 50 characters) is required in production.")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS is required in production.")
else:
    SECRET_KEY = os.environ.get("SECRET_KEY") or development_secret_key()
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

INSTALLED_APPS = [
    "giaithuong.common.admin_config.GiaithuongAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "giaithuong.common",
    "giaithuong.accounts",
    "giaithuong.editions",
    "giaithuong.directives",
    "giaithuong.judging",
    "giaithuong.documents",
    "giaithuong.portal",
    "giaithuong.uploads",
    "giaithuong.entries",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "giaithuong.common.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "giaithuong.urls"
WSGI_APPLICATION = "giaithuong.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
                "giaithuong.portal.context_processors.site",
            ],
        },
    }
]

# Database: SQLite in WAL mode under var/ by default; PostgreSQL (psycopg 3) via DATABASE_URL.
DATABASE_URL = os.environ.get("DATABASE_URL", "")


def postgres_options(prepare_after: str) -> dict:
    """psycopg's options: values bound by the server, and a query run `prepare_after` times on a
    connection kept as a prepared statement, so PostgreSQL stops parsing and planning it (a
    third of its CPU on the submit path; decision 0015). The default, 1, prepares a query at
    its second run: a ROLLBACK drops them all, and the sooner they come back the better.
    `off`: values merged into the SQL by the client, nothing prepared (for PgBouncer before
    1.21 in transaction pooling)."""
    if prepare_after.strip().lower() in {"off", "no", "false", ""}:
        return {}
    try:
        runs = int(prepare_after)
    except ValueError:
        runs = -1
    if runs < 0:
        raise ImproperlyConfigured("GIAITHUONG_PG_PREPARE_AFTER is a number of runs or off, "
                                   f"not {prepare_after!r}")
    return {"server_side_binding": True, "prepare_threshold": runs}


if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["OPTIONS"] = {
            **DATABASES["default"].get("OPTIONS", {}),
            **postgres_options(os.environ.get("GIAITHUONG_PG_PREPARE_AFTER", "1")),
        }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "giaithuong.sqlite3",
            # Keep the connection between requests: opening one (and its PRAGMAs) costs more
            # than serving a cached page.
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
            # Tests use a file too (not shared-cache memory), so concurrency behaves as in use;
            # one file per test run, so runs side by side never share a database.
            "TEST": {"NAME": VAR_DIR / f"test-giaithuong-{os.getpid()}.sqlite3"},
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": os.environ.get(
            "CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"
        ),
        "LOCATION": os.environ.get("CACHE_LOCATION", "giaithuong"),
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "portal:home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day

# Languages: Vietnamese first (no URL prefix), complete English under /en/.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["giaithuong.formats"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Browser libraries installed from npm by `make setup` (package.json), served under a prefix.
NODE_MODULES = Path(os.environ.get("GIAITHUONG_NODE_MODULES",
                                   PACKAGE_DIR.parent.parent / "node_modules"))
STATICFILES_DIRS = [("vendor/htmx", NODE_MODULES / "htmx.org" / "dist")]
# Development serves static files straight from the apps; production from collectstatic's output.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    # Any S3-compatible store (django-storages[s3] must be installed: pip install '.[s3]').
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}

# Mail: a local SMTP relay by default; EMAIL_BACKEND=console prints mail in development.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Giải thưởng TTĐN <no-reply@localhost>")
# The site's public address, for links in mail sent without a request (reminders).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Organ identifiers in edXML packages are "<prefix>.<unit id>" until units carry national codes.
GIAITHUONG_EDXML_ORGAN_PREFIX = os.environ.get("GIAITHUONG_EDXML_ORGAN_PREFIX", "giaithuong")
_email_backend = os.environ.get("EMAIL_BACKEND", "smtp" if PRODUCTION else "console")
EMAIL_BACKEND = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
}.get(_email_backend, _email_backend)

# Background work (mail, duplicate detection, inspection of large files): Django's tasks API
# (the django-tasks backport) with its queue in the database, so one machine needs no broker;
# `giaithuong db_worker` runs it (`make run` starts one). GIAITHUONG_TASKS=immediate runs each
# task in the process that enqueued it, once the change has committed (tests, scripts).
_tasks_backend = os.environ.get("GIAITHUONG_TASKS", "database")
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }.get(_tasks_backend, _tasks_backend),
        "QUEUES": ["default"],
    }
}

# Abuse limits (common/throttle.py): registrations per client address, counted in the cache.
# Behind a reverse proxy, list it in GIAITHUONG_TRUSTED_PROXIES so X-Forwarded-For is believed.
GIAITHUONG_REGISTRATION_LIMIT = os.environ.get("GIAITHUONG_REGISTRATION_LIMIT", "10/hour")
GIAITHUONG_TRUSTED_PROXIES = env_list("GIAITHUONG_TRUSTED_PROXIES")

# Request size limits: anything larger is refused with a clear 400 page, not stored.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# Security headers (all profiles); HTTPS-only settings in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The edition the public site shows when none is marked current in the database.
GIAITHUONG_DEFAULT_EDITION_FILE = PACKAGE_DIR / "editions" / "data" / "ttdn-xii-2026.toml"
