"""Error reports to Sentry, without personal data.

Started only when ``SENTRY_DSN`` is set. ``data_collection`` (sentry-sdk 2.75's successor
of ``send_default_pii``) turns off what the integrations would gather about the user,
cookies, bodies and query strings; ``scrub`` removes whatever is left before an event
leaves the process: request bodies, cookies, every header but a few harmless ones, the
user but their id, local variables, and email addresses anywhere in the text.
"""

from __future__ import annotations

from typing import Any

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

from . import logs

KEPT_HEADERS = frozenset({"content-type", "content-length", "user-agent", "host", "x-request-id"})
FILTERED = "[Filtered]"

DATA_COLLECTION = {
    "user_info": False,
    "cookies": {"mode": "off"},
    "http_headers": {"request": {"mode": "allowlist", "terms": sorted(KEPT_HEADERS)}},
    "http_bodies": [],
    "url_query_params": {"mode": "off"},
    "database_query_data": False,
    "stack_frame_variables": False,
}


def _mask(value: Any) -> Any:
    if isinstance(value, str):
        return logs.mask_emails(value)
    if isinstance(value, dict):
        return {key: _mask(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_mask(item) for item in value]
    return value


def _strip_frames(event: dict) -> None:
    for exception in (event.get("exception") or {}).get("values") or []:
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)


def scrub(event: dict, hint: dict | None = None) -> dict:
    """``before_send``: the event without personal data."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers") or {}
        request["headers"] = {
            name: value for name, value in headers.items() if name.lower() in KEPT_HEADERS
        }
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    event.pop("extra", None)
    _strip_frames(event)
    if request_id := logs.request_id.get():
        event.setdefault("tags", {})["request_id"] = request_id
    return _mask(event)


def init_sentry(*, dsn: str, environment: str, release: str = "", **options: Any) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        data_collection=DATA_COLLECTION,  # type: ignore[arg-type]  # a TypedDict in the stubs
        include_local_variables=False,
        before_send=scrub,  # type: ignore[arg-type]  # events are plain dicts at runtime
        before_send_transaction=scrub,  # type: ignore[arg-type]
        **options,
    )
