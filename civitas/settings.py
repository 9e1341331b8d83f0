"""Civitas settings: one module, typed environment variables, fail fast in production.

Every variable is documented in `.env.example`. Development and tests need none of them: the demo
generates its own keys in `var/keys.json` (never committed).
"""

from __future__ import annotations

import json
import os
import secrets
from base64 import b64encode
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CIVITAS_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}")


PRODUCTION = env_bool("CIVITAS_PRODUCTION", False)
DEBUG = env_bool("CIVITAS_DEBUG", not PRODUCTION)


def _development_keys() -> dict[str, str]:
    """Keys for development, tests and the demo: generated once into var/keys.json."""
    path = VAR_DIR / "keys.json"
    if path.exists():
        return json.loads(path.read_text())
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    keys = {
        "CIVITAS_SECRET_KEY": secrets.token_urlsafe(50),
        "CIVITAS_DATA_KEY": b64encode(secrets.token_bytes(32)).decode(),
        "CIVITAS_INDEX_KEY": b64encode(secrets.token_bytes(32)).decode(),
        "CIVITAS_SIGNING_KEY": b64encode(secrets.token_bytes(32)).decode(),
    }
    tmp = path.with_name(f"keys.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)  # never readable by others
    with os.fdopen(fd, "w") as f:
        f.write(json.dumps(keys, indent=2))
    try:
        os.link(tmp, path)  # atomic "create if absent": a concurrent process that won keeps its keys
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return json.loads(path.read_text())


def _required_key(name: str) -> str:
    value = env_str(name)
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} is required when CIVITAS_PRODUCTION=1 (see .env.example)")
    return _development_keys()[name]


SECRET_KEY = _required_key("CIVITAS_SECRET_KEY")
# AES-256-GCM key for identity and phone numbers at rest (base64, 32 bytes).
CIVITAS_DATA_KEY = _required_key("CIVITAS_DATA_KEY")
# HMAC-SHA256 key for blind indexes (exact-match lookups without clear text).
CIVITAS_INDEX_KEY = _required_key("CIVITAS_INDEX_KEY")
# Ed25519 seed for verifiable credentials (permits, merchant cards) and signed QR URLs.
CIVITAS_SIGNING_KEY = _required_key("CIVITAS_SIGNING_KEY")

ALLOWED_HOSTS = (env_str("CIVITAS_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver") or "").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in (env_str("CIVITAS_CSRF_TRUSTED_ORIGINS", "") or "").split(",") if o]
PUBLIC_BASE_URL = env_str("CIVITAS_PUBLIC_BASE_URL", "http://127.0.0.1:8000") or ""

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "civitas.core",
    "civitas.places",
    "civitas.people",
    "civitas.accounts",
    "civitas.residence",
    "civitas.credit",
    "civitas.permits",
    "civitas.services",
    "civitas.mediation",
    "civitas.inspections",
    "civitas.insight",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "civitas.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "civitas.urls"
WSGI_APPLICATION = "civitas.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "civitas.core.context_processors.navigation",
                "civitas.core.context_processors.dev_sms_outbox",
            ],
        },
    }
]


def _checkout_id() -> str:
    import hashlib

    return hashlib.sha1(str(BASE_DIR).encode()).hexdigest()[:8]


def _prepare_threshold() -> int | None:
    value = (env_str("CIVITAS_PG_PREPARE_THRESHOLD", "5") or "").strip().lower()
    if value in ("", "off", "none"):
        return None
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"CIVITAS_PG_PREPARE_THRESHOLD must be a number or 'off', not {value!r}")


def _database() -> dict[str, object]:
    """SQLite by default (demo, tests); PostgreSQL when CIVITAS_DB=postgres."""
    kind = env_str("CIVITAS_DB", "sqlite")
    if kind == "postgres":
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": env_str("CIVITAS_PG_NAME", "test"),
            "USER": env_str("CIVITAS_PG_USER", "postgres"),
            "PASSWORD": env_str("CIVITAS_PG_PASSWORD", ""),
            "HOST": env_str("CIVITAS_PG_HOST", "127.0.0.1"),
            "PORT": env_str("CIVITAS_PG_PORT", "5432"),
            "CONN_MAX_AGE": env_int("CIVITAS_PG_CONN_MAX_AGE", 60),
            # Server-side prepared statements for the few hot statements sent with server-side binding
            # (the card scan, civitas/services/cardstatus.py); Django's own queries bind on the client and
            # are never prepared. Set to "off" behind a transaction-mode pooler such as PgBouncer < 1.21.
            "OPTIONS": {"prepare_threshold": _prepare_threshold()},
            # One test database per checkout, so concurrent runs on one server never collide.
            "TEST": {"NAME": env_str("CIVITAS_PG_TEST_NAME", "civitas_test_" + _checkout_id())},
        }
    if kind != "sqlite":
        raise ImproperlyConfigured(f"CIVITAS_DB must be 'sqlite' or 'postgres', not {kind!r}")
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": env_str("CIVITAS_SQLITE_PATH", str(VAR_DIR / "civitas.sqlite3")),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if env_bool("CIVITAS_FAST_HASHER", False):  # tests only: argon2 is deliberately slow
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["civitas.accounts.backends.LockoutModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Lock-out after repeated failed logins.
CIVITAS_LOGIN_MAX_FAILURES = env_int("CIVITAS_LOGIN_MAX_FAILURES", 5)
CIVITAS_LOGIN_LOCK_MINUTES = env_int("CIVITAS_LOGIN_LOCK_MINUTES", 15)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("en", "English"),
    ("ar", "العربية"),
    ("ru", "Русский"),
]
LOCALE_PATHS = [BASE_DIR / "civitas" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("CIVITAS_MEDIA_ROOT", str(VAR_DIR / "media")) or "")
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# Security headers (PIPL: session cookies never readable by scripts, no framing, strict referrer).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("CIVITAS_SESSION_SECONDS", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_SSL_REDIRECT = env_bool("CIVITAS_SSL_REDIRECT", True)
    # Behind a front server that terminates TLS, requests reach gunicorn over plain HTTP: trust the front
    # server's X-Forwarded-Proto (it must overwrite any value a client sends), or every request redirects.
    if env_bool("CIVITAS_TRUST_FORWARDED_PROTO", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Domain events: "inline" delivers to subscribers right after the publishing transaction commits (tests,
# small installs); "worker" leaves delivery to `civitas events work` (see civitas/core/events.py).
CIVITAS_EVENTS_DISPATCH = env_str("CIVITAS_EVENTS_DISPATCH", "inline")

# SMS one-time codes: a pluggable backend; the development one only logs.
CIVITAS_SMS_BACKEND = env_str("CIVITAS_SMS_BACKEND", "civitas.core.sms.LoggingSmsBackend")
# The demo has no phones: /dev/sms/ shows what the logging backend would have sent (never in production).
CIVITAS_DEV_SMS_OUTBOX = env_bool("CIVITAS_DEV_SMS_OUTBOX", DEBUG)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("CIVITAS_LOG_LEVEL", "WARNING")},
    "loggers": {"civitas": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}

DIVISION_ROOT_CODE = "330782"  # Yiwu (GB/T 2260)
# Public dashboards publish no count below this (small-cell suppression).
INSIGHT_SUPPRESSION_THRESHOLD = env_int("CIVITAS_SUPPRESSION_THRESHOLD", 10)
APP_NAME = _("Civitas")
