"""The dispatcher: decides from the database what is due and writes it to the outbox.

Beat runs it every minute; it may run twice or concurrently (two beats, a manual
`send_due_notifications`): dedupe keys make every decision idempotent. The core knows no
reminder: each app registers a ``ReminderSource`` (``hooks.REMINDER_SOURCES``). Per
organization and pass, every source lists what is due, known by dedupe key before anything
is rendered; the outbox is asked once which keys are written already; each source renders
only its missing messages (on most passes, none). A source's cost is a fixed number of
queries, however many pairs and sessions the organization has.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from mentoring import hooks
from mentoring.ops import metrics
from mentoring.tenancy import activate
from mentoring.tenancy.models import Organization

from .models import OutboxMessage
from .outbox import Message, send_after_commit, write

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Due:
    """A message that is due, known by its dedupe key before anything is rendered."""

    kind: str
    key: str
    recipient: int  # profile id
    about: object  # whatever the source needs to render it
    period: int = 0


class ReminderSource(Protocol):
    """Made once per organization and pass: ``due()`` lists what is due, and ``messages()``
    renders those of them not written yet."""

    def due(self) -> list[Due]: ...

    def messages(self, missing: list[Due]) -> list[Message]: ...


class ReminderSourceFactory(Protocol):
    def __call__(self, organization: Organization, now: datetime) -> ReminderSource: ...


def dispatch_organization(organization: Organization, now: datetime) -> Counter:
    """Write what is due for the active organization; {kind: rows written}."""
    factories: list[ReminderSourceFactory] = hooks.get_hooks(hooks.REMINDER_SOURCES)
    sources = [(source, source.due()) for source in (f(organization, now) for f in factories)]
    keys = [due.key for _source, dues in sources for due in dues]
    written = set(
        OutboxMessage.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True)
    )
    messages = []
    for source, dues in sources:
        missing = [due for due in dues if due.key not in written]
        if missing:
            messages += source.messages(missing)
    if not messages:
        return Counter()
    rows = write(organization, messages)
    if rows:
        send_after_commit(organization)  # one send task per organization and pass
    return Counter(row.kind for row in rows)


@metrics.DISPATCH_SECONDS.time()
def dispatch_due(now=None, dry_run: bool = False) -> dict[tuple[str, str], int]:
    """Write every due notification of every active organization; {(slug, kind): queued}."""
    now = now or timezone.now()
    totals: dict[tuple[str, str], int] = {}
    for organization in Organization.objects.filter(is_active=True).order_by("pk"):
        try:
            with activate(organization), transaction.atomic():
                counts = dispatch_organization(organization, now)
                if dry_run:
                    transaction.set_rollback(True)
        except Exception:
            # One organization's bad data must not stop everyone else's reminders.
            logger.exception("dispatching for organization %s failed", organization.pk)
            continue
        for kind, count in counts.items():
            if count:
                totals[(organization.slug, kind)] = count
    return totals


@shared_task(name="mentoring.notifications.dispatch")
def dispatch_notifications() -> int:
    """Beat, every minute: write what is due into the outbox (idempotent)."""
    return sum(dispatch_due().values())
