"""Settings from the environment (12-factor); the defaults run the embedded SQLite setup."""

import contextlib
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def _data_dir() -> Path:
    """Where the database file, collected static files and media live (ENCAISSE_HOME).

    A checkout (src layout, editable install) keeps them in its own `var/`; an installed wheel,
    whose package sits in site-packages, in `$XDG_DATA_HOME/encaisse` (~/.local/share/encaisse).
    """
    values = environ.Env()
    configured = values.str("ENCAISSE_HOME", default="") or values.str(
        "ENCAISSE_VAR_DIR", default=""
    )
    if configured:
        return Path(configured).expanduser()
    if (PROJECT_DIR / "pyproject.toml").is_file() and BASE_DIR.parent.name == "src":
        return PROJECT_DIR / "var"
    xdg = values.str("XDG_DATA_HOME", default="") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "encaisse"


VAR_DIR = _data_dir()

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
)

# DEBUG off (the default) is production: HTTPS everywhere and a SECRET_KEY of its own, or the
# app refuses to start. DEBUG=1 is development (`make` sets it): plain http on 127.0.0.1, the
# development key, the demo users. Each HTTPS setting can be set on its own (ADR "production
# settings" in docs/adr).
DEBUG = env("DEBUG")
PRODUCTION = not DEBUG
DEVELOPMENT_KEY = "insecure-dev-key-set-SECRET_KEY-in-production"
SECRET_KEY = env.str("SECRET_KEY", default="") or DEVELOPMENT_KEY
if PRODUCTION and SECRET_KEY.startswith(("insecure-", "django-insecure-")):
    raise ImproperlyConfigured(
        "SECRET_KEY is not set (or is the development key) while DEBUG is off: "
        "set SECRET_KEY, or DEBUG=1 for development."
    )
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# HTTPS (served behind a TLS proxy in production, README "Deploy").
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=PRODUCTION)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=PRODUCTION)
# The header the TLS proxy sets (and overwrites when a client sends it): "NAME,value", or
# empty when nothing sits in front of the app.
_proxy_header = env.list(
    "SECURE_PROXY_SSL_HEADER",
    default=["HTTP_X_FORWARDED_PROTO", "https"] if PRODUCTION else [],
)
if _proxy_header and len(_proxy_header) != 2:
    raise ImproperlyConfigured('SECURE_PROXY_SSL_HEADER must be "HEADER,value" or empty.')
SECURE_PROXY_SSL_HEADER = (_proxy_header[0], _proxy_header[1]) if _proxy_header else None

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "encaisse.core",
    "encaisse.customers",
    "encaisse.invoicing",
    "encaisse.payments",
    "encaisse.ledger",
    "encaisse.dunning",
    "encaisse.collection",
    "encaisse.analytics",
    "encaisse.web",
    "encaisse.api",
    "encaisse.cli",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "encaisse.core.middleware.CurrentCompanyMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "encaisse.urls"
WSGI_APPLICATION = "encaisse.wsgi.application"

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
                "encaisse.web.shell.context_processors.company",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'encaisse.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and a CLI command share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The API's failed-token counters live here: with several processes, share one (Redis).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}

# Django's four validators; the demo users (demo/demo) are created directly, not through them.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out (username, address) before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username
# from one address, that pair is refused for the cool-off; other addresses and other usernames
# are not, so an attacker cannot lock everyone out. `encaisse axes_reset_username NAME` lifts it.
AXES_FAILURE_LIMIT = env.int("ENCAISSE_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("ENCAISSE_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "encaisse.web.accounts.views.lockout_response"
# Behind N reverse proxies of ours, the client is N entries from the end of X-Forwarded-For;
# login and API throttling both count failures per client, never per proxy.
ENCAISSE_TRUSTED_PROXIES = env.int("ENCAISSE_TRUSTED_PROXIES", default=0)
AXES_CLIENT_IP_CALLABLE = "encaisse.core.http.client_ip"
# Owners may add a second factor (TOTP app); it is asked after the password when confirmed.
OTP_TOTP_ISSUER = "encaisse"
# Failed API tokens per client address before it gets 429 for the window (seconds).
ENCAISSE_API_AUTH_FAILURE_LIMIT = env.int("ENCAISSE_API_AUTH_FAILURE_LIMIT", default=20)
ENCAISSE_API_AUTH_WINDOW = env.int("ENCAISSE_API_AUTH_WINDOW", default=300)
# How long a new API token lives unless told otherwise.
ENCAISSE_API_TOKEN_DAYS = env.int("ENCAISSE_API_TOKEN_DAYS", default=90)
# A password reset link works once, for an hour.
PASSWORD_RESET_TIMEOUT = 60 * 60
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# WhiteNoise warns at each start when the folder is missing; a read-only home only loses that.
with contextlib.suppress(OSError):
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Front-end assets come from npm (package-lock.json): `make assets` copies the files the pages
# use into web/static/vendor/ (gitignored), so a wheel carries them; never a CDN at run time.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="encaisse <no-reply@localhost>")

# Render an invoice's PDF/A-3 + Factur-X right after it is issued (else on first download).
ENCAISSE_DOCUMENTS_AT_ISSUE = env.bool("ENCAISSE_DOCUMENTS_AT_ISSUE", default=True)

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# Without a broker, tasks run in-process so the embedded default needs no Redis.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# Dunning: the run every morning (business days are decided by the run), delivery every 10 min.
CELERY_BEAT_SCHEDULE = {
    "dunning-daily-run": {
        "task": "encaisse.dunning.daily_run",
        "schedule": crontab(hour=7, minute=0),
    },
    "dunning-deliver": {"task": "encaisse.dunning.deliver", "schedule": 600.0},
    # The dashboard's figures for the new day, before the first visit.
    "analytics-refresh-all": {
        "task": "encaisse.analytics.refresh_all",
        "schedule": crontab(hour=0, minute=5),
    },
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
