"""Production: every secret and address must come from the environment; none has a default."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env, logging_config, sentry_from_environment

_REQUIRED = (
    "SECRET_KEY",
    "FIELD_ENCRYPTION_KEYS",
    "DATABASE_URL",
    "DATABASE_OWNER_URL",
    "REDIS_URL",
    "ROOT_DOMAIN",
)
for name in _REQUIRED:
    if not env.str(name, default=""):
        raise ImproperlyConfigured(
            f"{name} is not set. Production settings read it from the environment; "
            "see README.md (Configuration) and docs/operations.md."
        )

# Whatever the environment says: debug pages list every URL pattern and setting.
DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")
ROOT_DOMAIN = env.str("ROOT_DOMAIN")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[ROOT_DOMAIN, f".{ROOT_DOMAIN}"])
SITE_SCHEME = env.str("SITE_SCHEME", default="https")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Only a local stack served over plain http (docker compose) turns these off.
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# One JSON object a line: what log collectors expect (LOG_FORMAT=plain for text).
LOGGING = logging_config(env.str("LOG_FORMAT", default="json"))
sentry_from_environment("production")
