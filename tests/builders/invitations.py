"""Reading the calendar invitations emailed for sessions as a mail program would: the
message's MIME parts parsed by the standard library, the calendar text by the
``icalendar`` library (a parser no one here wrote)."""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage

import icalendar
from django.core import mail


def mime_of(sent) -> EmailMessage:
    """A sent Django email as the bytes a mail server receives, parsed again."""
    return email.message_from_bytes(sent.message().as_bytes(), policy=policy.default)


def calendar_part(sent) -> EmailMessage:
    """The message's one ``text/calendar`` part (the invitation mail programs show)."""
    [part] = [p for p in mime_of(sent).walk() if p.get_content_type() == "text/calendar"]
    return part


def invitation(sent) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(calendar_part(sent).get_content())


def event_of(sent) -> icalendar.Event:
    [event] = invitation(sent).walk("VEVENT")
    return event


def invitations_to(user) -> list:
    """The emails sent to ``user`` that carry an invitation, oldest first."""
    return [
        m
        for m in mail.outbox
        if m.to == [user.email]
        and any("text/calendar" in mimetype for _content, mimetype in m.alternatives)
    ]


def address(value) -> str:
    """An ORGANIZER or ATTENDEE's address without ``mailto:``."""
    return str(value).removeprefix("mailto:").removeprefix("MAILTO:")
