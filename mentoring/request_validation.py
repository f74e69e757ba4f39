"""Refuse, with one clear 400 page, requests carrying text that nothing here can store.

PostgreSQL text cannot hold a NUL character, and a lone surrogate (half of a UTF-16 pair)
cannot be encoded as UTF-8 at all: either one reaching a query (a filter, the admin's
search, a session cookie, a form saved through a service) fails deep inside the database
driver as a 500. They never come from a person typing, only from broken or hostile
clients, so they are refused at the door, wherever they are: the path, the query string,
the cookies, the names and values of form fields and the names of uploaded files. Form
bodies in any charset are checked after decoding (``charset=unicode_escape`` turns
``\\ud800`` into a lone surrogate).

The contents of uploaded files are their importers' to check (a CSV import reports bad
lines by number). JSON bodies are not parsed here: no view reads one (the HR API is
read-only and refuses a body before reading it).
"""

from __future__ import annotations

import re

from django.http import JsonResponse
from django.shortcuts import render

# NUL, and the surrogate code points (U+D800-U+DFFF), which are never valid on their own.
FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
API_PREFIX = "/api/"

MESSAGE = (
    "This request contains a character no page here can accept: a null character or half "
    "of a broken character (a lone surrogate), in {where}. It usually comes from text "
    "pasted out of another program or from a faulty client. Remove it and try again."
)


def has_forbidden(text: str) -> bool:
    return FORBIDDEN.search(text) is not None


def _first_bad(pairs) -> str | None:
    """Which of ``(name, values)`` carries a forbidden character: its name, or "" when the
    name itself does; None when none does."""
    for name, values in pairs:
        if has_forbidden(name):
            return ""
        if any(isinstance(value, str) and has_forbidden(value) for value in values):
            return name
    return None


def forbidden_part(request) -> str | None:
    """Where the request carries a forbidden character, said for people; or None."""
    if has_forbidden(request.path_info):
        return "the address"
    name = _first_bad(request.GET.lists())
    if name is not None:
        return f"the query parameter “{name}”" if name else "a query parameter's name"
    if _first_bad((name, [value]) for name, value in request.COOKIES.items()) is not None:
        return "a cookie (clear this site's cookies, then sign in again)"
    if request.method == "POST" and request.content_type in FORM_TYPES:
        name = _first_bad(request.POST.lists())
        if name is not None:
            return f"the field “{name}”" if name else "a field's name"
        for name, upload in request.FILES.items():
            if has_forbidden(name) or has_forbidden(upload.name or ""):
                return "the name of an uploaded file"
    return None


class RequestValidationMiddleware:
    """Answers 400 (JSON under /api/, a page elsewhere) before any view, session or
    database lookup sees the request. Placed before the session middleware, so that a
    forged session cookie is refused too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = forbidden_part(request)
        if where is None:
            return self.get_response(request)
        message = MESSAGE.format(where=where)
        if request.path_info.startswith(API_PREFIX):
            return JsonResponse({"error": {"status": 400, "detail": message}}, status=400)
        return render(request, "errors/bad_request.html", {"message": message}, status=400)


def parse_id(value) -> int | None:
    """A whole number typed into a URL or a form (an id, a capacity), or None. Only ASCII
    digits count: ``"²".isdigit()`` is true, yet ``int("²")`` raises."""
    text = str(value if value is not None else "").strip()
    return int(text) if text.isascii() and text.isdigit() else None
