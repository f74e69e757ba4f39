"""Emails about programs' events, written to the outbox in the same transaction as the
decision: application decisions (always sent)."""

from __future__ import annotations

from mentoring.notifications.models import Kind
from mentoring.notifications.outbox import Message, enqueue
from mentoring.tenancy.hosts import organization_link


def application_decided(organization, enrollments) -> int:
    return enqueue(
        organization,
        [
            Message(
                kind=Kind.APPLICATION_DECIDED,
                dedupe_key=f"application:{e.pk}:{e.status}:{e.decided_at:%Y%m%d%H%M%S%f}",
                recipient=e.person,
                template="application_decided",
                context={
                    "enrollment": e,
                    "url": organization_link(
                        organization, "programs:enrollment", enrollment_id=e.pk
                    ),
                },
            )
            for e in enrollments
        ],
    )
