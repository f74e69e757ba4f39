"""Test settings: real PostgreSQL and Redis, as addressed by the environment `make test` sets."""

from .base import *  # noqa: F403
from .base import CACHES, DATABASES, env

SECRET_KEY = "test-only-not-secret"  # noqa: S105
FIELD_ENCRYPTION_KEYS = ["dGVzdC1vbmx5LW5vdC1zZWNyZXQtZmllbGQta2V5ISE="]  # test-only, public
SITE_SCHEME = "http"
SITE_PORT = ""
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES["default"]["KEY_PREFIX"] = f"mentoring-test-{env.str('TEST_RUN_ID', default='0')}"
# Only tests flush tables between transactional test cases; the app role never truncates.
TENANCY_APP_ROLE_EXTRA_PRIVILEGES = ["TRUNCATE"]
# Two test runs at once (two terminals, or CI beside a developer) each get a database.
for _alias in DATABASES.values():
    _alias["TEST"] = {"NAME": f"test_mentoring_{env.str('TEST_RUN_ID', default='0')}"}
# In-process tests run tasks eagerly; the worker tests start a real worker and turn it off.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default=EMAIL_BACKEND)
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default="")
CELERY_TASK_EAGER_PROPAGATES = True
# Tests see every change at once; tests/api/test_summary_cache.py turns the cache on.
HR_API_SUMMARY_CACHE_SECONDS = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = None  # static files come from the finders (WhiteNoise autorefresh)
WHITENOISE_USE_FINDERS = True
