"""Telling the other person of a pair that a session was planned, moved or cancelled:
an email (with the calendar file) through the outbox, and a line in their "what's new"
list. Called inside the transaction that made the change, never for the actor."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import dateformat, timezone

from mentoring.common.time_zones import time_zone_of
from mentoring.notifications.models import Kind
from mentoring.notifications.outbox import Message, enqueue
from mentoring.tenancy.hosts import organization_link

from .calendar_files import session_attachment
from .models import AgendaItem

if TYPE_CHECKING:
    from mentoring.people.models import Profile
    from mentoring.tenancy.models import Organization

    from .models import Session

TEMPLATES: dict[str, str] = {
    Kind.SESSION_PLANNED: "session_planned",
    Kind.SESSION_MOVED: "session_moved",
    Kind.SESSION_CANCELLED: "session_cancelled",
}


def session_invite(organization: Organization, session: Session) -> dict:
    """The session's calendar file, to attach (``sessions.calendar_files``)."""
    agenda = list(
        AgendaItem.objects.filter(session=session)
        .order_by("position", "pk")
        .values_list("text", flat=True)
    )
    return session_attachment(organization, session, agenda)


def _when(session: Session, person: Profile) -> dict:
    starts = timezone.localtime(session.starts_at, time_zone_of(person.time_zone))
    return {
        "starts_day": dateformat.format(starts, "l j F"),
        "starts_time": dateformat.format(starts, "H:i"),
        "time_zone": starts.tzname() if not person.time_zone else person.time_zone,
    }


def session_changed(
    organization: Organization, session: Session, *, kind: str, actor: Profile, event: str
) -> int:
    """Tell the pair's other member(s) about ``kind`` (planned, moved, cancelled) of
    ``session``; ``event`` makes the dedupe key unique per change (e.g. the time of the
    move). Returns how many emails were written."""
    pair = session.mentorship
    people = [pair.mentee.person, pair.mentor.person]
    url = organization_link(organization, "sessions:session", session_id=session.pk)
    attachments = [session_invite(organization, session)]
    messages = [
        Message(
            kind=kind,
            dedupe_key=f"{TEMPLATES[kind]}:{session.pk}:{event}:{person.pk}",
            recipient=person,
            template=TEMPLATES[kind],
            context={
                "session": session,
                "other": actor,
                "note": session.change_note,
                "url": url,
                **_when(session, person),
            },
            attachments=attachments,
        )
        for person in people
        if person.pk != actor.pk
    ]
    return enqueue(organization, messages)
