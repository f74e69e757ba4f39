"""Writing audit events. Every caller goes through ``record_event``."""

from collections.abc import Iterable

from django.db import models

from .models import AuditAction, AuditEvent


def record_event(
    *,
    organization,
    action: AuditAction,
    actor=None,
    actor_label: str = "",
    target: models.Model | None = None,
    summary: str = "",
    changed_fields: Iterable[str] = (),
    request=None,
) -> AuditEvent:
    """Add one event to ``organization``'s log. ``summary`` must never carry private text."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    event = AuditEvent(
        organization_id=getattr(organization, "pk", organization),
        action=action,
        actor=actor,
        actor_label=actor_label[:120],
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=summary[:255],
        changed_fields=sorted(changed_fields),
    )
    if request is not None:
        event.ip_address = request.META.get("REMOTE_ADDR") or None
        event.user_agent = request.META.get("HTTP_USER_AGENT", "")[:255]
    event.save()
    return event
