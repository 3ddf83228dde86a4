"""rollcall settings, all read from the environment.

Every variable is listed in docs/settings.md. The defaults are safe for a laptop: SQLite in
./var, DEBUG off unless asked for, and a secret key that is generated once and kept in ./var.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    """A string from NAME, or from the file named by NAME_FILE (for secrets). Empty is unset."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text().strip()
    return os.environ.get(name) or default


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool = False) -> bool:
    """true/false, 1/0, yes/no or on/off (any case); unset or empty is the default. Anything
    else stops rollcall starting, rather than quietly reading a typo as "off"."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a yes/no setting: use true or false (also 1/0, yes/no, on/off)"
    )


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(env_str("ROLLCALL_DATA_DIR", str(BASE_DIR / "var")))


def _secret_key() -> str:
    configured = env_str("SECRET_KEY")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "rollcall.core",
    "rollcall.accounts",
    "rollcall.organisations",
    "rollcall.pupils",
    "rollcall.registers",
    "rollcall.casework",
    "rollcall.letters",
    "rollcall.transfers",
    "rollcall.analytics",
    "rollcall.api",
    "rollcall.web",
    "rollcall.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "rollcall.web.security.SecurityHeaders",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "rollcall.api.middleware.ApiErrorsAsJson",
    # Last, as django-axes asks: it turns a refused sign-in into the sign-in page saying why.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses a sign-in while its account or address is locked out (ASVS 2.2.1).
    "rollcall.accounts.sign_in.SignInThrottle",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "rollcall.urls"
WSGI_APPLICATION = "rollcall.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "rollcall" / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "rollcall.web.jinja.environment"},
    },
    {
        # The Django admin keeps its own templates.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'rollcall.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets readers carry on while a register is being saved; IMMEDIATE stops two writers
    # deadlocking when both start with a read.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; "
            "PRAGMA cache_size=-65536;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    # Keep connections: closing the last one forces a WAL checkpoint on every request.
    DATABASES["default"]["CONN_MAX_AGE"] = 60

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "rollcall" / "static" / "dist"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Cookies go over HTTPS only unless SECURE_COOKIES=false: `make demo` says so, to serve the
# demo over plain HTTP on 127.0.0.1. Nothing else should.
SECURE_COOKIES = env_bool("SECURE_COOKIES", True)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # forms carry the token; no script needs to read the cookie
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
X_FRAME_OPTIONS = "DENY"

# Sign-in throttling (django-axes): after SIGN_IN_FAILURE_LIMIT wrong passwords for one
# username, or from one address, sign-in is refused for SIGN_IN_LOCKOUT_MINUTES, counted from
# the failure that locked it; further tries during the lockout do not extend it, so nobody can
# lock a user out for good by guessing. `rollcall sign_in_unlock` ends a lockout at once.
AXES_FAILURE_LIMIT = env_int("SIGN_IN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("SIGN_IN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "rollcall.accounts.sign_in.locked_out_page"
AXES_CLIENT_IP_CALLABLE = "rollcall.accounts.sign_in.client_ip"
AXES_VERBOSE = False
# How many reverse proxies in front of rollcall append to X-Forwarded-For (0: none, and the
# header is ignored, since a client could write anything in it).
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)

# The analysis store: the engine's columnar copy of the registers (rebuilt from the database).
ROLLCALL_STORE_DIR = Path(env_str("ROLLCALL_STORE_DIR", str(DATA_DIR / "store")))

# Documents received for cases (medical notes, reports, letters), each kept under its SHA-256.
ROLLCALL_DOCUMENTS_DIR = Path(env_str("ROLLCALL_DOCUMENTS_DIR", str(DATA_DIR / "documents")))
# The largest document a case accepts, in megabytes.
ROLLCALL_DOCUMENT_MAX_MB = env_int("ROLLCALL_DOCUMENT_MAX_MB", 20)

# Letters emailed to parents (with their written consent) go through Django's email framework,
# by default over SMTP to EMAIL_HOST:EMAIL_PORT. Every setting is in docs/settings.md.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set EMAIL_USE_TLS or EMAIL_USE_SSL, not both")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "rollcall@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The sender parents see on letters, where replies go, and the domain of each message id.
ROLLCALL_LETTERS_FROM = env_str("ROLLCALL_LETTERS_FROM", DEFAULT_FROM_EMAIL)
ROLLCALL_LETTERS_REPLY_TO = env_str("ROLLCALL_LETTERS_REPLY_TO")
ROLLCALL_LETTERS_MESSAGE_ID_DOMAIN = env_str("ROLLCALL_LETTERS_MESSAGE_ID_DOMAIN")

# Letters in bulk, and bringing the analysis store up to date after register saves, run as
# background tasks in a database-backed queue (django-tasks with its database backend):
# `rollcall db_worker` runs them (docs/operations.md); no message broker.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "letters", "analytics"],
    }
}
# Processes that render letters in a bulk run (0: one per core).
ROLLCALL_LETTER_RENDERERS = env_int("ROLLCALL_LETTER_RENDERERS", 0)

# The local policy profile used where an organisation has none of its own.
ROLLCALL_DEFAULT_POLICY = env_str("ROLLCALL_DEFAULT_POLICY", "national")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
