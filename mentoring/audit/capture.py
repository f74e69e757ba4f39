"""Every change to tenant data, from the model signals: one event per saved or deleted row.

- **What is kept.** The row's model and id, and for an update the *names* of the fields
  whose value changed, never the values: notes and feedback are private text. (A role
  change is the exception that proves the rule: "member → manager" names two choices.)
- **How changes are seen.** ``post_init`` keeps, on the instance, the values it was
  built or loaded with (a tuple, in memory only); ``post_save`` compares and then keeps
  the new ones. A save that changed nothing writes no event. ``auto_now`` stamps are not
  counted as changes.
- **What the signals miss.** ``QuerySet.update()``, ``bulk_create()``, ``bulk_update()``
  and raw SQL send no signals: a service that changes tenant data that way records what
  matters itself with ``record_event``. (``QuerySet.delete()`` does send ``post_delete``
  for each row, so the audit makes Django load the rows it deletes.)
- **An organization deleted with all its rows** (an operator action, on the owner's
  connection) writes no events: the log is deleted with it.
"""

from __future__ import annotations

import copy
from collections.abc import Collection
from operator import itemgetter

from django.apps import apps
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.signals import post_delete, post_init, post_save

from mentoring.tenancy.models import Membership, Organization, TenantModel

from .models import AuditAction, AuditEvent
from .services import record_event

LOADED = "_audit_loaded"


def excluded_models() -> dict[type[models.Model], str]:
    """Tenant models whose changes are not logged, and why."""
    from mentoring.notifications.models import OutboxMessage

    return {
        AuditEvent: "The log itself: logging its rows would never end.",
        OutboxMessage: (
            "The outgoing mail queue: every row follows from a change that is logged "
            "already, and the sender claims, retries and marks rows every minute; "
            "logging that bookkeeping would bury the log."
        ),
    }


def audited_models() -> list[type[models.Model]]:
    excluded = excluded_models()
    return [
        model
        for model in apps.get_models()
        if issubclass(model, TenantModel) and model not in excluded
    ]


class _Tracked:
    """The fields of one model whose changes count, and a cheap way to read them."""

    def __init__(self, model: type[models.Model]):
        fields = [
            field
            for field in model._meta.concrete_fields
            if not field.primary_key
            and field.name != "organization"
            and not getattr(field, "auto_now", False)
        ]
        self.attnames = tuple(field.attname for field in fields)
        self.names = tuple(field.name for field in fields)
        self.by_name = {name: i for i, name in enumerate(self.names)}
        self.by_name.update({field.attname: i for i, field in enumerate(fields)})
        self.mutable = tuple(
            i for i, field in enumerate(fields) if isinstance(field, models.JSONField | ArrayField)
        )
        # itemgetter of one name returns the value, not a tuple: read one field by hand.
        self._get = itemgetter(*self.attnames) if len(self.attnames) > 1 else None

    def snapshot(self, instance) -> tuple:
        values = instance.__dict__
        try:
            if self._get is not None:
                state = self._get(values)
            else:
                state = tuple(values[name] for name in self.attnames)
        except KeyError:  # deferred fields: unknown until loaded
            state = tuple(values.get(name, _UNKNOWN) for name in self.attnames)
        if self.mutable:  # lists and dicts may be changed in place
            state = list(state)
            for i in self.mutable:
                state[i] = copy.deepcopy(state[i])
            state = tuple(state)
        return state

    def changed(self, before: tuple | None, after: tuple, update_fields) -> set[int]:
        if update_fields is not None:
            written: Collection[int] = {
                self.by_name[name] for name in update_fields if name in self.by_name
            }
        else:
            written = range(len(after))
        if before is None:
            return set(written)
        return {i for i in written if before[i] is _UNKNOWN or before[i] != after[i]}


_UNKNOWN = object()
_tracked: dict[type[models.Model], _Tracked] = {}


def remember_loaded_state(sender, instance, **kwargs) -> None:
    instance.__dict__[LOADED] = _tracked[sender].snapshot(instance)


def record_save(sender, instance, created, update_fields=None, raw=False, **kwargs) -> None:
    if raw:  # fixtures
        return
    tracked = _tracked[sender]
    after = tracked.snapshot(instance)
    before = instance.__dict__.get(LOADED)
    instance.__dict__[LOADED] = after
    if created:
        record_event(
            organization=instance.organization_id, action=AuditAction.CREATE, target=instance
        )
        return
    changed = tracked.changed(before, after, update_fields)
    if not changed:
        return
    if sender is Membership and tracked.by_name["role"] in changed:
        role = tracked.by_name["role"]
        changed.discard(role)
        old = before[role] if before is not None and before[role] is not _UNKNOWN else "?"
        record_event(
            organization=instance.organization_id,
            action=AuditAction.ROLE_CHANGE,
            target=instance,
            summary=f"{old} → {after[role]}",
            changed_fields=["role"],
        )
        if not changed:
            return
    record_event(
        organization=instance.organization_id,
        action=AuditAction.UPDATE,
        target=instance,
        changed_fields=[tracked.names[i] for i in changed],
    )


def record_delete(sender, instance, origin=None, **kwargs) -> None:
    if isinstance(origin, Organization) or getattr(origin, "model", None) is Organization:
        return  # the organization goes, and its log with it
    record_event(organization=instance.organization_id, action=AuditAction.DELETE, target=instance)


def connect() -> None:
    """Connect the handlers to every audited model (``MentoringConfig.ready``)."""
    for model in audited_models():
        _tracked[model] = _Tracked(model)
        uid = f"audit-{model._meta.label_lower}"
        post_init.connect(remember_loaded_state, sender=model, dispatch_uid=uid)
        post_save.connect(record_save, sender=model, dispatch_uid=uid)
        post_delete.connect(record_delete, sender=model, dispatch_uid=uid)
