"""Where the slot finder learns when people are busy and when they can meet: one small
interface per question, so a calendar provider (Google or Microsoft free/busy, working
hours) plugs in beside the platform without the finder changing (``docs/calendar.md``).

- ``BusySource``: busy time of several people over a range, in one call. The sources in
  use are the setting ``CALENDAR_BUSY_SOURCES`` (dotted paths of classes made without
  arguments); by default only the platform's own planned sessions.
- ``AvailabilitySource``: free time (when a person can meet at all), the same way, from
  ``CALENDAR_FREE_SOURCES``; by default the weekly windows and away days people keep here.
  A source leaves out the people it knows nothing about; a person is free where every
  source that knows them says so, and a person no source knows has no availability yet.

The finder (``sessions.selectors.slots``) loads the sources by their dotted paths, so it
never imports this module (which reads the platform's sessions through the selectors).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from mentoring.common.time_zones import time_zone_of

from .models import AvailabilityWindow, AwayPeriod
from .selectors.busy import planned_times_between
from .slots import Interval, weekly_free_time

if TYPE_CHECKING:
    from mentoring.people.models import Profile
    from mentoring.tenancy.models import Organization


class BusySource(Protocol):
    def busy(
        self,
        *,
        organization: Organization,
        people: Sequence[Profile],
        start: datetime,
        end: datetime,
    ) -> dict[int, list[Interval]]:
        """Busy time of each of ``people`` (by profile id) overlapping [start, end)."""
        ...


class AvailabilitySource(Protocol):
    def free(
        self,
        *,
        organization: Organization,
        people: Sequence[Profile],
        start: datetime,
        end: datetime,
    ) -> dict[int, list[Interval]]:
        """Free time of each person the source knows (by profile id) inside [start, end),
        sorted and merged; people it knows nothing about are left out."""
        ...


class PlatformSessions:
    """Planned sessions on the platform, in any of a person's mentorships: one query."""

    def busy(
        self,
        *,
        organization: Organization,
        people: Sequence[Profile],
        start: datetime,
        end: datetime,
    ) -> dict[int, list[Interval]]:
        wanted = {person.pk for person in people}
        busy: dict[int, list[Interval]] = {person_id: [] for person_id in wanted}
        for starts_at, minutes, mentee_id, mentor_id in planned_times_between(people, start, end):
            interval = Interval(starts_at, starts_at + timedelta(minutes=minutes))
            for person_id in {mentee_id, mentor_id}:
                if person_id in wanted:
                    busy[person_id].append(interval)
        return busy


class PlatformAvailability:
    """The weekly windows and away days people keep on the platform, on their own clock
    (their profile's time zone): two queries. A person without any window is left out."""

    def free(
        self,
        *,
        organization: Organization,
        people: Sequence[Profile],
        start: datetime,
        end: datetime,
    ) -> dict[int, list[Interval]]:
        by_id = {person.pk: person for person in people}
        windows: dict[int, list[AvailabilityWindow]] = {}
        for window in AvailabilityWindow.objects.filter(person__in=list(by_id)):
            windows.setdefault(window.person_id, []).append(window)
        away: dict[int, list[tuple[date, date]]] = {}
        # away days are on each person's calendar: a day either side covers every zone
        days = AwayPeriod.objects.filter(
            person__in=list(windows),
            first_day__lte=(end + timedelta(days=1)).date(),
            last_day__gte=(start - timedelta(days=1)).date(),
        ).values_list("person_id", "first_day", "last_day")
        for person_id, first_day, last_day in days:
            away.setdefault(person_id, []).append((first_day, last_day))
        return {
            person_id: weekly_free_time(
                person_windows,
                time_zone_of(by_id[person_id].time_zone),
                start,
                end,
                away=away.get(person_id, ()),
            )
            for person_id, person_windows in windows.items()
        }
