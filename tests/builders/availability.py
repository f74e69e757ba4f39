"""A person's weekly windows and away days written directly, for the slot finder's tests
(the availability page's own rules: tests/sessions/test_availability.py)."""

from __future__ import annotations

from datetime import time

from mentoring.people.models import Profile
from mentoring.tenancy import activate
from sessions.models import AvailabilityWindow, AwayPeriod

ALL_WEEK = [(day, time(0), time(23, 59)) for day in range(7)]


def give_windows(pair, person: Profile, rows=ALL_WEEK, zone: str = "UTC", away=()) -> None:
    """``person`` of ``pair`` keeps ``rows`` (weekday, start, end) on ``zone``'s clock and
    is away on the (first, last) days of ``away``."""
    with activate(pair.org.organization):
        Profile.objects.filter(pk=person.pk).update(time_zone=zone)
        person.time_zone = zone
        AvailabilityWindow.objects.bulk_create(
            AvailabilityWindow(
                organization=pair.org.organization,
                person=person,
                weekday=weekday,
                starts=starts,
                ends=ends,
            )
            for weekday, starts, ends in rows
        )
        AwayPeriod.objects.bulk_create(
            AwayPeriod(organization=pair.org.organization, person=person, first_day=a, last_day=b)
            for a, b in away
        )
