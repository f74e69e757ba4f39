"""A person's availability: the weekly windows they can meet in (on their own clock, their
profile's time zone) and the days they are away. The slot finder reads these rows; only
the person keeps them, and only their own (the person is always the actor's profile in
the active organization, never an id from the request).

Rules, checked before anything is written:

- a window ends after it starts, on the same day, on the quarter hour (09:00, 09:15, …:
  the slot finder proposes quarter-hour starts, so other minutes would only be cut off);
- windows of one day do not overlap (refused, naming both: a typo is likelier than a
  wish); windows that touch (09:00–12:00 and 12:00–13:00) are joined into one;
- at most ``MAX_WINDOWS`` windows a week;
- an away period ends on or after its first day, lasts at most ``MAX_AWAY_DAYS`` days,
  does not end before today, does not start more than ``AWAY_HORIZON_DAYS`` ahead, and
  does not overlap another of the person's away periods.

Sending the same week or the same away period twice stores it once; removing what is
already gone changes nothing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time, timedelta
from typing import TYPE_CHECKING, NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from mentoring.common.guards import check_same_organization
from mentoring.common.locks import lock
from mentoring.common.time_zones import time_zone_of
from mentoring.people.models import Profile
from mentoring.people.selectors import profile_of

from ..models import AvailabilityWindow, AwayPeriod, Weekday

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from mentoring.tenancy.models import Organization

MAX_WINDOWS = 20
GRID_MINUTES = 15
MAX_AWAY_DAYS = 366
AWAY_HORIZON_DAYS = 2 * 366
MAX_UPCOMING_AWAY = 50
NOTE_MAX_CHARS = 200


class WindowInput(NamedTuple):
    """One weekly window as typed: a weekday (0 = Monday) and two wall-clock times."""

    weekday: int
    starts: time
    ends: time


def day_key(weekday: int) -> str:
    """The error key (and form field name) of a weekday: ``monday`` … ``sunday``."""
    return Weekday(weekday).name.lower()


def _hhmm(moment: time) -> str:
    return moment.strftime("%H:%M")


def _on_grid(moment: time) -> bool:
    return moment.second == 0 and moment.microsecond == 0 and moment.minute % GRID_MINUTES == 0


def _window_problem(window: WindowInput) -> str:
    """Why one window cannot be kept, or an empty text."""
    span = f"{_hhmm(window.starts)}–{_hhmm(window.ends)}"
    if window.ends <= window.starts:
        return _(
            "%(span)s ends before it starts. Give the start first (09:00–12:00); a window "
            "past midnight is two windows, one on each day."
        ) % {"span": span}
    off_grid = [_hhmm(t) for t in (window.starts, window.ends) if not _on_grid(t)]
    if off_grid:
        return _(
            "%(span)s: use quarter hours (%(times)s is not one): "
            "for example 09:00, 09:15, 09:30 or 09:45."
        ) % {"span": span, "times": ", ".join(off_grid)}
    return ""


def check_week(windows: Iterable[WindowInput]) -> list[WindowInput]:
    """The week cleaned (sorted; touching windows joined), or every problem at once,
    filed under the day it concerns (``day_key``)."""
    by_day: dict[int, list[WindowInput]] = {}
    errors: dict[str, list[str]] = {}
    for window in windows:
        if window.weekday not in Weekday.values:
            raise ValidationError(_("A weekday is from Monday to Sunday."))
        problem = _window_problem(window)
        if problem:
            errors.setdefault(day_key(window.weekday), []).append(problem)
        else:
            by_day.setdefault(window.weekday, []).append(window)
    week: list[WindowInput] = []
    for weekday in sorted(by_day):
        day: list[WindowInput] = []
        for window in sorted(by_day[weekday], key=lambda w: (w.starts, w.ends)):
            if day and window.starts < day[-1].ends:
                earlier, ends = day[-1], window.ends
                errors.setdefault(day_key(weekday), []).append(
                    _(
                        "%(first)s and %(second)s overlap. Give each time once, "
                        "for example %(joined)s."
                    )
                    % {
                        "first": f"{_hhmm(earlier.starts)}–{_hhmm(earlier.ends)}",
                        "second": f"{_hhmm(window.starts)}–{_hhmm(window.ends)}",
                        "joined": f"{_hhmm(earlier.starts)}–{_hhmm(max(earlier.ends, ends))}",
                    }
                )
            elif day and window.starts == day[-1].ends:
                day[-1] = day[-1]._replace(ends=window.ends)  # touching: one window
            else:
                day.append(window)
        week.extend(day)
    if errors:
        raise ValidationError(errors)
    if len(week) > MAX_WINDOWS:
        raise ValidationError(
            _(
                "Keep to %(max)s windows a week (%(count)s now): join neighbouring "
                "times into longer windows."
            )
            % {"max": MAX_WINDOWS, "count": len(week)}
        )
    return week


def _own_profile_locked(organization: Organization, actor: User) -> Profile:
    """The actor's profile, locked so that their availability changes one request at a
    time (two tabs sending at once cannot leave both weeks, or two equal periods)."""
    person = profile_of(actor)
    check_same_organization(organization, person)
    lock(Profile.objects.filter(pk=person.pk))
    return person


def availability_week_save(
    *, organization: Organization, actor: User, windows: Iterable[WindowInput]
) -> list[AvailabilityWindow]:
    """Replace the actor's weekly windows with ``windows`` (an empty list: no windows),
    all or nothing. Returns the windows now kept, in weekday and time order."""
    week = check_week(windows)
    with transaction.atomic():
        person = _own_profile_locked(organization, actor)
        kept = AvailabilityWindow.objects.filter(person=person)
        if [(w.weekday, w.starts, w.ends) for w in kept] == [tuple(w) for w in week]:
            return list(kept)  # the same week again: nothing to write
        kept.delete()
        return AvailabilityWindow.objects.bulk_create(
            AvailabilityWindow(
                organization=organization,
                person=person,
                weekday=w.weekday,
                starts=w.starts,
                ends=w.ends,
            )
            for w in week
        )


def person_today(person: Profile) -> date:
    """Today on the person's own calendar (away days are theirs)."""
    return timezone.localdate(timezone=time_zone_of(person.time_zone))


def _day(moment: date) -> str:
    return dateformat.format(moment, "j M Y")


def check_away(
    *, first_day: date | None, last_day: date | None, note: str, today: date
) -> tuple[date, date, str]:
    """The period cleaned, or every problem at once on ``first_day``, ``last_day`` or
    ``note``."""
    errors: dict[str, str] = {}
    note = " ".join(note.split())
    if first_day is None:
        errors["first_day"] = _("Give the first day you are away.")
    if last_day is None:
        errors["last_day"] = _("Give the last day you are away (the same day for one day).")
    if len(note) > NOTE_MAX_CHARS:
        errors["note"] = _("Keep the note under %(max)s characters (%(count)s now).") % {
            "max": NOTE_MAX_CHARS,
            "count": len(note),
        }
    if first_day is not None and last_day is not None:
        if last_day < first_day:
            errors["last_day"] = _("The last day (%(last)s) is before the first (%(first)s).") % {
                "last": _day(last_day),
                "first": _day(first_day),
            }
        elif (last_day - first_day).days + 1 > MAX_AWAY_DAYS:
            errors["last_day"] = _(
                "Keep an away period to a year at most (%(count)s days now); add the rest later."
            ) % {"count": (last_day - first_day).days + 1}
        elif last_day < today:
            errors["last_day"] = _("That period is over already: give days from today on.")
        elif first_day > today + timedelta(days=AWAY_HORIZON_DAYS):
            errors["first_day"] = _("That is more than two years ahead: add it nearer the time.")
    if errors:
        raise ValidationError(errors)
    assert first_day is not None and last_day is not None  # checked above
    return first_day, last_day, note


def away_period_add(
    *,
    organization: Organization,
    actor: User,
    first_day: date | None,
    last_day: date | None,
    note: str = "",
) -> AwayPeriod:
    """Add days the actor is away, both days included. The same period sent again is
    the one already kept; a period overlapping another is refused, naming it."""
    with transaction.atomic():
        person = _own_profile_locked(organization, actor)
        first, last, note = check_away(
            first_day=first_day, last_day=last_day, note=note, today=person_today(person)
        )
        periods = AwayPeriod.objects.filter(person=person)
        same = periods.filter(first_day=first, last_day=last).first()
        if same is not None:
            return same
        clash = periods.filter(first_day__lte=last, last_day__gte=first).first()
        if clash is not None:
            raise ValidationError(
                {
                    "first_day": _(
                        "You are already away from %(first)s to %(last)s, which overlaps these "
                        "days. Remove that period first, or choose days around it."
                    )
                    % {"first": _day(clash.first_day), "last": _day(clash.last_day)}
                }
            )
        if periods.filter(last_day__gte=person_today(person)).count() >= MAX_UPCOMING_AWAY:
            raise ValidationError(
                _("You have %(max)s away periods to come already: remove one first.")
                % {"max": MAX_UPCOMING_AWAY}
            )
        return AwayPeriod.objects.create(
            organization=organization, person=person, first_day=first, last_day=last, note=note
        )


def away_period_remove(*, organization: Organization, actor: User, period_id: int) -> bool:
    """Remove one of the actor's own away periods. False when there is none with that id
    (removed already, or not theirs: the two are not told apart)."""
    person = profile_of(actor)
    check_same_organization(organization, person)
    deleted, _ = AwayPeriod.objects.filter(person=person, pk=period_id).delete()
    return deleted > 0
