"""Territoire settings: one module, configured by the environment.

With no environment at all it runs on SQLite, with a local-memory cache and Celery tasks executed
in-process, so a newcomer needs nothing installed. ``DATABASE_URL`` switches to PostgreSQL
(psycopg 3), ``REDIS_URL`` to a Redis cache and a real Celery broker.
Production sets ``DJANGO_SECRET_KEY`` (or ``DJANGO_SECRET_KEY_FILE``), which alone turns DEBUG off,
``ALLOWED_HOSTS`` and the e-mail settings.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: bool) -> bool:
    """Read a boolean variable; refuse anything that is not clearly yes or no."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from None


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envsecret(name: str, default: str | None = None) -> str | None:
    """Read a secret from ``NAME`` or from the file named by ``NAME_FILE`` (Docker secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path}: {exc}") from None
    return os.environ.get(name, default)


def reports_storage_from_env() -> dict:
    """The reports' storage: ``REPORTS_S3_BUCKET`` (with ``REPORTS_S3_ENDPOINT_URL``,
    ``REPORTS_S3_REGION``, ``REPORTS_S3_ACCESS_KEY_ID``, ``REPORTS_S3_SECRET_ACCESS_KEY`` or its
    ``_FILE``) selects an S3-compatible bucket; without it, local files under MEDIA_ROOT."""
    bucket = os.environ.get("REPORTS_S3_BUCKET", "").strip()
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options = {
        "bucket_name": bucket,
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": True,
        "location": os.environ.get("REPORTS_S3_PREFIX", "territoire"),
    }
    given = {
        "endpoint_url": os.environ.get("REPORTS_S3_ENDPOINT_URL"),
        "region_name": os.environ.get("REPORTS_S3_REGION"),
        "access_key": os.environ.get("REPORTS_S3_ACCESS_KEY_ID"),
        "secret_key": envsecret("REPORTS_S3_SECRET_ACCESS_KEY"),
    }
    options.update({option: value for option, value in given.items() if value})
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


# Production is the default as soon as a secret key is given, by either of its sources: only a
# machine with no key at all (a newcomer's) runs in debug unless DJANGO_DEBUG says otherwise.
SECRET_KEY_SOURCES = ("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY_FILE")
DEBUG = envbool(
    "DJANGO_DEBUG", default=not any(source in os.environ for source in SECRET_KEY_SOURCES)
)

SECRET_KEY = envsecret("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) is required.")
    SECRET_KEY = "django-insecure-territoire-development-only-key-not-for-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Django
    "territoire.apps.TerritoireAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "allauth",
    "allauth.account",
    "django_htmx",
    "template_partials",
    "rules.apps.AutodiscoverRulesConfig",
    "csp",
    "simple_history",
    # ours, lowest layer first
    "territoire",
    "challenges",
    "events",
    "projects",
    "accompaniment",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # PostgreSQL away: a 503 page, not a traceback (with handler500 in territoire/urls.py).
    "territoire.outage.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # NUL and other control characters in a request: a 400 page (territoire/middleware.py).
    "territoire.middleware.RefuseControlCharactersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "territoire.urls"
WSGI_APPLICATION = "territoire.wsgi.application"

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
                "territoire.context_processors.navigation",
                # Enumerations, so that templates compare with members, not strings.
                "territoire.context_processors.enums",
                "events.context_processors.enums",
                "projects.context_processors.enums",
            ],
        },
    },
]

# Database: SQLite by default, PostgreSQL through DATABASE_URL. Persistent connections matter here:
# a new PostgreSQL connection per request costs 4x on writes (docs/benchmarks.md).
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=envint("CONN_MAX_AGE", 600), conn_health_checks=True
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and broker: Redis through REDIS_URL, otherwise local memory and in-process tasks.
REDIS_URL = os.environ.get("REDIS_URL", "")
REDIS_CACHE_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "territoire.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "territoire",
            # The cache is optional (territoire/cache.py): a Redis that does not answer must cost
            # a request half a second at most, once, before the breaker stops asking it.
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", REDIS_URL or None)
CELERY_TASK_ALWAYS_EAGER = envbool(
    "CELERY_TASK_ALWAYS_EAGER",
    default=not CELERY_BROKER_URL.startswith(("redis", "rediss", "amqp")),
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that does not answer (Redis frozen, a network cut) must not hold a request for ever:
# sending a task then fails in ~3 s (one try, no retry: measured against a SIGSTOPped Redis; the
# default retries took over a minute), and the task is kept in the database instead
# (territoire/outbox.py). The read timeout stays above kombu's 1 s BRPOP.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 3}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 0,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TIMEZONE = "Europe/Paris"
CELERY_BEAT_SCHEDULE = {
    "send-event-reminders": {
        "task": "events.send_due_reminders",
        "schedule": 15 * 60,
    },
    # The projects born at a closed table, to the attendees who asked (each e-mail once).
    "send-table-news": {
        "task": "events.send_due_table_news",
        "schedule": 15 * 60,
    },
    # Unconfirmed sign-ups after 30 days; sign-up changes whose link expired.
    "purge-unconfirmed-signups": {
        "task": "challenges.purge_unconfirmed_signups",
        "schedule": 24 * 3600,
    },
    # A report whose worker died mid-render is sent again, not left "rendering" for ever.
    "requeue-stalled-reports": {
        "task": "territoire.requeue_stalled_reports",
        "schedule": 5 * 60,
    },
    # Tasks asked for while the broker was away, kept in the database (territoire/outbox.py).
    "send-pending-tasks": {
        "task": "territoire.send_pending_tasks",
        "schedule": 60,
    },
    # Once a day, in the morning: the digest's unique (person, day) makes a second run harmless.
    "send-accompaniment-reminders": {
        "task": "accompaniment.send_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
    # The audit log's rows older than AUDIT_LOG_RETENTION_MONTHS, old sent-e-mail records, and
    # the privacy requests whose link expired.
    "purge-audit-log": {
        "task": "territoire.purge_audit_log",
        "schedule": crontab(hour=3, minute=10),
    },
    # Registration changes whose 7-day link expired (the details proposed, applied or not).
    "purge-registration-changes": {
        "task": "events.purge_expired_registration_changes",
        "schedule": crontab(hour=3, minute=25),
    },
    # Evenings past their territory's attendee retention: attendees who joined no project
    # anonymised, once.
    "anonymise-past-evenings": {
        "task": "events.anonymise_past_evenings",
        "schedule": crontab(hour=3, minute=40),
    },
}
# How long the audit log of organisers', facilitators' and coaches' actions is kept (months).
AUDIT_LOG_RETENTION_MONTHS = envint("AUDIT_LOG_RETENTION_MONTHS", 24)
# How long a sent e-mail's deduplication record is kept (days): far beyond any redelivery.
SENT_EMAIL_RETENTION_DAYS = envint("SENT_EMAIL_RETENTION_DAYS", 30)

# People
AUTH_USER_MODEL = "territoire.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "space"
ACCOUNT_ADAPTER = "territoire.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "territoire.forms.LoginForm",
    "request_login_code": "territoire.forms.RequestLoginCodeForm",
}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 10 * 60
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Territoire] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Failed sign-ins: 10 a minute per client address, and 5 in 5 minutes per account *from one
# address* (AccountAdapter keys the account on its address too), so that nobody can lock a person
# out of her account from elsewhere. The address is the client's behind the proxy (clientip).
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/300s/key"}
INVITATION_VALID_DAYS = 14

# E-mail: printed on the console in development, SMTP in production.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD", "") or ""
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
# Seconds before a silent mail server is given up (the task then retries): a send holds its
# deduplication record's transaction open (territoire/tasks.py, task_send_email).
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Territoire <noreply@territoire.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# i18n: French first, English shipped (compiled catalogues are committed).
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# Static files, vendored and served by WhiteNoise.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # The rendered PDF reports: local files under MEDIA_ROOT, or an S3-compatible bucket when
    # several servers share them (REPORTS_S3_BUCKET; needs the "s3" extra: django-storages).
    "reports": reports_storage_from_env(),
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Security: no inline script or style anywhere, nothing loaded from another host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies of ours stand in front of Django, each appending the address it saw to
# X-Forwarded-For: the client is the entry that many places from the end (territoire.clientip).
# 0: no proxy, REMOTE_ADDR is the client. TRUST_X_FORWARDED_FOR=1 is the older spelling of 1.
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", int(envbool("TRUST_X_FORWARDED_FOR", False)))
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
# allauth reads it too; its rate limits ask territoire.adapters.AccountAdapter.get_client_ip.
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# Paths are logged with their capability secrets replaced by "…" (territoire/logredact.py): a
# ticket's or a link's token never reaches a log. gunicorn's access log: gunicorn.conf.py.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_paths": {"()": "territoire.logredact.RedactPathFilter"}},
    "formatters": {
        # Django's own format for runserver's request lines, redefined here with its handler.
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_paths"]},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # A logger's filter changes the record before any handler, Django's included.
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["redact_paths"],
        },
        "django.request": {"filters": ["redact_paths"]},
        "django.security.csrf": {"filters": ["redact_paths"]},
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs every rendering step at INFO; its warnings (a missing image) still show.
        "weasyprint": {"level": "WARNING"},
    },
}
