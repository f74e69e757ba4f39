"""Telling every member (both people of a pair, everyone of a circle) that a session was
planned, moved or cancelled, or a series planned: each gets an email through the outbox
carrying the calendar invitation (iTIP REQUEST or CANCEL, ``sessions.calendar_files``), so
the event lands in, moves in or leaves every calendar. The others' emails are of the
partner's kind (planned, moved, cancelled) and are news in their "what's new" list; the
actor's own is a ``SESSION_INVITATION``, which is no news to them. Called inside the
transaction that made the change; each change is written once (its dedupe key holds the
invitation's SEQUENCE)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _

from mentoring.common.time_zones import time_zone_of
from mentoring.notifications.models import Kind
from mentoring.notifications.outbox import Message, enqueue
from mentoring.people.language import person_language
from mentoring.tenancy.hosts import organization_link

from .calendar_files import invitation_attachment, series_invitation, session_invitation
from .members import member_people
from .models import AgendaItem

if TYPE_CHECKING:
    from collections.abc import Callable

    from mentoring.people.models import Profile
    from mentoring.tenancy.models import Organization

    from .models import Session, SessionSeries

TEMPLATES: dict[str, str] = {  # the partner's email of each kind
    Kind.SESSION_PLANNED: "session_planned",
    Kind.SESSION_MOVED: "session_moved",
    Kind.SESSION_CANCELLED: "session_cancelled",
}
EVENTS: dict[str, str] = {
    Kind.SESSION_PLANNED: "planned",
    Kind.SESSION_MOVED: "moved",
    Kind.SESSION_CANCELLED: "cancelled",
}


def _agenda(session: Session) -> list[str]:
    return list(
        AgendaItem.objects.filter(session=session)
        .order_by("position", "pk")
        .values_list("text", flat=True)
    )


def _when(session: Session, person: Profile) -> dict:
    starts = timezone.localtime(session.starts_at, time_zone_of(person.time_zone))
    return {
        "starts_day": dateformat.format(starts, "l j F"),
        "starts_time": dateformat.format(starts, "H:i"),
        "time_zone": starts.tzname() if not person.time_zone else person.time_zone,
    }


@dataclass(frozen=True)
class Others:
    """Who an email names as "the others" of a circle: everyone but its reader."""

    display_name: str


def _partner_of(person: Profile, people: list[Profile]) -> Profile | Others:
    """The other person of a pair; a circle's other members by name, for the sentences."""
    others = [other for other in people if other.pk != person.pk]
    if len(others) == 1:
        return others[0]
    names = [other.display_name for other in others]
    return Others(
        display_name=_("%(names)s and %(last)s")
        % {"names": ", ".join(names[:-1]), "last": names[-1]}
    )


def _circle_title(mentorship) -> str:
    """A circle's name in its emails ("Listening circle"); empty for a pair."""
    if not mentorship.program.is_circle:
        return ""
    skill = mentorship.focus_skill
    return _("%(skill)s circle") % {"skill": skill.name} if skill else _("mentoring circle")


def _tell_both(
    organization: Organization,
    session: Session,
    *,
    kind: str,
    template: str,
    actor: Profile,
    change: str,
    key: str,
    attachment: Callable[[], dict],
    extra: Callable[[], dict] | None = None,
) -> int:
    """One email to each member: the partner's ``kind`` to the other person (to everyone
    else of a circle, once each), a ``SESSION_INVITATION`` to the actor, all with the same
    invitation. ``change`` names it in the actor's email (planned, moved, cancelled,
    series); ``key`` makes the dedupe key unique per change. Each member's words, dates
    and invitation are in their language (``attachment`` and ``extra`` make them, once
    per language)."""
    people = member_people(session.mentorship)
    for person in people:  # the organization at hand: their language costs no query
        if person.organization_id == organization.pk:
            person.organization = organization
    url = organization_link(organization, "sessions:session", session_id=session.pk)
    in_language: dict[str, tuple[str, dict, dict]] = {}
    messages = []
    for person in people:
        language = person_language(person)
        is_actor = person.pk == actor.pk
        message_kind = Kind.SESSION_INVITATION if is_actor else kind
        with translation.override(language):
            if language not in in_language:
                in_language[language] = (
                    _circle_title(session.mentorship),
                    attachment(),
                    extra() if extra else {},
                )
            circle, calendar, more = in_language[language]
            context = {
                "session": session,
                "other": actor,
                "partner": _partner_of(person, people),
                "circle": circle,
                "event": change,
                "note": session.change_note,
                "url": url,
                **_when(session, person),
                **more,
            }
        messages.append(
            Message(
                kind=message_kind,
                dedupe_key=f"{message_kind}:{session.pk}:{key}:{person.pk}",
                recipient=person,
                template="session_invitation" if is_actor else template,
                context=context,
                attachments=[calendar],
            )
        )
    return enqueue(organization, messages)


def session_changed(
    organization: Organization, session: Session, *, kind: str, actor: Profile
) -> int:
    """Tell every member about ``kind`` (planned, moved, cancelled) of ``session``, whose
    SEQUENCE the change has just raised (planning: 0). Returns how many emails were
    written."""
    agenda = _agenda(session)

    def attachment() -> dict:
        method, calendar = session_invitation(
            organization, session, agenda, planner=session.created_by
        )
        return invitation_attachment(method, calendar)

    return _tell_both(
        organization,
        session,
        kind=kind,
        template=TEMPLATES[kind],
        actor=actor,
        change=EVENTS[kind],
        key=f"seq{session.sequence}",
        attachment=attachment,
    )


def series_rule(series: SessionSeries) -> str:
    """The series in words: "6 sessions every 2 weeks"."""
    if series.interval_weeks == 1:
        return _("%(count)s sessions every week") % {"count": series.count}
    return _("%(count)s sessions every %(weeks)s weeks") % {
        "count": series.count,
        "weeks": series.interval_weeks,
    }


def series_planned(organization: Organization, series: SessionSeries, *, actor: Profile) -> int:
    """Tell every member once about a whole series: one invitation of one repeating event
    (not one email per session). ``series.sessions`` exist already."""
    first = series.sessions.order_by("starts_at", "pk").select_related(
        "mentorship__program",
        "mentorship__mentee__person__user",
        "mentorship__mentor__person__user",
    )[0]
    agenda = _agenda(first)
    return _tell_both(
        organization,
        first,
        kind=Kind.SESSION_PLANNED,
        template="series_planned",
        actor=actor,
        change="series",
        key=f"series{series.pk}",
        attachment=lambda: invitation_attachment(
            "REQUEST", series_invitation(organization, series, first, agenda)
        ),
        extra=lambda: {"series_rule": series_rule(series), "series_zone": series.time_zone},
    )
