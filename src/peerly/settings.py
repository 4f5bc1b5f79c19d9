"""Peerly settings: one module, read from environment variables (and `.env` if present).

Development defaults are safe: SQLite, console email, tasks run immediately. Production sets
DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and a real EMAIL_URL-style configuration.
Every variable is documented in the README's configuration table.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("PEERLY_HOME", Path.cwd()))


def _load_dotenv(path: Path) -> None:
    """Read KEY=VALUE lines from a .env file without overriding the real environment."""
    if not path.is_file():
        return
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


_load_dotenv(PROJECT_DIR / ".env")


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEV_SECRET_KEY = "dev-insecure-peerly-secret-key-change-me"  # noqa: S105 - refused when DEBUG=0

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY", DEV_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# `make run PORT=8123` serves on PORT; links in emails point to the served port by default.
PORT = env("PORT", "8000")
SITE_URL = env("SITE_URL", f"http://127.0.0.1:{PORT}").rstrip("/")

if not DEBUG:
    if not SECRET_KEY or SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured("Set SECRET_KEY to a long random value when DEBUG is off.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Set ALLOWED_HOSTS (comma-separated) when DEBUG is off.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "ninja",  # serves the API docs UI from its own static files instead of a CDN
    "django_tasks",
    "django_tasks_db",
    "peerly.core",
    "peerly.accounts",
    "peerly.programs",
    "peerly.notifications",
    "peerly.rounds",
    "peerly.circles",
    "peerly.mentorship",
    "peerly.growth",
    "peerly.evaluation",
    "peerly.feedback",
    "peerly.recognition",
    "peerly.resources",
    "peerly.insights",
    "peerly.api",
]


MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "peerly.core.middleware.RejectNulMiddleware",  # 400 for %00 before sessions or views see it
    "peerly.core.middleware.DatabaseUnavailableMiddleware",  # a view without a database: 503
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",  # language cookie / Accept-Language
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "peerly.core.i18n.MemberLanguageMiddleware",  # a member's saved language; API in English
    "peerly.core.security.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "peerly.urls"
WSGI_APPLICATION = "peerly.wsgi.application"

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
                "django.template.context_processors.i18n",
                "peerly.core.context_processors.site",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DEFAULT_SQLITE = PROJECT_DIR / "peerly.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE}"), conn_max_age=60
    )
}
# A persistent connection the server closed (restart, failover) is replaced, not a 500.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostgreSQL connection pool in each process (Django 5.2 + psycopg_pool): DATABASE_POOL_SIZE=N
# keeps up to N connections per process (docs/scaling.md). Replaces persistent connections.
_POOL_SIZE = int(env("DATABASE_POOL_SIZE", "0"))
if _POOL_SIZE and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": _POOL_SIZE,
        "timeout": 10,
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
ACCOUNT_CONFIRM_DAYS = int(env("ACCOUNT_CONFIRM_DAYS", "3"))
PEERLY_CURRENCY = env("PEERLY_CURRENCY", "EUR")  # the currency of support-request amounts
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
INVITATION_DAYS = int(env("INVITATION_DAYS", "30"))  # programme invitation links expire

# Failed log-ins: an account locks after AXES_FAILURE_LIMIT from anywhere (email compared
# case-insensitively), an IP address after AXES_IP_FAILURE_LIMIT across accounts; see
# peerly/accounts/lockout.py.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_IP_FAILURE_LIMIT = int(env("AXES_IP_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = float(env("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "peerly.accounts.lockout.LockoutHandler"
AXES_USERNAME_CALLABLE = "peerly.accounts.lockout.username_from"
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# --- Email and tasks ------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Peerly <peerly@localhost>")

TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"),
    }
}

# --- I18N, static ---------------------------------------------------------------------------
LANGUAGE_CODE = env("LANGUAGE_CODE", "en")
# Languages members can choose (docs/i18n.md says how to add one). Names are shown in their
# own language in the switch, so they are not translated.
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
if LANGUAGE_CODE not in {code for code, _name in LANGUAGES}:
    raise ImproperlyConfigured(f"LANGUAGE_CODE must be one of {[c for c, _n in LANGUAGES]}.")
LANGUAGE_COOKIE_NAME = "peerly_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG and env_bool("SECURE_COOKIES", True)
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(PROJECT_DIR / "staticfiles")))
# Uploaded resource files (docs/resources.md): never served as static media, only through a
# permission-checked download view.
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(PROJECT_DIR / "media")))
PEERLY_RESOURCE_MAX_BYTES = int(env("PEERLY_RESOURCE_MAX_BYTES", str(10 * 1024 * 1024)))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = not DEBUG and env_bool("SECURE_SSL_REDIRECT", True)
# X-Forwarded-Proto is believed only when the operator says a TLS proxy is in front; otherwise
# any client could claim HTTPS.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("PEERLY_BEHIND_PROXY", False) else None
)
SECURE_HSTS_SECONDS = 0 if DEBUG else int(env("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# Preloading is hard to undo (browsers ship the list), so it is the operator's opt-in.
SECURE_HSTS_PRELOAD = not DEBUG and env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]  # "preload not set": a choice, not a mistake
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere: page behaviour lives in static/peerly/*.js.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The OpenAPI document and the docs UI need a signed-in user unless this is on.
PEERLY_API_DOCS_PUBLIC = env_bool("PEERLY_API_DOCS_PUBLIC", False)
# The optional `ai` extra's sentence model for insights' themes and resource recommendations
# (docs/insights.md); off by default, and without the extra TF-IDF is used either way.
PEERLY_AI = env_bool("PEERLY_AI", False)
# Requests per personal access token and window ("600/minute"; s, minute, hour, day).
PEERLY_API_TOKEN_RATE = env("PEERLY_API_TOKEN_RATE", "600/minute")

IMPORT_MAX_BYTES = int(env("PEERLY_IMPORT_MAX_BYTES", str(2 * 1024 * 1024)))
IMPORT_MAX_ROWS = int(env("PEERLY_IMPORT_MAX_ROWS", "5000"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": sys.stderr}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
