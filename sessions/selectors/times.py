"""A session's times and place as its pages show them: on each person's own clock, and
the place with its safe links."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast
from urllib.parse import urlsplit

from matching.access import PairSide
from mentoring.common.time_zones import time_zone_of
from mentoring.people.models import Profile

from ..models import Session


def ends_at(session: Session) -> datetime:
    return session.starts_at + timedelta(minutes=session.duration_minutes)


@dataclass
class LocalTime:
    """A session's start and end on one person's clock (naive wall times, so templates
    show them as they are)."""

    person: Profile
    is_me: bool
    starts: datetime
    ends: datetime
    zone: str
    offset: timedelta


def local_times(session: Session, side: PairSide) -> list[LocalTime]:
    """The session on my clock, then on the other person's (each other member's of a
    circle) when their clock reads differently at that moment (a different offset, not
    merely a different zone name; one line per clock)."""
    times: list[LocalTime] = []
    people = [(side.me, True), *((person, False) for person in side.others)]
    for person, is_me in people:
        zone = time_zone_of(person.time_zone)
        starts = session.starts_at.astimezone(zone)
        if not is_me and any(starts.utcoffset() == time.offset for time in times):
            continue
        times.append(
            LocalTime(
                person=person,
                is_me=is_me,
                starts=starts.replace(tzinfo=None),
                ends=ends_at(session).astimezone(zone).replace(tzinfo=None),
                zone=person.time_zone,
                offset=cast(timedelta, starts.utcoffset()),  # aware: never None
            )
        )
    return times


@dataclass
class LocationPart:
    text: str
    href: str = ""


_WHITESPACE = re.compile(r"(\s+)")


def location_parts(location: str) -> list[LocationPart]:
    """The place as text, where only http(s) addresses become links: a ``javascript:`` or
    ``data:`` address stays text. Templates escape every part."""
    parts = []
    for token in _WHITESPACE.split(location):
        if not token:
            continue
        href = ""
        if token.lower().startswith(("http://", "https://")):
            address = urlsplit(token)
            if address.scheme in ("http", "https") and address.netloc:
                href = token
        parts.append(LocationPart(text=token, href=href))
    return parts
