"""Free time as arithmetic, with no database: weekly windows on a person's own clock turned
into UTC intervals (daylight-saving changes included), away days removed, intervals
intersected and subtracted, and free time cut into slots to propose.

Everything here works on ``Interval``: an aware UTC start and end, the end excluded.
Lists of intervals are kept sorted and merged (``merged``), so each operation is one pass.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Protocol

QUARTER = timedelta(minutes=15)
_EPOCH = datetime(2000, 1, 3, tzinfo=UTC)  # a Monday at midnight: the quarter-hour grid


@dataclass(frozen=True, order=True)
class Interval:
    """[start, end) in UTC."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("An interval needs aware datetimes.")

    @property
    def length(self) -> timedelta:
        return self.end - self.start


class WeeklyWindow(Protocol):
    """What a window needs (``sessions.models.AvailabilityWindow`` has it): a weekday
    (0 = Monday) and wall-clock times, the end after the start."""

    weekday: int
    starts: time
    ends: time


@dataclass(frozen=True)
class Window:
    """A weekly window without the database (tests, providers)."""

    weekday: int
    starts: time
    ends: time


def merged(intervals: Iterable[Interval]) -> list[Interval]:
    """The same time as sorted, non-overlapping, non-touching intervals; empty ones dropped."""
    result: list[Interval] = []
    for interval in sorted(intervals):
        if interval.end <= interval.start:
            continue
        if result and interval.start <= result[-1].end:
            if interval.end > result[-1].end:
                result[-1] = Interval(result[-1].start, interval.end)
        else:
            result.append(interval)
    return result


def clipped(intervals: Iterable[Interval], start: datetime, end: datetime) -> list[Interval]:
    """The part of ``intervals`` inside [start, end)."""
    return merged(
        Interval(max(interval.start, start), min(interval.end, end)) for interval in intervals
    )


def intersect(first: Sequence[Interval], second: Sequence[Interval]) -> list[Interval]:
    """The time in both (each argument sorted and merged)."""
    result: list[Interval] = []
    i = j = 0
    while i < len(first) and j < len(second):
        start = max(first[i].start, second[j].start)
        end = min(first[i].end, second[j].end)
        if start < end:
            result.append(Interval(start, end))
        if first[i].end <= second[j].end:
            i += 1
        else:
            j += 1
    return result


def subtract(free: Sequence[Interval], busy: Iterable[Interval]) -> list[Interval]:
    """The time in ``free`` (sorted and merged) outside every interval of ``busy`` (any
    order, may overlap)."""
    blocked = merged(busy)
    result: list[Interval] = []
    j = 0
    for interval in free:
        start = interval.start
        while j < len(blocked) and blocked[j].end <= start:
            j += 1
        k = j
        while k < len(blocked) and blocked[k].start < interval.end:
            if blocked[k].start > start:
                result.append(Interval(start, blocked[k].start))
            start = max(start, blocked[k].end)
            k += 1
        if start < interval.end:
            result.append(Interval(start, interval.end))
    return result


def _offset(moment: datetime, zone: tzinfo) -> timedelta:
    return moment.astimezone(zone).utcoffset() or timedelta(0)


def _constant_offset_pieces(
    start: datetime, end: datetime, zone: tzinfo
) -> list[tuple[datetime, datetime, timedelta]]:
    """[start, end) split where the zone's offset changes (at most once: the span is a few
    hours, and no zone changes its clocks twice within a day), to the second."""
    first, last = _offset(start, zone), _offset(end - timedelta(seconds=1), zone)
    if first == last:
        return [(start, end, first)]
    # offset(start + low s) == first, offset(start + high s) != first; clocks change on
    # whole seconds, so the search ends on the very second of the change
    low, high = 0, int((end - start).total_seconds())
    while high - low > 1:
        middle = (low + high) // 2
        if _offset(start + timedelta(seconds=middle), zone) == first:
            low = middle
        else:
            high = middle
    change = start + timedelta(seconds=high)
    return [(start, change, first), (change, end, last)]


def wall_time_span(day: date, starts: time, ends: time, zone: tzinfo) -> list[Interval]:
    """Every moment at which a clock in ``zone`` shows ``day`` between ``starts`` and
    ``ends``. On a daylight-saving day this is exact: wall times that do not exist (the
    hour skipped in spring) are simply not in it, and wall times that happen twice (the
    hour repeated in autumn) are in it both times."""
    wall_start, wall_end = datetime.combine(day, starts), datetime.combine(day, ends)
    offsets = [
        _offset(wall.replace(tzinfo=zone, fold=fold), zone)
        for wall in (wall_start, wall_end)
        for fold in (0, 1)
    ]
    # A moment u shows the wall time u + offset(u); with the offset between these bounds,
    # the moments showing a time of the window all lie in this span.
    span_start = (wall_start - max(offsets)).replace(tzinfo=UTC)
    span_end = (wall_end - min(offsets)).replace(tzinfo=UTC)
    pieces = []
    for piece_start, piece_end, offset in _constant_offset_pieces(span_start, span_end, zone):
        pieces.append(
            Interval(
                max(piece_start, (wall_start - offset).replace(tzinfo=UTC)),
                min(piece_end, (wall_end - offset).replace(tzinfo=UTC)),
            )
        )
    return merged(pieces)


def days_between(first: date, last: date) -> Iterable[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def weekly_free_time(
    windows: Iterable[WeeklyWindow],
    zone: tzinfo,
    start: datetime,
    end: datetime,
    *,
    away: Iterable[tuple[date, date]] = (),
) -> list[Interval]:
    """The weekly ``windows`` (wall times in ``zone``) as UTC intervals inside [start, end),
    without the days of ``away`` (first and last day included, on the same clock)."""
    by_weekday: dict[int, list[WeeklyWindow]] = {}
    for window in windows:
        by_weekday.setdefault(window.weekday, []).append(window)
    if not by_weekday or start >= end:
        return []
    away_days: set[date] = set()
    first_day = start.astimezone(zone).date() - timedelta(days=1)
    last_day = end.astimezone(zone).date() + timedelta(days=1)
    for away_first, away_last in away:
        away_days.update(days_between(max(away_first, first_day), min(away_last, last_day)))
    intervals: list[Interval] = []
    for day in days_between(first_day, last_day):
        if day in away_days:
            continue
        for window in by_weekday.get(day.weekday(), ()):
            intervals.extend(wall_time_span(day, window.starts, window.ends, zone))
    return clipped(intervals, start, end)


def mutual_free_time(
    free_per_person: Iterable[Sequence[Interval]], busy: Iterable[Interval]
) -> list[Interval]:
    """The time free for everyone (each list sorted and merged) and busy for no one."""
    people = list(free_per_person)
    if not people:
        return []
    common = list(people[0])
    for free in people[1:]:
        common = intersect(common, free)
    return subtract(common, busy)


def quarter_ceiling(moment: datetime) -> datetime:
    """The first quarter hour (of UTC, so of every zone with whole-quarter offsets) at or
    after ``moment``."""
    rest = (moment - _EPOCH) % QUARTER
    return moment if not rest else moment + (QUARTER - rest)


def slot_starts(free: Sequence[Interval], length: timedelta) -> Iterable[datetime]:
    """Where a slot of ``length`` can start, in order: in each free interval long enough,
    its start rounded up to the quarter hour when the slot still fits (else its exact
    start, so short free time is never lost), then every quarter hour while it fits.
    Every possible start is thus less than a quarter hour before a proposed one."""
    for interval in free:
        latest = interval.end - length
        if latest < interval.start:
            continue
        first = quarter_ceiling(interval.start)
        moment = first if first <= latest else interval.start
        while moment <= latest:
            yield moment
            moment = quarter_ceiling(moment + timedelta(microseconds=1))


def _overlaps_any(moment: datetime, length: timedelta, chosen: list[datetime]) -> bool:
    """Whether a slot at ``moment`` overlaps one starting at any of ``chosen`` (sorted)."""
    at = bisect.bisect_left(chosen, moment)
    return (at < len(chosen) and chosen[at] < moment + length) or (
        at > 0 and chosen[at - 1] + length > moment
    )


def spread_slots(
    free: Sequence[Interval],
    length: timedelta,
    *,
    limit: int | None,
    zone: tzinfo = UTC,
    per_day: int = 3,
) -> list[Interval]:
    """Up to ``limit`` slots of ``length`` in ``free``, soonest first, but spread: first at
    most ``per_day`` a day (on ``zone``'s calendar), none overlapping another, so one free
    afternoon does not fill the list; when that gives too few, more that overlap none of
    those, then the soonest of the rest. Without a limit, every start of ``slot_starts``."""
    starts = slot_starts(free, length)
    if limit is None:
        return [Interval(moment, moment + length) for moment in starts]
    chosen: list[datetime] = []
    rest: list[datetime] = []
    taken_per_day: dict[date, int] = {}
    for moment in starts:
        if len(chosen) >= limit:
            break
        day = moment.astimezone(zone).date()
        if taken_per_day.get(day, 0) < per_day and not (chosen and chosen[-1] + length > moment):
            chosen.append(moment)
            taken_per_day[day] = taken_per_day.get(day, 0) + 1
        else:
            rest.append(moment)
    if len(chosen) < limit:
        spare = []
        for moment in rest:
            if len(chosen) < limit and not _overlaps_any(moment, length, chosen):
                bisect.insort(chosen, moment)
            else:
                spare.append(moment)
        chosen = list(heapq.merge(chosen, spare[: max(0, limit - len(chosen))]))
    return [Interval(moment, moment + length) for moment in chosen]
