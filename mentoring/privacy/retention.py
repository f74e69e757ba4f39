"""Text retention: an organization may keep session notes and feedback texts for a
limited time. Past it, the texts are emptied; the rows, with their dates, scores,
counts and statuses, stay, so statistics do not change.

- ``note_retention_days``: the shared notes and real situations of sessions, and the
  private notes about them, counted from the session's start.
- ``feedback_retention_days``: feedback texts (situation, behaviour, impact, suggestion,
  the receiver's reflection) counted from when it was given, survey comments and
  fit-check comments counted from when they were written.

Only rows that still hold text are touched, so a second run changes nothing. Which
texts each setting covers is said by each app's privacy rules (``expire``).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from mentoring.audit.models import AuditAction
from mentoring.audit.services import record_event

from .rules import all_rules


def expire_texts(*, organization, now=None) -> dict[str, int]:
    """Empty the texts of the active ``organization`` older than its retention settings
    (each app's privacy rules say which). Returns {what: rows emptied}; an organization
    without settings changes nothing."""
    now = now or timezone.now()
    emptied: dict[str, int] = {}
    for rules in all_rules():
        if rules.expire is not None:
            emptied.update(rules.expire(organization, now))
    return emptied


@transaction.atomic
def retention_apply(*, organization, now=None) -> dict[str, int]:
    """Empty the texts older than the organization's retention settings (idempotent);
    the audit log records a run that emptied anything."""
    emptied = expire_texts(organization=organization, now=now)
    if any(emptied.values()):
        total = sum(emptied.values())
        record_event(
            organization=organization,
            action=AuditAction.ERASURE,
            actor_label="text retention",
            summary=f"Emptied the text of {total} old notes, feedback and comments",
            changed_fields=[name for name, count in emptied.items() if count],
        )
    return emptied
