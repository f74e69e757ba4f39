"""Refuse, with one clear 400 page, requests carrying text that nothing here can store.

PostgreSQL text cannot hold a NUL character, and a lone surrogate (half of a UTF-16 pair)
cannot be encoded as UTF-8 at all: either one reaching a query (a filter, the admin's
search, a session cookie, a form saved through a service) fails deep inside the database
driver as a 500. They never come from a person typing, only from broken or hostile
clients, so they are refused at the door, wherever they are: the path, the query string,
the cookies, the names and values of form fields and the names of uploaded files. Form
bodies in any charset are checked after decoding (``charset=unicode_escape`` turns
``\\ud800`` into a lone surrogate).

A Content-Type whose charset is a codec but no text encoding (``charset=base64``) is
refused first: Django would try to decode the query string and the body with it.

The contents of uploaded files are their importers' to check (a CSV import reports bad
lines by number). JSON bodies are not parsed here: no view reads one (the HR API is
read-only and refuses a body before reading it).
"""

from __future__ import annotations

import codecs
import re

from django.core.handlers.wsgi import WSGIRequest
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.http import parse_header_parameters

# NUL, and the surrogate code points (U+D800-U+DFFF), which are never valid on their own.
FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
API_PREFIX = "/api/"

MESSAGE = (
    "This request contains a character no page here can accept: a null character or half "
    "of a broken character (a lone surrogate), in {where}. It usually comes from text "
    "pasted out of another program or from a faulty client. Remove it and try again."
)


CHARSET_MESSAGE = (
    "This request says its text is in “{charset}”, which is not a character set (it is a "
    "way of packing bytes, such as base64 or compression). Send the text as UTF-8."
)


def _decodes_text(charset: str) -> bool:
    try:
        return getattr(codecs.lookup(charset), "_is_text_encoding", True)
    except LookupError:
        return False


class CharsetSafeWSGIRequest(WSGIRequest):
    """Django takes the request's encoding from the Content-Type's charset and, doing so,
    decodes the query string at once: a codec that is no text encoding (``base64``) raises
    there, inside the request's constructor, before any middleware could answer. Such a
    charset stays in ``content_params`` (the middleware below refuses it) and is not used.
    ``mentoring.wsgi`` serves every request with this class."""

    def _set_content_type_params(self, meta):
        self.content_type, self.content_params = parse_header_parameters(
            meta.get("CONTENT_TYPE", "")
        )
        charset = self.content_params.get("charset")
        if charset and _decodes_text(charset):
            self.encoding = charset


def non_text_charset(request) -> str | None:
    """The charset the request's Content-Type names when Python knows it but it decodes no
    text (``base64``, ``hex``, ``rot13``, ``zlib``…): decoding the query or body with it
    raises deep inside Django. None otherwise (unknown charsets Django already ignores)."""
    charset = request.content_params.get("charset") if request.content_params else None
    if not charset:
        return None
    try:
        info = codecs.lookup(charset)
    except LookupError:
        return None
    return None if getattr(info, "_is_text_encoding", True) else charset


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
        charset = non_text_charset(request)
        if charset is not None:
            request.encoding = None  # read nothing more in it, rendering the page included
            return self.refuse(request, CHARSET_MESSAGE.format(charset=charset))
        where = forbidden_part(request)
        if where is None:
            return self.get_response(request)
        return self.refuse(request, MESSAGE.format(where=where))

    @staticmethod
    def refuse(request, message: str):
        if request.path_info.startswith(API_PREFIX):
            return JsonResponse({"error": {"status": 400, "detail": message}}, status=400)
        return render(request, "errors/bad_request.html", {"message": message}, status=400)


def parse_id(value) -> int | None:
    """A whole number typed into a URL or a form (an id, a capacity), or None. Only ASCII
    digits count: ``"²".isdigit()`` is true, yet ``int("²")`` raises."""
    text = str(value if value is not None else "").strip()
    return int(text) if text.isascii() and text.isdigit() else None
