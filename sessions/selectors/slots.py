"""The next times that suit both people of a pair: inside both people's weekly windows,
outside their away days and outside every busy time of either (their other sessions on
the platform, and any calendar source in ``CALENDAR_BUSY_SOURCES``), each shown on both
clocks. A fixed number of queries, however many sessions the two people have."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from mentoring.common.guards import check_same_organization
from mentoring.common.time_zones import time_zone_of

from ..models import Session, SessionStatus
from ..slots import Interval, intersect, merged, mutual_free_time, spread_slots

if TYPE_CHECKING:
    from collections.abc import Sequence

    from matching.models import Mentorship
    from mentoring.people.models import Profile
    from mentoring.tenancy.models import Organization

    from ..calendar_sources import AvailabilitySource, BusySource

# The soonest a proposed slot starts: an hour of notice, so both people can still see it.
LEAD_TIME = timedelta(hours=1)

# Where busy and free time come from: ``sessions.calendar_sources`` (loaded by path, so this
# module does not import it: it reads the platform's sessions through the selectors).
PLATFORM_SESSIONS = "sessions.calendar_sources.PlatformSessions"
PLATFORM_AVAILABILITY = "sessions.calendar_sources.PlatformAvailability"


@lru_cache(maxsize=8)
def _load(paths: tuple[str, ...]) -> tuple:
    return tuple(import_string(path)() for path in paths)


def busy_sources() -> tuple[BusySource, ...]:
    """The setting ``CALENDAR_BUSY_SOURCES``; by default the platform's sessions."""
    return _load(tuple(getattr(settings, "CALENDAR_BUSY_SOURCES", (PLATFORM_SESSIONS,))))


def availability_sources() -> tuple[AvailabilitySource, ...]:
    """The setting ``CALENDAR_FREE_SOURCES``; by default the platform's windows."""
    return _load(tuple(getattr(settings, "CALENDAR_FREE_SOURCES", (PLATFORM_AVAILABILITY,))))


def busy_time(
    *, organization: Organization, people: Sequence[Profile], start: datetime, end: datetime
) -> list[Interval]:
    """The time at least one of ``people`` is busy, by every busy source, merged."""
    intervals: list[Interval] = []
    for source in busy_sources():
        found = source.busy(organization=organization, people=people, start=start, end=end)
        for person_intervals in found.values():
            intervals.extend(person_intervals)
    return merged(intervals)


def free_time(
    *, organization: Organization, people: Sequence[Profile], start: datetime, end: datetime
) -> dict[int, list[Interval]]:
    """Each person's free time by every availability source that knows them (their
    intersection); people no source knows are left out."""
    free: dict[int, list[Interval]] = {}
    for source in availability_sources():
        found = source.free(organization=organization, people=people, start=start, end=end)
        for person_id, intervals in found.items():
            free[person_id] = (
                intersect(free[person_id], intervals) if person_id in free else intervals
            )
    return free


@dataclass(frozen=True)
class Clock:
    """A slot on one person's clock: ``starts`` and ``ends`` are aware, in ``zone``."""

    person_id: int
    name: str
    zone: str
    starts: datetime
    ends: datetime


@dataclass(frozen=True)
class Slot:
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    clocks: tuple[Clock, Clock]  # the viewer's first when one was given, else the mentee's

    @property
    def mine(self) -> Clock:
        return self.clocks[0]

    @property
    def theirs(self) -> Clock:
        return self.clocks[1]

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class SlotList(list):
    """The proposed slots, and ``problem``: why there are none to propose, when it is
    because someone has not said when they can meet ("" otherwise)."""

    problem: str = ""


def _clock(person: Profile, starts_at: datetime, ends_at: datetime) -> Clock:
    zone = time_zone_of(person.time_zone)
    return Clock(
        person_id=person.pk,
        name=person.display_name,
        zone=str(zone),
        starts=starts_at.astimezone(zone),
        ends=ends_at.astimezone(zone),
    )


def _missing_windows(people: list[Profile], viewer: Profile | None) -> str:
    if len(people) == 2:
        return _("Neither of you has said when you can meet yet.")
    (person,) = people
    if viewer is not None and person.pk == viewer.pk:
        return _("You have not said when you can meet yet: set your weekly availability.")
    return _(
        "%(name)s has not said when they can meet yet, so there is no time to "
        "propose: plan a time below, or ask them to set their weekly availability."
    ) % {"name": person.display_name}


def mutual_slots(
    *,
    organization: Organization,
    mentorship: Mentorship,
    length_minutes: int = 60,
    now: datetime | None = None,
    horizon_days: int = 28,
    limit: int | None = 12,
    viewer: Profile | None = None,
) -> SlotList:
    """Up to ``limit`` slots of ``length_minutes`` for the pair, starting an hour from now
    at the soonest and within ``horizon_days``, soonest first and spread over the days.
    ``viewer`` (one of the two) puts their clock first. With no window for someone, no
    slots and a ``problem`` saying who."""
    check_same_organization(organization, mentorship)
    people = [mentorship.mentee.person, mentorship.mentor.person]
    first = viewer if viewer is not None and viewer.pk in {p.pk for p in people} else people[0]
    people_in_order = [first, *(person for person in people if person.pk != first.pk)]
    now = now or timezone.now()
    start = (now + LEAD_TIME).replace(second=0, microsecond=0) + timedelta(minutes=1)
    end = start + timedelta(days=horizon_days)
    result = SlotList()
    free = free_time(organization=organization, people=people, start=start, end=end)
    missing = [person for person in people_in_order if person.pk not in free]
    if missing:
        result.problem = _missing_windows(missing, viewer)
        return result
    common = mutual_free_time([free[person.pk] for person in people], [])
    if not common:
        return result
    busy = busy_time(organization=organization, people=people, start=start, end=end)
    length = timedelta(minutes=length_minutes)
    for interval in spread_slots(
        mutual_free_time([common], busy),
        length,
        limit=limit,
        zone=time_zone_of(first.time_zone),
    ):
        result.append(
            Slot(
                starts_at=interval.start,
                ends_at=interval.end,
                clocks=(
                    _clock(people_in_order[0], interval.start, interval.end),
                    _clock(people_in_order[1], interval.start, interval.end),
                ),
            )
        )
    return result


def slot_is_free(
    *,
    organization: Organization,
    mentorship: Mentorship,
    starts_at: datetime,
    length_minutes: int,
) -> bool:
    """Whether [starts_at, + length) is still inside both people's availability and
    clear of every busy time of either (the check before planning a picked slot)."""
    check_same_organization(organization, mentorship)
    people = [mentorship.mentee.person, mentorship.mentor.person]
    end = starts_at + timedelta(minutes=length_minutes)
    free = free_time(organization=organization, people=people, start=starts_at, end=end)
    if any(person.pk not in free for person in people):
        return False
    busy = busy_time(organization=organization, people=people, start=starts_at, end=end)
    open_time = mutual_free_time([free[person.pk] for person in people], busy)
    return bool(open_time) and open_time[0].start == starts_at and open_time[0].end == end


def planned_at(*, mentorship: Mentorship, starts_at: datetime) -> Session | None:
    """The pair's planned session starting at ``starts_at``, if there is one (a slot's
    button sent a second time finds the session the first one planned)."""
    return (
        Session.objects.filter(
            mentorship=mentorship, starts_at=starts_at, status=SessionStatus.PLANNED
        )
        .order_by("pk")
        .first()
    )
