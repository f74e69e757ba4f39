"""Local development: `make run`. Services come from `.dev/runtime.env` or the environment.

The signing and encryption keys are this installation's own: `make run` makes them at
random once and keeps them in `.dev/` (mentoring.devstack.installation_secrets). There is
no fallback: without them the settings refuse to load.
"""

from django.core.exceptions import ImproperlyConfigured

from mentoring.devstack import stored_installation_secret

from .base import *  # noqa: F403
from .base import encryption_keys, env, sentry_from_environment


def _installation_secret(name: str) -> str:
    value = env.str(name, default="") or stored_installation_secret(name)
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not set and .dev/ holds none. `make run` creates one for this "
            "installation on its first start; or set it in the environment."
        )
    return value


DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = _installation_secret("SECRET_KEY")
FIELD_ENCRYPTION_KEYS = encryption_keys(_installation_secret("FIELD_ENCRYPTION_KEYS"))
SITE_SCHEME = env.str("SITE_SCHEME", default="http")
# `make run` sets the port it serves on (8000 unless PORT says otherwise or it is taken).
SITE_PORT = env.str("SITE_PORT", default="8000")
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
STATIC_ROOT = None  # static files come from the finders (WhiteNoise autorefresh)
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
sentry_from_environment("development")
