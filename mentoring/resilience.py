"""Friendly answers when PostgreSQL or Redis cannot be reached.

An unreachable database (``django.db.OperationalError`` / ``InterfaceError``), cache or
rate-limit store (redis ``ConnectionError`` / ``TimeoutError``) or broker
(``kombu.exceptions.OperationalError``) is a temporary condition, not a bug: the person
gets ``503 Service Unavailable`` with ``Retry-After``, a page that says what happened
and what to do (an HR API client gets the API's JSON error shape), and the log gets one
error line per request (``OutageTracebackFilter`` keeps Django's tracebacks of outage
errors out of it). No traceback ever reaches the browser.

Two entry points, because Django turns an exception into a response at every layer of
the middleware chain:

- ``StorageOutageMiddleware.process_exception`` answers for exceptions raised by views
  (including DRF views: the API's exception handler leaves these to Django) and by the
  rendering of their templates;
- ``server_error`` (``handler500`` of both URL confs) answers for exceptions raised
  elsewhere, e.g. by the organization middleware's host lookup or the session middleware,
  and renders the plain 500 page for every other error.

Neither template touches the database or the cache: they are rendered without a request
context (no lazy ``user``), from a layout that extends nothing.
"""

from __future__ import annotations

import logging
import sys

import kombu.exceptions
import redis.exceptions
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

OUTAGE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    kombu.exceptions.OperationalError,
)
RETRY_AFTER_SECONDS = 30
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
API_PREFIX = "/api/"


def outage_cause(exception: BaseException | None) -> BaseException | None:
    """The outage error behind ``exception`` (itself, or what it was raised from)."""
    seen = 0
    while exception is not None and seen < 5:
        if isinstance(exception, OUTAGE_ERRORS):
            return exception
        exception, seen = exception.__cause__, seen + 1
    return None


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def outage_response(request, exception: BaseException) -> HttpResponse:
    """503 with Retry-After: JSON in the API's error shape under /api/, a page elsewhere."""
    logger.error(
        "storage unreachable, answered 503 to %s %s: %s: %s",
        request.method,
        request.path,
        type(exception).__name__,
        str(exception).strip().splitlines()[0] if str(exception).strip() else "",
    )
    if _is_api(request):
        detail = (
            "The service cannot reach its storage just now. Nothing was changed; "
            f"retry after {RETRY_AFTER_SECONDS} seconds."
        )
        response: HttpResponse = JsonResponse(
            {"error": {"status": 503, "detail": detail}}, status=503
        )
    else:
        context = {
            "was_sending": request.method not in SAFE_METHODS,
            "organization": getattr(request, "organization", None),
        }
        response = HttpResponse(render_to_string("errors/503.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class OutageTracebackFilter(logging.Filter):
    """On ``django.request``: Django logs each exception it turns into a response with its
    traceback. For an outage that is hundreds of identical tracebacks saying less than
    the one line ``outage_response`` logs; keep the record, drop the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and outage_cause(record.exc_info[1]) is not None:
            record.exc_info, record.exc_text = None, None
        return True


class StorageOutageMiddleware:
    """Views that fail because storage is unreachable answer 503 (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        cause = outage_cause(exception)
        if cause is None:
            return None  # a bug: Django's 500 handling (server_error below) takes it
        return outage_response(request, cause)


def server_error(request):
    """``handler500``: 503 for an outage raised outside a view, else the plain 500 page
    (JSON under /api/). Django calls it inside its ``except`` block, so the exception
    being handled is ``sys.exc_info()``."""
    cause = outage_cause(sys.exc_info()[1])
    if cause is not None:
        return outage_response(request, cause)
    if _is_api(request):
        detail = "Something went wrong on our side. It has been logged; please retry later."
        return JsonResponse({"error": {"status": 500, "detail": detail}}, status=500)
    context = {"organization": getattr(request, "organization", None)}
    return HttpResponse(render_to_string("500.html", context), status=500)
