"""A session as the calendar text people receive: the file downloaded from its page, an
event of their feed, and the invitation emailed to both people when it is planned, moved
or cancelled. One builder, so a session keeps one UID, summary and link whichever way it
reached a calendar, and a later invitation replaces the event instead of adding another.

A session of a series is an occurrence of the series' one repeating event in invitations
(the series' UID and the occurrence's RECURRENCE-ID); in files and feeds it is an event of
its own."""

from __future__ import annotations

from datetime import timedelta
from email.utils import parseaddr
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from mentoring.tenancy.hosts import organization_link

from . import ics
from .members import member_people
from .models import SessionKind, SessionStatus

if TYPE_CHECKING:
    from mentoring.people.models import Profile
    from mentoring.tenancy.models import Organization

    from .models import Session, SessionSeries

INVITATION_FILENAME = "invite.ics"


def _uid(organization: Organization, noun: str, pk: int) -> str:
    return f"{noun}-{pk}@{organization.slug}.{settings.ROOT_DOMAIN}"


def session_uid(organization: Organization, session: Session) -> str:
    return _uid(organization, "session", session.pk)


def _summary(session: Session | SessionSeries, kind: str) -> str:
    """A pair's two names; a circle's title (its members are the attendees)."""
    pair = session.mentorship
    if pair.program.is_circle:
        skill = pair.focus_skill
        return _("Mentoring circle (%(kind)s): %(name)s") % {
            "kind": kind.lower(),
            "name": skill.name if skill else _("circle"),
        }
    return _("Mentoring (%(kind)s): %(mentor)s and %(mentee)s") % {
        "kind": kind.lower(),
        "mentor": pair.mentor.person.display_name,
        "mentee": pair.mentee.person.display_name,
    }


class EventWords:
    """What every event of one organization spells the same way: the session page's
    address (reversed once, a feed has hundreds of events) and the kinds' names."""

    def __init__(self, organization: Organization):
        sample = organization_link(organization, "sessions:session", session_id=0)
        self._head, self._tail = sample.rsplit("/0/", 1)
        self.kinds = {kind.value: str(kind.label) for kind in SessionKind}

    def session_url(self, session_id: int) -> str:
        return f"{self._head}/{session_id}/{self._tail}"


def session_event(
    organization: Organization,
    session: Session,
    *,
    agenda: list[str] | None = None,
    words: EventWords | None = None,
) -> ics.Invite:
    """``session`` (its pair's people loaded) as an event of its own. With ``agenda`` (the
    points' texts, in order) the description lists it; without, it names only the place
    and the session's page (a feed holds no agenda and no notes). Pass ``words`` when
    writing many events of one organization."""
    words = words or EventWords(organization)
    url = words.session_url(session.pk)
    note = "" if agenda is None else session.change_note
    description = ics.session_description(agenda, url, note, place=session.location)
    return ics.Invite(
        uid=session_uid(organization, session),
        starts_at=session.starts_at,
        ends_at=session.starts_at + timedelta(minutes=session.duration_minutes),
        stamp=session.updated_at or timezone.now(),
        summary=_summary(session, words.kinds[session.kind]),
        location=session.location,
        description=description,
        url=url,
        is_cancelled=session.status == SessionStatus.CANCELLED,
        sequence=session.sequence,
    )


def session_calendar(organization: Organization, session: Session, agenda: list[str]) -> str:
    """The .ics file of ``session`` with its agenda; a cancelled session's file says so."""
    return ics.render(session_event(organization, session, agenda=agenda))


def platform_address() -> str:
    """The address invitations come from (the organizer's): the site's sending address."""
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def _people(organization: Organization, pair, planner: Profile | None):
    """The organizer (the platform's address, named for whoever planned it) and every
    member as an attendee (both of a pair, everyone of a circle); the planner has accepted,
    the others have not answered yet."""
    planner = planner or pair.mentee.person
    organizer = ics.Person(
        _("%(planner)s via %(organization)s")
        % {"planner": planner.display_name, "organization": organization.name},
        platform_address(),
    )
    people = member_people(pair)
    if not pair.program.is_circle:
        people.reverse()  # the mentor first, as a pair's invitations always listed them
    attendees = [
        ics.Person(
            person.display_name,
            person.user.email,
            "ACCEPTED" if person.pk == planner.pk else "NEEDS-ACTION",
        )
        for person in people
    ]
    return organizer, attendees


def session_invitation(
    organization: Organization, session: Session, agenda: list[str], *, planner: Profile | None
) -> tuple[str, str]:
    """The iTIP method and calendar text that tells both people's calendars about
    ``session`` as it is now: ``REQUEST`` (planned or moved) or ``CANCEL``. ``planner`` is
    who planned it (named as the organizer in every later update too)."""
    invite = session_event(organization, session, agenda=agenda)
    invite.organizer, invite.attendees = _people(organization, session.mentorship, planner)
    series = session.series if session.series_id else None
    if series is not None and session.series_start:
        invite.uid = _uid(organization, "series", series.pk)
        invite.recurrence_id = session.series_start
        invite.time_zone = series.time_zone
    method = "CANCEL" if session.status == SessionStatus.CANCELLED else "REQUEST"
    return method, ics.render(invite, method=method)


def series_invitation(
    organization: Organization, series: SessionSeries, first: Session, agenda: list[str]
) -> str:
    """The REQUEST that puts a whole series in both calendars: one event repeating every
    ``interval_weeks`` weeks, ``count`` times, on the planner's clock (``time_zone``)."""
    url = organization_link(organization, "sessions:session", session_id=first.pk)
    invite = ics.Invite(
        uid=_uid(organization, "series", series.pk),
        starts_at=series.starts_at,
        ends_at=series.starts_at + timedelta(minutes=series.duration_minutes),
        stamp=timezone.now(),
        summary=_summary(first, first.get_kind_display()),
        location=first.location,
        description=ics.session_description(agenda, url, place=first.location),
        url=url,
        sequence=series.sequence,
        rrule=f"FREQ=WEEKLY;INTERVAL={series.interval_weeks};COUNT={series.count}",
        time_zone=series.time_zone,
    )
    invite.organizer, invite.attendees = _people(organization, series.mentorship, series.created_by)
    return ics.render(invite, method="REQUEST")


def invitation_attachment(method: str, content: str) -> dict:
    """An invitation as an outbox attachment: sent both as the email's calendar part
    (``text/calendar; method=…``, which mail programs show as an invitation with buttons)
    and as the attached file ``invite.ics`` (``mentoring.notifications.sending.deliver``)."""
    return {
        "filename": INVITATION_FILENAME,
        "content": content,
        "mimetype": "text/calendar",
        "method": method,
    }


def session_attachment(organization: Organization, session: Session, agenda: list[str]) -> dict:
    """The session's file (METHOD:PUBLISH) as an outbox attachment: the reminder's."""
    return {
        "filename": "session.ics",
        "content": session_calendar(organization, session, agenda),
        "mimetype": "text/calendar",
    }
