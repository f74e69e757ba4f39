"""Who is acting right now, and from where: the request, task or command behind a change.

A ``ContextVar`` holds the current request (set by ``AuditContextMiddleware``) or a
label (``acting_as("seed")``, a Celery task). Every write statement carries it to
the database (``actor_setting``), where the audit triggers read it, so services need not
pass the request down. The person is read from the
request only then: after a sign-in it is the person who just signed in, and in the HR
API it is the key that the REST framework authenticated.
"""

from __future__ import annotations

import contextvars
import ipaddress
import json
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from collections.abc import Iterator

    from django.contrib.auth.models import User
    from django.http import HttpRequest


@dataclass(frozen=True)
class Actor:
    """Who did it (a user, or a label for a key, task or command) and from where."""

    user: User | None = None  # authenticated, or None
    label: str = ""
    ip_address: str | None = None
    user_agent: str = ""


@dataclass(frozen=True)
class _Source:
    request: HttpRequest | None = None
    label: str = ""
    user: User | None = None


_source: contextvars.ContextVar[_Source | None] = contextvars.ContextVar(
    "audit_source", default=None
)


@contextmanager
def request_context(request: HttpRequest) -> Iterator[None]:
    token = _source.set(_Source(request=request))
    try:
        yield
    finally:
        _source.reset(token)


@contextmanager
def acting_as(label: str, user: User | None = None) -> Iterator[None]:
    """Attribute the block's changes to ``label`` (a task, a command, "seed"), and to
    ``user`` when a person started it (a background job)."""
    token = _source.set(_Source(label=label, user=user))
    try:
        yield
    finally:
        _source.reset(token)


def current_actor() -> Actor:
    source = _source.get()
    if source is None:
        return Actor(label=_process_label())
    if source.request is not None:
        return actor_from_request(source.request)
    return Actor(user=source.user, label=source.label)


def plain_text(value: str, limit: int) -> str:
    """``value`` as PostgreSQL text and jsonb can hold it: no NUL, no lone surrogate."""
    value = value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    return value[:limit]


def actor_setting() -> str:
    """The current actor as the JSON the audit triggers read (``capture.ACTOR_SETTING``):
    every write statement carries it."""
    actor = current_actor()
    return json.dumps(
        {
            "actor_id": actor.user.pk if actor.user is not None else None,
            "label": plain_text(actor.label, 120),
            "ip": actor.ip_address,
            "ua": plain_text(actor.user_agent, 255),
        }
    )


def actor_from_request(request: HttpRequest) -> Actor:
    user, label = getattr(request, "user", None), ""
    # The REST framework sets the Django request's ``user`` and ``auth`` when it
    # authenticates. A credential that is no person (an API key) names itself through
    # ``audit_label``.
    credential_label = getattr(getattr(request, "auth", None), "audit_label", None)
    if credential_label:
        user, label = None, credential_label
    elif user is None or not user.is_authenticated or getattr(user, "pk", None) is None:
        user = None
    return Actor(
        user=user,
        label=label,
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:255],
    )


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or behind ``ALLAUTH_TRUSTED_PROXY_COUNT`` proxies of our own the address
    the outermost of them saw (X-Forwarded-For is trusted only that far: the rest of the
    header is whatever the client sent)."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.ALLAUTH_TRUSTED_PROXY_COUNT  # the rate limits' setting: one truth
    if proxies > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        forwarded = [part.strip() for part in forwarded if part.strip()]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


@cache
def _process_label() -> str:
    """Outside a request or task: ``command <name>`` under manage.py, else ``system``."""
    program = Path(sys.argv[0]).name if sys.argv else ""
    if program in {"manage.py", "django-admin"} and len(sys.argv) > 1:
        return f"command {sys.argv[1]}"
    return "system"


def task_started(sender=None, task_id=None, task=None, **kwargs) -> None:
    """Celery's ``task_prerun``: the task's changes carry its name."""
    name = getattr(task, "name", None) or getattr(sender, "name", "task")
    _task_tokens[task_id] = _source.set(_Source(label=f"task {name}"))


def task_finished(sender=None, task_id=None, **kwargs) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        try:
            _source.reset(token)
        except ValueError:  # finished in another context than it started: forget the label
            _source.set(None)


_task_tokens: dict[str, contextvars.Token] = {}
