"""Settings shared by every environment. Values come from the environment (12-factor)."""

from pathlib import Path

import environ
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from pythonjsonlogger.core import RESERVED_ATTRS

from mentoring.schedule import BEAT_SCHEDULE

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY", default="")


def encryption_keys(value: str) -> list[str]:
    """FIELD_ENCRYPTION_KEYS: comma-separated Fernet keys, newest first (mentoring.crypto)."""
    keys = [key.strip() for key in value.split(",") if key.strip()]
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS: key {position} is not a Fernet key (32 bytes in "
                "url-safe base64). Make one with `python -c 'from cryptography.fernet import "
                "Fernet; print(Fernet.generate_key().decode())'`."
            ) from None
    return keys


# Secrets stored in the database (TOTP seeds, identity providers' client secrets).
FIELD_ENCRYPTION_KEYS = encryption_keys(env.str("FIELD_ENCRYPTION_KEYS", default=""))

# Organizations live at <slug>.<ROOT_DOMAIN>; the platform operator's admin at ROOT_DOMAIN.
ROOT_DOMAIN = env.str("ROOT_DOMAIN", default="localhost")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[ROOT_DOMAIN, f".{ROOT_DOMAIN}"])
# Scheme and port used when the platform builds absolute links (emails, invitations).
SITE_SCHEME = env.str("SITE_SCHEME", default="https")
SITE_PORT = env.str("SITE_PORT", default="")

INSTALLED_APPS = [
    "mentoring.apps.MentoringConfig",
    "programs.apps.ProgramsConfig",
    "matching.apps.MatchingConfig",
    "sessions.apps.SessionsConfig",
    "feedback.apps.FeedbackConfig",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    # First: health checks and metrics answer on any host without touching tenant data;
    # every other request gets its id for the logs and is counted.
    "mentoring.ops.middleware.OpsMiddleware",
    # Then, so that unreachable storage anywhere below answers 503 (with handler500).
    "mentoring.resilience.StorageOutageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "mentoring.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "mentoring.tenancy.middleware.OrganizationMiddleware",
    "mentoring.request_validation.RequestValidationMiddleware",  # before sessions: cookies
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The browser's language first; PersonLanguageMiddleware below may choose another.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mentoring.audit.middleware.AuditContextMiddleware",
    "mentoring.tenancy.middleware.MembershipMiddleware",
    "mentoring.people.language.PersonLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "mentoring.accounts.two_factor.RequireTwoFactorMiddleware",
    "mentoring.accounts.sso.SignInFormActionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "mentoring.urls"
PLATFORM_URLCONF = "mentoring.urls_platform"
WSGI_APPLICATION = "mentoring.wsgi.application"

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
                "mentoring.tenancy.context_processors.organization",
            ],
        },
    },
]


def _database(url: str) -> dict:
    config = env.db_url_config(url)
    config["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    config["CONN_HEALTH_CHECKS"] = True
    # libpq waits forever for an unreachable server by default: fail fast (a 503) instead.
    config.setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
    # Every statement carries its organization setting (see mentoring.tenancy.database);
    # server-side cursors would wrap it in DECLARE, so they stay off.
    config["DISABLE_SERVER_SIDE_CURSORS"] = True
    return config


# The application connects as a role that is neither superuser nor table owner, so
# PostgreSQL's row-level security applies to it; migrations run as the owner.
DATABASE_URL = env.str("DATABASE_URL", default="")
DATABASE_OWNER_URL = env.str("DATABASE_OWNER_URL", default=DATABASE_URL)
DATABASES = {}
if DATABASE_URL:
    DATABASES = {"default": _database(DATABASE_URL), "owner": _database(DATABASE_OWNER_URL)}
DATABASE_APP_ROLE = DATABASES.get("default", {}).get("USER", "")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="mentoring"),
        # A hung Redis must not hold a web worker: fail fast (a 503) instead.
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 3},
    }
}

AUTH_USER_MODEL = "auth.User"
AUTHENTICATION_BACKENDS = ["mentoring.accounts.backends.OrganizationMemberBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# Accounts: sign-in by email, verified addresses only, sign-up only through an invitation.
ACCOUNT_ADAPTER = "mentoring.accounts.adapter.InvitationOnlyAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# An address, the primary address or the password changes the account on every
# organization's host: it asks for the password or a second factor again (single
# sign-on does not count), and the old address is told (mentoring.accounts.forms).
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_FORMS = {
    "add_email": "mentoring.accounts.forms.NotifyingAddEmailForm",
    "set_password": "mentoring.accounts.forms.ResetInsteadSetPasswordForm",
}
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    # allauth.mfa counts wrong authenticator codes (sign-in, reauthentication, setup)
    # under "login_failed" too, keyed per user: 5 wrong codes lock the code entry
    # for 5 minutes. Reauthentication (password or code) is limited per user.
    "reauthenticate": "10/m/user",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""

# Two-factor authentication: an authenticator app (TOTP) with recovery codes. Managers
# must set it up when their organization says so (mentoring.accounts.two_factor).
MFA_ADAPTER = "mentoring.accounts.mfa_adapter.EncryptingMFAAdapter"  # secrets at rest
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Mentoring")
MFA_TOTP_TOLERANCE = 1  # one 30-second step either way: phones' clocks drift
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_TRUST_ENABLED = False  # every sign-in asks for the code

# Single sign-on: each organization's own OpenID Connect providers, offered on its host
# only and signing in only its existing members (mentoring.accounts.sso).
SOCIALACCOUNT_ADAPTER = "mentoring.accounts.sso.OrganizationSocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # matching by email is the adapter's job
SOCIALACCOUNT_LOGIN_ON_GET = False  # the sign-in buttons post; a link cannot start it
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
# Plain http issuers are refused outside development (the admin form checks it).
SSO_ALLOW_INSECURE_ISSUERS = env.bool("SSO_ALLOW_INSECURE_ISSUERS", default=False)

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)  # a hung mail server must not hold a worker
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Mentoring <no-reply@localhost>")

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Sessions live in PostgreSQL only: signing in and out stays correct while Redis is down
# or restarted (a cached copy could outlive a sign-out). One primary-key read per request.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Cookies stay on the host that set them: each organization has its own session.
SESSION_COOKIE_DOMAIN = None
# Proxies in front of the web processes that append to X-Forwarded-For (a load balancer:
# 1). Rate limits per address and the audit log's "from where" trust that many hops.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "en"
# The languages of the interface (docs/languages.md); the catalogues are in locale/.
LANGUAGES = [("en", "English"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT: Path | None = BASE_DIR / ".static"  # None in development and tests
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Workers and beat outlive a Redis restart or outage of any length: retry for ever.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# A task running when the broker connection drops finishes (sending is idempotent under
# its lease); cancelling it could cut an email mid-send. Celery 6 changes the default.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE
# Background jobs (mentoring.jobs): a running job whose row no worker has held for this
# long is resumed by the sweeper; files that jobs made are kept this many days.
JOB_STALE_SECONDS = env.int("JOB_STALE_SECONDS", default=60)
JOB_FILE_KEEP_DAYS = 7

# Deny by default: every API view names who it allows (mentoring.api.base.HrView).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["mentoring.api.auth.NoPermission"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"hr_api": env.str("HR_API_RATE", default="600/min")},
    "EXCEPTION_HANDLER": "mentoring.api.base.api_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
# The organization summary reads every row of the organization: computed once a minute.
HR_API_SUMMARY_CACHE_SECONDS = env.int("HR_API_SUMMARY_CACHE_SECONDS", default=60)
SPECTACULAR_SETTINGS = {
    "TITLE": "Mentoring platform HR API",
    "DESCRIPTION": (
        "Read-only progress of one organization's mentoring programs: counts, dates, ratings "
        "and trends, never session notes or feedback text. Authenticate with "
        "`Authorization: Bearer <key>` (keys are created by program managers)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
}

INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=14)
# How long a worker may take to send one outbox message before another may claim it.
NOTIFICATION_LEASE_SECONDS = env.int("NOTIFICATION_LEASE_SECONDS", default=300)

# Operations (docs/operations.md): health checks, metrics, logs.
READINESS_MIGRATIONS_CACHE_SECONDS = env.int("READINESS_MIGRATIONS_CACHE_SECONDS", default=30)
# /metrics answers a bearer token or a client address in these networks; else 401 or 404.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.1/32", "::1/128"])
METRICS_CELERY_QUEUES = env.list("METRICS_CELERY_QUEUES", default=["celery"])
# Computed when /metrics is scraped (mentoring.ops.metrics.ScrapeTimeCollectors).
METRICS_COLLECTORS = [
    "mentoring.notifications.metrics.outbox_backlog",
    "mentoring.ops.metrics.celery_queue_length",
]
# Workers log through LOGGING below (with the task id and organization id), not Celery's.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False


def logging_config(log_format: str) -> dict:
    """LOGGING for ``LOG_FORMAT``: "json" (one object a line) or "plain" (text)."""
    if log_format not in {"json", "plain"}:
        raise ImproperlyConfigured(f"LOG_FORMAT is {log_format!r}; use json or plain.")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {
                "format": "%(levelname)s %(name)s [%(request_id)s org=%(organization_id)s "
                "task=%(task_id)s] %(message)s"
            },
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": [
                    "asctime",
                    "levelname",
                    "name",
                    "message",
                    "request_id",
                    "organization_id",
                    "task_id",
                ],
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
                # django.request attaches the request, whose text holds the full path.
                "reserved_attrs": [*RESERVED_ATTRS, "request"],
            },
        },
        "filters": {
            # request_id, organization_id, task_id on every line; email addresses masked.
            "context": {
                "()": "mentoring.ops.logs.ContextFilter",
                "organization_id": "mentoring.tenancy.current_organization_id",
            },
            # An unreachable database or Redis is logged in one line per request, not a
            # traceback.
            "outage": {"()": "mentoring.resilience.OutageTracebackFilter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["context"],
            }
        },
        "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
        "loggers": {"django.request": {"filters": ["outage"]}},
    }


LOGGING = logging_config(env.str("LOG_FORMAT", default="plain"))


def sentry_from_environment(default_environment: str) -> None:
    """Report errors to Sentry when SENTRY_DSN is set (personal data scrubbed)."""
    if dsn := env.str("SENTRY_DSN", default=""):
        from mentoring.ops.sentry import init_sentry

        init_sentry(
            dsn=dsn,
            environment=env.str("SENTRY_ENVIRONMENT", default=default_environment),
            release=env.str("SENTRY_RELEASE", default=""),
            traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        )
