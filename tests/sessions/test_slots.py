"""The slot finder: weekly windows on each person's own clock (daylight-saving changes
included), away days, busy time, and the slots it proposes, checked against a brute-force
scan of every minute; then the same through ``mutual_slots`` on the database."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentoring.tenancy import activate
from sessions.models import Session
from sessions.selectors.slots import LEAD_TIME, mutual_slots, slot_is_free
from sessions.slots import (
    Interval,
    Window,
    intersect,
    merged,
    mutual_free_time,
    quarter_ceiling,
    slot_starts,
    spread_slots,
    subtract,
    wall_time_span,
    weekly_free_time,
)
from tests.builders.availability import give_windows
from tests.builders.pair import make_pair

BERLIN = ZoneInfo("Europe/Berlin")
CHICAGO = ZoneInfo("America/Chicago")
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(moment: datetime, zone) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


# ---------------------------------------------------------------- windows on a clock


def test_a_berlin_morning_stays_nine_to_twelve_on_both_sides_of_the_spring_change():
    free = weekly_free_time(
        [Window(weekday, time(9), time(12)) for weekday in range(7)],
        BERLIN,
        utc(2026, 3, 27),
        utc(2026, 3, 31),
    )
    assert [(local(i.start, BERLIN), local(i.end, BERLIN)) for i in free] == [
        (f"2026-03-{day} 09:00", f"2026-03-{day} 12:00") for day in (27, 28, 29, 30)
    ]
    # on UTC the morning moves an hour earlier after the change
    assert [i.start.hour for i in free] == [8, 8, 7, 7]


def test_a_berlin_morning_stays_nine_to_twelve_on_both_sides_of_the_autumn_change():
    free = weekly_free_time(
        [Window(weekday, time(9), time(12)) for weekday in range(7)],
        BERLIN,
        utc(2026, 10, 24),
        utc(2026, 10, 27),
    )
    assert [local(i.start, BERLIN) for i in free] == [
        "2026-10-24 09:00",
        "2026-10-25 09:00",
        "2026-10-26 09:00",
    ]
    assert [i.length for i in free] == [3 * HOUR] * 3


def test_the_hour_skipped_in_spring_is_not_free_time():
    # 29 March 2026 in Berlin: clocks jump from 02:00 to 03:00
    span = wall_time_span(date(2026, 3, 29), time(1, 30), time(3, 30), BERLIN)
    assert span == [Interval(utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 1, 30))]  # 1 hour
    assert wall_time_span(date(2026, 3, 29), time(2, 0), time(2, 45), BERLIN) == []


def test_the_hour_repeated_in_autumn_counts_both_times():
    # 25 October 2026 in Berlin: clocks go back from 03:00 to 02:00
    span = wall_time_span(date(2026, 10, 25), time(2, 0), time(2, 30), BERLIN)
    assert span == [
        Interval(utc(2026, 10, 25, 0, 0), utc(2026, 10, 25, 0, 30)),
        Interval(utc(2026, 10, 25, 1, 0), utc(2026, 10, 25, 1, 30)),
    ]
    whole = wall_time_span(date(2026, 10, 25), time(1, 0), time(4, 0), BERLIN)
    assert [i.length for i in whole] == [4 * HOUR]


def test_away_days_are_whole_days_on_the_persons_own_calendar():
    tokyo = ZoneInfo("Asia/Tokyo")
    free = weekly_free_time(
        [Window(weekday, time(8), time(10)) for weekday in range(7)],
        tokyo,
        utc(2026, 12, 1),
        utc(2026, 12, 5),
        away=[(date(2026, 12, 2), date(2026, 12, 3))],
    )
    # the range starts at 09:00 in Tokyo on the 1st and ends at 09:00 on the 5th
    assert [(local(i.start, tokyo), local(i.end, tokyo)) for i in free] == [
        ("2026-12-01 09:00", "2026-12-01 10:00"),
        ("2026-12-04 08:00", "2026-12-04 10:00"),
        ("2026-12-05 08:00", "2026-12-05 09:00"),
    ]


def test_free_time_is_clipped_to_the_range():
    moment = utc(2026, 12, 3, 10)
    assert weekly_free_time([Window(3, time(9), time(12))], ZoneInfo("UTC"), moment, moment) == []
    free = weekly_free_time(
        [Window(3, time(9), time(12))], ZoneInfo("UTC"), utc(2026, 12, 3, 10), utc(2026, 12, 4)
    )
    assert free == [Interval(utc(2026, 12, 3, 10), utc(2026, 12, 3, 12))]


# ---------------------------------------------------------------- interval arithmetic


def test_intersect_and_subtract_keep_only_the_shared_open_time():
    a = [Interval(utc(2026, 1, 1, 9), utc(2026, 1, 1, 12))]
    b = [Interval(utc(2026, 1, 1, 10), utc(2026, 1, 1, 14))]
    assert intersect(a, b) == [Interval(utc(2026, 1, 1, 10), utc(2026, 1, 1, 12))]
    busy = [
        Interval(utc(2026, 1, 1, 10, 30), utc(2026, 1, 1, 11)),
        Interval(utc(2026, 1, 1, 10, 45), utc(2026, 1, 1, 11, 15)),
    ]
    assert subtract(intersect(a, b), busy) == [
        Interval(utc(2026, 1, 1, 10), utc(2026, 1, 1, 10, 30)),
        Interval(utc(2026, 1, 1, 11, 15), utc(2026, 1, 1, 12)),
    ]
    assert merged([b[0], a[0]]) == [Interval(utc(2026, 1, 1, 9), utc(2026, 1, 1, 14))]


def test_a_slot_starts_on_the_quarter_hour_when_it_still_fits():
    free = [Interval(utc(2026, 1, 1, 10, 7), utc(2026, 1, 1, 11, 30))]
    assert [s.isoformat() for s in slot_starts(free, HOUR)] == [
        "2026-01-01T10:15:00+00:00",
        "2026-01-01T10:30:00+00:00",
    ]


def test_a_short_free_time_keeps_its_exact_start_so_it_is_not_lost():
    free = [Interval(utc(2026, 1, 1, 10, 7), utc(2026, 1, 1, 11, 10))]
    assert list(slot_starts(free, HOUR)) == [utc(2026, 1, 1, 10, 7)]
    assert list(slot_starts(free, 2 * HOUR)) == []


def test_one_free_day_does_not_fill_the_whole_list():
    days = [Interval(utc(2026, 1, day, 8), utc(2026, 1, day, 18)) for day in (5, 6, 7, 8, 9)]
    slots = spread_slots(days, HOUR, limit=12)
    per_day = {day: sum(1 for s in slots if s.start.day == day) for day in (5, 6, 7, 8, 9)}
    assert per_day == {5: 3, 6: 3, 7: 3, 8: 3, 9: 0}
    assert slots == sorted(slots)
    assert all(a.end <= b.start for a, b in itertools.pairwise(slots))


def test_with_little_free_time_the_list_still_fills_up_soonest_first():
    day = [Interval(utc(2026, 1, 5, 8), utc(2026, 1, 5, 18))]
    slots = spread_slots(day, HOUR, limit=12)
    assert len(slots) == 12
    assert slots[0].start == utc(2026, 1, 5, 8)
    assert slots == sorted(slots)


# ---------------------------------------------------------------- property: brute force

ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/Chicago",
    "America/St_Johns",  # -03:30 / -02:30
    "Asia/Kolkata",  # +05:30, no DST
    "Asia/Kathmandu",  # +05:45
    "Australia/Lord_Howe",  # a 30-minute DST change
    "Pacific/Auckland",  # DST in the southern summer
    "Pacific/Kiritimati",  # +14:00
]
# Starts near a daylight-saving change (Europe, North America, New Zealand, Lord Howe).
NEAR_CHANGES = [
    utc(2026, 3, 7),
    utc(2026, 3, 27),
    utc(2026, 4, 3),
    utc(2026, 9, 25),
    utc(2026, 10, 1),
    utc(2026, 10, 23),
    utc(2026, 10, 30),
    utc(2026, 12, 1),
]
minutes_of_day = st.integers(min_value=0, max_value=24 * 60 - 2)


@st.composite
def windows(draw) -> list[Window]:
    result = []
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        starts = draw(minutes_of_day)
        ends = draw(st.integers(min_value=starts + 1, max_value=24 * 60 - 1))
        result.append(
            Window(
                draw(st.integers(min_value=0, max_value=6)),
                time(starts // 60, starts % 60),
                time(ends // 60, ends % 60),
            )
        )
    return result


@st.composite
def people(draw, start: datetime) -> tuple[str, list[Window], list[tuple[date, date]]]:
    zone = draw(st.sampled_from(ZONES))
    away = []
    for _ in range(draw(st.integers(min_value=0, max_value=2))):
        first = start.date() + timedelta(days=draw(st.integers(min_value=-2, max_value=5)))
        away.append((first, first + timedelta(days=draw(st.integers(min_value=0, max_value=2)))))
    return zone, draw(windows()), away


@st.composite
def problems(draw):
    start = draw(st.sampled_from(NEAR_CHANGES)) + timedelta(
        minutes=draw(st.integers(min_value=0, max_value=3 * 24 * 60))
    )
    days = draw(st.integers(min_value=1, max_value=4))
    end = start + timedelta(days=days)
    busy = []
    for _ in range(draw(st.integers(min_value=0, max_value=12))):
        at = start + timedelta(minutes=draw(st.integers(min_value=-120, max_value=days * 1440)))
        busy.append(Interval(at, at + timedelta(minutes=draw(st.integers(5, 180)))))
    length = timedelta(minutes=draw(st.sampled_from([15, 30, 45, 60, 90, 120])))
    return start, end, draw(people(start)), draw(people(start)), busy, length


def is_in_windows(moment: datetime, person) -> bool:
    zone_name, person_windows, away = person
    wall = moment.astimezone(ZoneInfo(zone_name))
    day = wall.date()
    if any(first <= day <= last for first, last in away):
        return False
    return any(
        window.weekday == day.weekday() and window.starts <= wall.time() < window.ends
        for window in person_windows
    )


def free_minutes(start, end, first, second, busy) -> list[bool]:
    """For every minute of [start, end): is it inside both people's windows and no busy
    time (windows and busy times all fall on whole minutes, so minutes are exact)."""
    result = []
    moment = start
    while moment < end:
        result.append(
            is_in_windows(moment, first)
            and is_in_windows(moment, second)
            and not any(b.start <= moment < b.end for b in busy)
        )
        moment += MINUTE
    return result


def proposed(start, end, first, second, busy, length, *, limit=None) -> list[Interval]:
    free_each = [
        weekly_free_time(person[1], ZoneInfo(person[0]), start, end, away=person[2])
        for person in (first, second)
    ]
    return spread_slots(mutual_free_time(free_each, busy), length, limit=limit)


@settings(max_examples=150, deadline=None)
@given(problems())
def test_every_slot_is_free_for_both_and_no_free_slot_is_missed(problem):
    start, end, first, second, busy, length = problem
    start = start.replace(second=0, microsecond=0)
    free = free_minutes(start, end, first, second, busy)
    need = int(length / MINUTE)
    slots = proposed(start, end, first, second, busy, length)
    starts = {slot.start for slot in slots}
    for slot in slots:
        assert slot.length == length
        offset = int((slot.start - start) / MINUTE)
        assert slot.start == start + offset * MINUTE  # on a whole minute
        # inside both people's windows, outside every busy time, for every minute
        assert offset + need <= len(free) and all(free[offset : offset + need]), slot
    # every start a minute scan finds is less than a quarter hour from a proposed one
    for offset in range(len(free) - need + 1):
        if all(free[offset : offset + need]):
            moment = start + offset * MINUTE
            assert any(abs(moment - other) < timedelta(minutes=15) for other in starts), moment


@settings(max_examples=80, deadline=None)
@given(problems(), st.integers(min_value=1, max_value=12))
def test_a_limited_list_is_a_sorted_subset_of_the_full_one(problem, limit):
    start, end, first, second, busy, length = problem
    everything = proposed(start, end, first, second, busy, length)
    some = proposed(start, end, first, second, busy, length, limit=limit)
    assert len(some) == min(limit, len(everything))
    assert some == sorted(some)
    assert set(some) <= set(everything)


@given(st.datetimes(timezones=st.just(UTC)))
def test_the_quarter_ceiling_is_the_next_quarter_hour(moment):
    ceiling = quarter_ceiling(moment)
    assert ceiling >= moment and ceiling - moment < timedelta(minutes=15)
    assert ceiling.minute % 15 == 0 and ceiling.second == 0 and ceiling.microsecond == 0


# ---------------------------------------------------------------- through the database


def plan_directly(pair, starts_at, minutes=60, mentorship=None):
    with activate(pair.org.organization):
        return Session.objects.create(
            organization=pair.org.organization,
            mentorship=mentorship or pair.mentorship,
            starts_at=starts_at,
            duration_minutes=minutes,
        )


NOW = utc(2026, 12, 7, 6)  # a Monday, 06:00 UTC
EVERY_WEEKDAY = [(day, time(9), time(17)) for day in range(5)]


def test_slots_are_shown_on_both_clocks(pair):
    mentee, mentor = pair.mentorship.mentee.person, pair.mentorship.mentor.person
    give_windows(pair, mentee, EVERY_WEEKDAY, "America/Chicago")
    give_windows(pair, mentor, EVERY_WEEKDAY, "Europe/Berlin")
    with activate(pair.org.organization):
        slots = mutual_slots(
            organization=pair.org.organization, mentorship=pair.mentorship, now=NOW, viewer=mentor
        )
    assert not slots.problem and len(slots) == 12
    first = slots[0]
    # Berlin 16:00-17:00 is Chicago 09:00-10:00: the only hour both work
    assert (first.mine.zone, first.mine.starts.strftime("%a %H:%M")) == (
        "Europe/Berlin",
        "Mon 16:00",
    )
    assert (first.theirs.zone, first.theirs.starts.strftime("%a %H:%M")) == (
        "America/Chicago",
        "Mon 09:00",
    )
    assert first.theirs.name == mentee.display_name
    assert all(slot.mine.starts.hour == 16 for slot in slots)


def test_nothing_is_proposed_sooner_than_an_hour_from_now(pair):
    for person in (pair.mentorship.mentee.person, pair.mentorship.mentor.person):
        give_windows(pair, person, [(day, time(0), time(23, 59)) for day in range(7)])
    now = utc(2026, 12, 7, 10, 7, 30)
    with activate(pair.org.organization):
        slots = mutual_slots(
            organization=pair.org.organization, mentorship=pair.mentorship, now=now
        )
    assert slots[0].starts_at == utc(2026, 12, 7, 11, 15)
    assert slots[0].starts_at - now >= LEAD_TIME


def test_other_sessions_of_either_person_and_away_days_are_not_proposed(pair):
    mentee, mentor = pair.mentorship.mentee.person, pair.mentorship.mentor.person
    give_windows(
        pair, mentee, [(0, time(9), time(12))], away=[(date(2026, 12, 14), date(2026, 12, 14))]
    )
    give_windows(pair, mentor, [(0, time(9), time(12))])
    other = make_pair(pair.org)  # the same people, paired again in a second program
    with activate(pair.org.organization):
        mentorship = other.mentorship.__class__.objects.filter(
            mentor__person=mentor, program=other.mentorship.program
        ).first()
    if mentorship is None:
        pytest.skip("the second program did not pair the same mentor")
    plan_directly(pair, utc(2026, 12, 7, 9), mentorship=mentorship)  # Mon 7th, 09:00-10:00
    plan_directly(pair, utc(2026, 12, 21, 10, 30), 30)  # the pair's own, Mon 21st
    with activate(pair.org.organization):
        slots = mutual_slots(
            organization=pair.org.organization,
            mentorship=pair.mentorship,
            now=NOW,
            horizon_days=21,
            limit=None,
        )
    starts = {slot.starts_at for slot in slots}
    assert utc(2026, 12, 7, 10) in starts and utc(2026, 12, 7, 9) not in starts
    assert not any(slot.starts_at.date() == date(2026, 12, 14) for slot in slots)  # away
    # the pair's own session 10:30-11:00 on the 21st: 09:30-10:30 ends as it starts
    assert {utc(2026, 12, 21, 9, 30), utc(2026, 12, 21, 11)} <= starts
    assert not {utc(2026, 12, 21, 9, 45), utc(2026, 12, 21, 10), utc(2026, 12, 21, 10, 45)} & starts


def test_a_person_without_any_window_is_told_to_set_their_availability(pair):
    mentee, mentor = pair.mentorship.mentee.person, pair.mentorship.mentor.person
    with activate(pair.org.organization):
        nobody = mutual_slots(
            organization=pair.org.organization, mentorship=pair.mentorship, now=NOW
        )
    assert list(nobody) == [] and "Neither of you" in nobody.problem
    give_windows(pair, mentee, EVERY_WEEKDAY)
    with activate(pair.org.organization):
        for_mentee = mutual_slots(
            organization=pair.org.organization, mentorship=pair.mentorship, now=NOW, viewer=mentee
        )
        for_mentor = mutual_slots(
            organization=pair.org.organization, mentorship=pair.mentorship, now=NOW, viewer=mentor
        )
    assert mentor.display_name in for_mentee.problem
    assert for_mentor.problem.startswith("You have not said when you can meet")


def test_another_organizations_mentorship_is_refused(world, pair):
    from django.core.exceptions import ValidationError

    with activate(world.globex.organization), pytest.raises(ValidationError):
        mutual_slots(organization=world.globex.organization, mentorship=pair.mentorship)


def test_a_picked_slot_is_rechecked_against_new_sessions(pair):
    for person in (pair.mentorship.mentee.person, pair.mentorship.mentor.person):
        give_windows(pair, person, EVERY_WEEKDAY)
    with activate(pair.org.organization):
        org, mentorship = pair.org.organization, pair.mentorship
        assert slot_is_free(
            organization=org,
            mentorship=mentorship,
            starts_at=utc(2026, 12, 8, 9),
            length_minutes=60,
        )
        assert not slot_is_free(
            organization=org,
            mentorship=mentorship,
            starts_at=utc(2026, 12, 8, 16, 30),
            length_minutes=60,
        )  # past the end of the day's window
        plan_directly(pair, utc(2026, 12, 8, 9, 30), 15)
        assert not slot_is_free(
            organization=org,
            mentorship=mentorship,
            starts_at=utc(2026, 12, 8, 9),
            length_minutes=60,
        )


@pytest.mark.parametrize("sessions", [1, 50])
def test_finding_slots_costs_three_queries_however_many_sessions(
    pair, sessions, django_assert_num_queries
):
    for person in (pair.mentorship.mentee.person, pair.mentorship.mentor.person):
        give_windows(
            pair, person, EVERY_WEEKDAY * 2, away=[(date(2026, 12, 24), date(2026, 12, 26))]
        )
    with activate(pair.org.organization):
        Session.objects.bulk_create(
            Session(
                organization=pair.org.organization,
                mentorship=pair.mentorship,
                starts_at=NOW + timedelta(hours=3 + 7 * index),
                duration_minutes=45,
            )
            for index in range(sessions)
        )
        # windows, away days, planned sessions
        with django_assert_num_queries(3):
            slots = mutual_slots(
                organization=pair.org.organization, mentorship=pair.mentorship, now=NOW
            )
    assert len(slots) == 12


@st.composite
def database_problems(draw):
    def person():
        zone = draw(st.sampled_from(ZONES))
        return zone, draw(windows().filter(bool))

    sessions = [
        (
            draw(st.integers(min_value=0, max_value=3 * 24 * 4)),  # quarter hours from now
            draw(st.sampled_from([15, 30, 60, 90])),
        )
        for _ in range(draw(st.integers(min_value=0, max_value=6)))
    ]
    return person(), person(), sessions, draw(st.sampled_from([30, 60]))


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(database_problems())
def test_mutual_slots_on_the_database_agree_with_a_minute_scan(pair, problem):
    (zone_a, windows_a), (zone_b, windows_b), sessions, length_minutes = problem
    mentee, mentor = pair.mentorship.mentee.person, pair.mentorship.mentor.person
    with activate(pair.org.organization):
        savepoint = transaction.savepoint()
        try:
            give_windows(pair, mentee, [(w.weekday, w.starts, w.ends) for w in windows_a], zone_a)
            give_windows(pair, mentor, [(w.weekday, w.starts, w.ends) for w in windows_b], zone_b)
            busy = []
            for quarters, minutes in sessions:
                at = NOW + timedelta(minutes=15 * quarters)
                plan_directly(pair, at, minutes)
                busy.append(Interval(at, at + timedelta(minutes=minutes)))
            slots = mutual_slots(
                organization=pair.org.organization,
                mentorship=pair.mentorship,
                now=NOW,
                horizon_days=3,
                length_minutes=length_minutes,
                limit=None,
            )
        finally:
            transaction.savepoint_rollback(savepoint)
            mentee.time_zone = mentor.time_zone = "UTC"
    start = NOW + LEAD_TIME + MINUTE
    end = start + timedelta(days=3)
    free = free_minutes(start, end, (zone_a, windows_a, []), (zone_b, windows_b, []), busy)
    need = length_minutes
    starts = [slot.starts_at for slot in slots]
    for slot in slots:
        offset = int((slot.starts_at - start) / MINUTE)
        assert all(free[offset : offset + need]), slot
        # shown on both clocks, the same moment
        assert slot.mine.starts == slot.starts_at and slot.theirs.ends == slot.ends_at
    for offset in range(len(free) - need + 1):
        if all(free[offset : offset + need]):
            moment = start + offset * MINUTE
            assert any(abs(moment - other) < timedelta(minutes=15) for other in starts), moment
