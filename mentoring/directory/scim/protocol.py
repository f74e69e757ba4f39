"""The wire rules of the SCIM endpoint (RFC 7644 §3): the media type, error bodies,
ETags and what a request body may be."""

from __future__ import annotations

import json
import re

from django.http import HttpResponse

MEDIA_TYPE = "application/scim+json"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
MAX_BODY_BYTES = 2 * 1024 * 1024
TOO_LARGE = "Send at most 2 MiB in one request."
# A lone surrogate, as JSON escapes it ("\ud800"), or a NUL: PostgreSQL stores neither.
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


class ScimError(Exception):
    """A request SCIM refuses: answered with an Error body and ``status``."""

    def __init__(self, status: int, detail: str, scim_type: str = "") -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.scim_type = scim_type


def scim_response(body: dict | None, status: int = 200, etag: str = "", **headers) -> HttpResponse:
    response = HttpResponse(
        b"" if body is None else json.dumps(body, default=str),
        status=status,
        content_type=MEDIA_TYPE,
    )
    if etag:
        response["ETag"] = etag
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def error_response(status: int, detail: str, scim_type: str = "", **headers) -> HttpResponse:
    body = {"schemas": [ERROR_SCHEMA], "status": str(status), "detail": detail}
    if scim_type:
        body["scimType"] = scim_type
    return scim_response(body, status, **headers)


def read_json(request) -> dict:
    """The request's JSON object, or ScimError 400 for anything else."""
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > MAX_BODY_BYTES:
        raise ScimError(400, TOO_LARGE, "invalidSyntax")
    raw = request.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        raise ScimError(400, TOO_LARGE, "invalidSyntax")
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ScimError(400, "The body is not valid JSON.", "invalidSyntax") from None
    if not isinstance(payload, dict):
        raise ScimError(400, "The body must be a JSON object.", "invalidSyntax")
    if _holds_unstorable(payload):
        raise ScimError(
            400, "Text may not contain NUL characters or lone surrogates.", "invalidValue"
        )
    return payload


def _holds_unstorable(value) -> bool:
    if isinstance(value, str):
        return bool(_UNSTORABLE.search(value))
    if isinstance(value, dict):
        return any(_holds_unstorable(k) or _holds_unstorable(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_unstorable(item) for item in value)
    return False


def etag_of(record) -> str:
    return f'W/"{record.version}"'


def expected_version(request) -> int | None:
    """The version ``If-Match`` names (None: no precondition), or 412 for one we never
    issued."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    match = re.fullmatch(r'(?:W/)?"(\d{1,9})"', header)
    if match is None:
        raise ScimError(412, "If-Match names no version of this resource.")
    return int(match.group(1))


def not_modified(request, etag: str) -> bool:
    candidates = [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]
    return etag in candidates or "*" in candidates
