"""Writing audit events that are no row change (sign-ins, exports, erasures):
``record_event``. Row changes are recorded by the database (``capture``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import models

from .context import actor_from_request, current_actor, plain_text
from .models import AuditAction, AuditEvent

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django.http import HttpRequest

    from mentoring.tenancy.models import Organization


def record_event(
    *,
    organization: Organization | int,
    action: AuditAction,
    actor: User | AnonymousUser | None = None,
    actor_label: str = "",
    target: models.Model | None = None,
    summary: str = "",
    changed_fields: Iterable[str] = (),
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Add one event to ``organization``'s log. ``summary`` must never carry private text.

    Who and from where default to the current request (``request``, else the one the
    audit middleware remembers), task or command: pass ``actor`` or ``actor_label`` to
    name someone else. ``changed_fields`` are field names, never values.
    """
    source = actor_from_request(request) if request is not None else current_actor()
    if actor is None and not actor_label:
        actor, actor_label = source.user, source.label
    if actor is not None and not actor.is_authenticated:  # an anonymous visitor's request.user
        actor = None
    event = AuditEvent(
        organization_id=getattr(organization, "pk", organization),
        action=action,
        actor=actor,
        actor_label=plain_text(actor_label, 120),
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=plain_text(summary, 255),
        changed_fields=sorted(changed_fields),
        ip_address=source.ip_address,
        user_agent=plain_text(source.user_agent, 255),
    )
    event.save()
    return event
