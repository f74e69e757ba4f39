"""Log lines that say which request or task they belong to, and nothing personal.

Every record gets ``request_id`` (set by ``mentoring.ops.middleware`` for a request),
``organization_id`` (the active organization, read through the provider the settings
name: the core's tenancy context) and ``task_id`` (inside a Celery task). Email
addresses in a message or a traceback are masked. ``LOG_FORMAT=json`` writes one JSON object a line.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from collections.abc import Callable

from celery import current_task
from django.utils.module_loading import import_string

EMAIL_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
MASKED_EMAIL = "[email]"
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")

_TRACEBACK = logging.Formatter()

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "ops_request_id", default=None
)


def mask_emails(text: str) -> str:
    return EMAIL_ADDRESS.sub(MASKED_EMAIL, text)


def request_id_from(incoming: str | None) -> str:
    """The caller's X-Request-ID when it looks like an id, else a new one."""
    if incoming and SANE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def _current_task_id() -> str | None:
    request = getattr(current_task, "request", None) if current_task else None
    return getattr(request, "id", None)


class ContextFilter(logging.Filter):
    """Adds request_id, organization_id and task_id to every record; masks emails.

    ``organization_id`` is the dotted path of a function returning the active
    organization's id (or None): the settings name it, so this module knows no other.
    """

    def __init__(self, organization_id: str = "") -> None:
        super().__init__()
        self._organization_id_path = organization_id
        self._organization_id: Callable[[], int | None] | None = None

    def _active_organization_id(self) -> int | None:
        if not self._organization_id_path:
            return None
        if self._organization_id is None:
            self._organization_id = import_string(self._organization_id_path)
        return self._organization_id()

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        if getattr(record, "organization_id", None) is None:
            record.organization_id = self._active_organization_id()
        record.task_id = _current_task_id()
        message = record.getMessage()
        masked = mask_emails(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info:  # an exception's text may name an address too
            record.exc_text = mask_emails(_TRACEBACK.formatException(record.exc_info))
            record.exc_info = None
        return True
