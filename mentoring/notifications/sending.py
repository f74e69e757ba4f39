"""Sending the outbox: claim rows under a lease, send, mark them sent.

A row being sent carries a lease; if its worker dies, the lease runs out and the row is
claimed again (the sweeper re-queues it). Transient mail errors put the row back with a
growing, jittered delay; after ``MAX_ATTEMPTS`` it is marked failed for the operator.
"""

from __future__ import annotations

import logging
import random
import smtplib
import time
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mentoring.ops import metrics

from .models import OutboxMessage, Status

logger = logging.getLogger(__name__)

LEASE = timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS)
BATCH = 50
MAX_ATTEMPTS = 6
TRANSIENT = (
    SoftTimeLimitExceeded,
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    smtplib.SMTPDataError,
    smtplib.SMTPHeloError,
    ConnectionError,
    TimeoutError,
)


def send_queued_key(organization_id: int) -> str:
    """The cache key that says a send task of the organization is queued, not started."""
    return f"outbox-send-queued:{organization_id}"


def claimable(now) -> Q:
    waiting = Q(status=Status.PENDING) & (Q(lease_until__isnull=True) | Q(lease_until__lte=now))
    abandoned = Q(status=Status.SENDING, lease_until__lte=now)
    return waiting | abandoned


def claim(now) -> list[OutboxMessage]:
    """Take up to BATCH rows of the active organization that no one else is sending."""
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(claimable(now))
            .order_by("pk")[:BATCH]
        )
        for row in rows:
            row.status, row.lease_until, row.attempts = (
                Status.SENDING,
                now + LEASE,
                row.attempts + 1,
            )
        OutboxMessage.objects.bulk_update(rows, ["status", "lease_until", "attempts"])
    return rows


def renew_lease(row: OutboxMessage, now) -> bool:
    """Extend a claimed row's lease just before sending it. A batch is claimed under one
    lease, so when sending is slow the last rows' lease may run out before their turn and
    another sender claim them (which counts one more attempt): then this one must not
    send them too. False when that happened."""
    still_ours = OutboxMessage.objects.filter(
        pk=row.pk, status=Status.SENDING, attempts=row.attempts
    ).update(lease_until=now + LEASE)
    return still_ours == 1


def deliver(row: OutboxMessage) -> None:
    """Send one row. An attachment with a ``method`` is a calendar invitation (iMIP,
    RFC 6047): it goes in as the message's ``text/calendar; method=…`` alternative, which
    mail programs show as an invitation, and as an attached ``application/ics`` file for
    those that only import files (the layout Google Calendar's own invitations have)."""
    message = EmailMultiAlternatives(
        subject=row.subject, body=row.body_text, to=[row.to_email], headers=row.headers
    )
    message.attach_alternative(row.body_html, "text/html")
    for attachment in row.attachments:
        if method := attachment.get("method"):
            # Django writes the type as given, so the parameter lands in Content-Type.
            message.attach_alternative(attachment["content"], f"text/calendar; method={method}")
            content = attachment["content"].encode()
            message.attach(attachment["filename"], content, "application/ics")
        else:
            message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    message.send()


def _retry_delay(attempts: int) -> timedelta:
    seconds = min(3600, 30 * 2 ** (attempts - 1))
    return timedelta(seconds=seconds * random.uniform(0.5, 1.5))


def send_pending(*, seconds: float | None = None) -> dict[str, int]:
    """Send the claimable rows of the active organization; returns counts by outcome.
    With ``seconds``, stop after the batch during which that long has passed, and say in
    ``more`` whether rows are left (the task then queues itself again, behind whatever
    was queued meanwhile)."""
    outcome = {"sent": 0, "retry": 0, "failed": 0, "taken_over": 0, "more": 0}
    stop_at = None if seconds is None else time.monotonic() + seconds
    while rows := claim(timezone.now()):
        for row in rows:
            if not renew_lease(row, timezone.now()):
                outcome["taken_over"] += 1
                logger.info("outbox %s: lease ran out, another sender has it", row.pk)
                continue
            try:
                deliver(row)
            except TRANSIENT as error:
                failed = row.attempts >= MAX_ATTEMPTS
                row.status = Status.FAILED if failed else Status.PENDING
                row.lease_until = None if failed else timezone.now() + _retry_delay(row.attempts)
                row.last_error = f"{type(error).__name__}: {error}"[:500]
                outcome["failed" if failed else "retry"] += 1
                metrics.EMAILS_FAILED.labels(final=str(failed).lower()).inc()
                logger.warning("outbox %s: %s (attempt %s)", row.pk, row.last_error, row.attempts)
            except Exception as error:  # a message that can never be sent as it is
                row.status, row.lease_until = Status.FAILED, None
                row.last_error = f"{type(error).__name__}: {error}"[:500]
                outcome["failed"] += 1
                metrics.EMAILS_FAILED.labels(final="true").inc()
                logger.exception("outbox %s failed for good", row.pk)
            else:
                row.status, row.lease_until, row.sent_at = Status.SENT, None, timezone.now()
                outcome["sent"] += 1
                metrics.EMAILS_SENT.inc()
            row.save(update_fields=["status", "lease_until", "last_error", "sent_at"])
        if stop_at is not None and time.monotonic() > stop_at:  # a batch at least, then stop
            outcome["more"] = int(OutboxMessage.objects.filter(claimable(timezone.now())).exists())
            break
    return outcome
