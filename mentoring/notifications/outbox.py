"""Writing messages into the outbox: rendered now, sent by a worker later.

``enqueue`` is called inside the transaction that decides to notify; rows whose dedupe
key exists already are skipped by the database, so deciding twice writes once. A message
of a news kind (``NEWS_KINDS``) also becomes a ``Notice`` in the person's "what's new"
list, under the same key, even when they turned its email off. Both are written in the
recipient's language (``person_language``).
"""

from __future__ import annotations

import logging
from contextlib import suppress
from dataclasses import dataclass, field

import kombu.exceptions
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import translation

from mentoring.people.language import person_language
from mentoring.people.models import Profile
from mentoring.resilience import OUTAGE_ERRORS
from mentoring.tenancy.hosts import organization_link, organization_url

from .models import ALWAYS_SENT, NEWS_KINDS, Notice, NotificationSetting, OutboxMessage
from .sending import send_queued_key

logger = logging.getLogger(__name__)
SIGNING_SALT = "notification-preferences"
# A send task queued is remembered this long (or until it starts); then another may be.
SEND_QUEUED_SECONDS = 30


def preferences_token(profile: Profile) -> str:
    return signing.dumps({"o": profile.organization_id, "p": profile.pk}, salt=SIGNING_SALT)


def read_preferences_token(token: str, organization) -> int | None:
    """The profile id a preferences link is for, if it is genuine and for this organization."""
    try:
        data = signing.loads(token, salt=SIGNING_SALT)
    except signing.BadSignature:
        return None
    return data.get("p") if data.get("o") == organization.pk else None


@dataclass
class Message:
    kind: str
    dedupe_key: str
    recipient: Profile
    template: str
    context: dict = field(default_factory=dict)
    attachments: list = field(default_factory=list)


def disabled_kinds(profiles) -> set[tuple[int, str]]:
    """(profile id, kind) pairs that people turned off."""
    return set(
        NotificationSetting.objects.filter(person__in=profiles, is_enabled=False).values_list(
            "person_id", "kind"
        )
    )


def _plain_text(template_name: str, context: dict) -> str:
    """A subject line is plain text: rendered without HTML escaping, so "R&D" stays "R&D"
    (the HTML part escapes as usual; the text parts say ``autoescape off`` themselves)."""
    template = get_template(template_name).template  # type: ignore[attr-defined]
    return template.render(Context(context, autoescape=False))


def _context(organization, message: Message) -> dict:
    token = preferences_token(message.recipient)
    return {
        **message.context,
        "organization": organization,
        "person": message.recipient,
        "preferences_url": organization_link(organization, "notification_preferences", token=token),
        "unsubscribe_url": organization_link(organization, "notification_unsubscribe", token=token),
        "site_url": organization_url(organization),
    }


def _subject(message: Message, context: dict) -> str:
    subject = _plain_text(f"notifications/email/{message.template}.subject.txt", context)
    return " ".join(subject.split())[:250]


def _language(organization, person: Profile) -> str:
    """``person_language`` of a recipient of ``organization``, without a query for the
    organization at hand (an import of 10,000 people writes 10,000 messages)."""
    if person.organization_id == organization.pk:
        person.organization = organization
    return person_language(person)


def _render(organization, message: Message) -> OutboxMessage:
    """The row to send, written in the recipient's language."""
    person = message.recipient
    context = _context(organization, message)
    unsubscribe = context["unsubscribe_url"]
    with translation.override(_language(organization, person)):
        subject = _subject(message, context)
        body_text = render_to_string(f"notifications/email/{message.template}.txt", context)
        body_html = render_to_string(f"notifications/email/{message.template}.html", context)
    return OutboxMessage(
        organization=organization,
        kind=message.kind,
        dedupe_key=message.dedupe_key[:200],
        recipient=person.user,
        to_email=person.user.email,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        attachments=message.attachments,
    )


def _notice(organization, message: Message, row: OutboxMessage | None) -> Notice:
    if row:
        title = row.subject
    else:
        with translation.override(_language(organization, message.recipient)):
            title = _subject(message, _context(organization, message))
    return Notice(
        organization=organization,
        recipient=message.recipient,
        kind=message.kind,
        dedupe_key=message.dedupe_key[:200],
        title=title,
        url=str(message.context.get("url", ""))[:500],
    )


def write(organization, messages: list[Message]) -> list[OutboxMessage]:
    """Write the messages people have not turned off and that are not written yet, and a
    notice for each message of a news kind (turned off or not); returns the new outbox
    rows. Call it inside the transaction that decides to notify."""
    if not messages:
        return []
    off = disabled_kinds({m.recipient.pk for m in messages})
    wanted = [m for m in messages if m.kind in ALWAYS_SENT or (m.recipient.pk, m.kind) not in off]
    keys = {m.dedupe_key[:200] for m in wanted}
    existing = set(
        OutboxMessage.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True)
    )
    new = {id(m): _render(organization, m) for m in wanted if m.dedupe_key[:200] not in existing}
    rows = list(new.values())
    # A concurrent dispatcher may have written some meanwhile: the unique key decides.
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    # Notices the same way: one per key, whoever writes it first.
    notices = [_notice(organization, m, new.get(id(m))) for m in messages if m.kind in NEWS_KINDS]
    if notices:
        Notice.objects.bulk_create(notices, ignore_conflicts=True)
    return rows


def send_after_commit(organization) -> None:
    """Queue sending the organization's outbox once the transaction commits, unless a
    send task of the organization is queued and has not started yet (it will send these
    rows too): an import of 10,000 people queues one task, not one per batch, so a job
    queued after it does not wait behind a row of them. An unreachable broker does not
    fail the request whose change just committed: the rows wait in the outbox and the
    sweeper queues them when the broker is back."""
    from .tasks import send_outbox

    def queue() -> None:
        try:
            if not cache.add(send_queued_key(organization.pk), 1, SEND_QUEUED_SECONDS):
                return
        except OUTAGE_ERRORS:
            pass  # without the cache, queue it anyway: a second sender finds nothing to do
        try:
            send_outbox.delay(organization.pk)
        except kombu.exceptions.OperationalError as error:
            with suppress(*OUTAGE_ERRORS):
                cache.delete(send_queued_key(organization.pk))
            logger.warning(
                "broker unreachable, the sweeper will queue outbox %s: %s", organization.pk, error
            )

    transaction.on_commit(queue)


def enqueue(organization, messages: list[Message]) -> int:
    """Write the messages (see ``write``) and queue sending after commit. Returns how many
    rows were new."""
    rows = write(organization, messages)
    if rows:
        send_after_commit(organization)
    return len(rows)
