import os

import django
from django.core.handlers.wsgi import WSGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings.production")
django.setup(set_prefix=False)

from mentoring.request_validation import CharsetSafeWSGIRequest  # noqa: E402  (after setup)


class Handler(WSGIHandler):
    """Django's handler, with requests that survive a Content-Type naming a codec that is no
    text encoding (answered 400 by ``RequestValidationMiddleware``)."""

    request_class = CharsetSafeWSGIRequest


application = Handler()
