"""A series of sessions, "every 2 weeks on Tuesday at 09:00, 6 times": the planner's wall
time stays across daylight-saving changes (spring, autumn, and a pair whose zones change
on different dates), a time the clocks skip moves forward by the gap, bad input is refused
with a clear message and writes nothing, each occurrence moves or is cancelled alone, a
clash warns first, twice at once plans one series, and the page works without JavaScript
for the two people only."""

from __future__ import annotations

import itertools
import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import timezone

from matching import services as matching
from mentoring.notifications.models import OutboxMessage
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from sessions import services
from sessions.models import AgendaItem, Session, SessionSeries, SessionStatus
from sessions.services.series import series_plan
from tests.builders.clients import signed_in
from tests.builders.pages import HTMX, text
from tests.builders.pair import make_pair, schedule
from tests.builders.world import build_world

BERLIN = ZoneInfo("Europe/Berlin")
CHICAGO = ZoneInfo("America/Chicago")
UTC = ZoneInfo("UTC")
TUESDAY = 1

# ---------------------------------------------------------------- helpers


def set_time_zone(pair, user, zone: str) -> None:
    with activate(pair.org.organization):
        Profile.objects.filter(user=user).update(time_zone=zone)


@pytest.fixture
def pair(world):
    """A pair whose mentee plans from Berlin and whose mentor lives in Chicago."""
    pair = make_pair(world.acme)
    set_time_zone(pair, pair.mentee, "Europe/Berlin")
    set_time_zone(pair, pair.mentor, "America/Chicago")
    return pair


def nth_sunday(year: int, month: int, nth: int) -> date:
    """The ``nth`` Sunday of the month (-1: the last one)."""
    days = [date(year, month, day) for day in range(1, 32) if _exists(year, month, day)]
    sundays = [day for day in days if day.weekday() == 6]
    return sundays[nth - 1 if nth > 0 else nth]


def _exists(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def coming(month: int, nth: int, weeks_ahead: int = 6) -> date:
    """The next such Sunday at least ``weeks_ahead`` weeks away (a series planned before it
    must start in the future)."""
    soonest = timezone.now().date() + timedelta(weeks=weeks_ahead)
    year = soonest.year
    while (change := nth_sunday(year, month, nth)) < soonest:
        year += 1
    return change


def tuesday_before(day: date, weeks: int) -> date:
    """The Tuesday ``weeks`` weeks before the week of ``day`` (a Sunday)."""
    return day - timedelta(days=5) - timedelta(weeks=weeks)


def at(day: date, hour: int, minute: int = 0, zone: ZoneInfo = BERLIN) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def plan(pair, actor=None, **kwargs) -> SessionSeries:
    """A series planned by ``actor`` (the Berlin mentee) with the service."""
    kwargs.setdefault("interval_weeks", 2)
    kwargs.setdefault("count", 6)
    kwargs.setdefault("time_zone", "Europe/Berlin")
    kwargs.setdefault("starts_at", at(timezone.now().date() + timedelta(days=7), 9))
    with activate(pair.org.organization):
        return series_plan(
            organization=pair.org.organization,
            actor=actor or pair.mentee,
            mentorship=pair.mentorship,
            **kwargs,
        )


def sessions_of(pair) -> list[Session]:
    with activate(pair.org.organization):
        return list(Session.objects.filter(mentorship=pair.mentorship).order_by("starts_at"))


def rows(pair) -> tuple[int, int, int, int]:
    """How many series, sessions, agenda points and emails the organization holds."""
    with activate(pair.org.organization):
        return (
            SessionSeries.objects.count(),
            Session.objects.count(),
            AgendaItem.objects.count(),
            OutboxMessage.objects.count(),
        )


def on_clock(sessions: list[Session], zone: ZoneInfo) -> list[str]:
    return [f"{session.starts_at.astimezone(zone):%a %H:%M}" for session in sessions]


def series_url(pair) -> str:
    return f"/mentorships/{pair.mentorship.pk}/sessions/series/"


def form_data(starts: datetime, **fields) -> dict:
    return {
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "60",
        "kind": "check_in",
        "interval_weeks": "2",
        "count": "6",
        "location": "Room 7",
        **{name: str(value) for name, value in fields.items()},
    }


# ---------------------------------------------------------------- the wall time stays


def test_six_sessions_every_two_weeks_keep_nine_on_berlins_clock_over_the_spring_change(pair):
    change = coming(3, -1)  # the EU moves to summer time on the last Sunday of March
    series = plan(pair, starts_at=at(tuesday_before(change, 5), 9))
    sessions = sessions_of(pair)
    assert len(sessions) == 6 and {session.series_id for session in sessions} == {series.pk}
    assert on_clock(sessions, BERLIN) == ["Tue 09:00"] * 6
    gaps = [(b.starts_at.date() - a.starts_at.date()).days for a, b in itertools.pairwise(sessions)]
    assert gaps == [14] * 5
    utc = [session.starts_at.astimezone(UTC).hour for session in sessions]
    assert utc == [8 if session.starts_at.date() < change else 7 for session in sessions]
    assert 8 in utc and 7 in utc  # the series does cross the change
    assert all(session.series_start == session.starts_at for session in sessions)


def test_the_wall_time_stays_over_the_autumn_change_and_utc_moves_an_hour_later(pair):
    change = coming(10, -1)  # back to winter time on the last Sunday of October
    plan(pair, starts_at=at(tuesday_before(change, 5), 9))
    sessions = sessions_of(pair)
    assert on_clock(sessions, BERLIN) == ["Tue 09:00"] * 6
    utc = [session.starts_at.astimezone(UTC).hour for session in sessions]
    assert utc == [7 if session.starts_at.date() < change else 8 for session in sessions]
    assert 7 in utc and 8 in utc


def test_a_chicago_planner_keeps_nine_and_the_berlin_partner_sees_the_shifting_times(pair):
    """The US changes on the second Sunday of March, the EU on the last: for two or three
    weeks Chicago and Berlin are six hours apart instead of seven."""
    us_change, eu_change = coming(3, 2), nth_sunday(coming(3, 2).year, 3, -1)
    first = at(tuesday_before(us_change, 1), 9, zone=CHICAGO)
    plan(pair, actor=pair.mentor, starts_at=first, interval_weeks=1, time_zone="America/Chicago")
    sessions = sessions_of(pair)
    assert on_clock(sessions, CHICAGO) == ["Tue 09:00"] * 6

    def berlin_hour(day: date) -> str:
        return "16:00" if day < us_change or day > eu_change else "15:00"

    expected = [berlin_hour(session.starts_at.date()) for session in sessions]
    assert expected[:2] == ["16:00", "16:00"] and "15:00" in expected and expected[-1] == "16:00"
    assert [f"{s.starts_at.astimezone(BERLIN):%H:%M}" for s in sessions] == expected

    # and the mentee's list of sessions, on her Berlin clock, says so
    section = text(
        signed_in(pair.org, pair.mentee).get(f"/mentorships/{pair.mentorship.pk}/sessions/")
    )
    for session, hour in zip(sessions, expected, strict=True):
        assert f"{session.starts_at.astimezone(BERLIN):%a %-d %b %Y}, {hour}" in section


def test_a_time_the_clocks_skip_moves_forward_by_the_gap_that_day_only(pair):
    change = coming(3, -1)
    # every Sunday at 02:30, the change being the third Sunday: 02:30 does not exist then
    plan(pair, starts_at=at(change - timedelta(weeks=2), 2, 30), interval_weeks=1, count=4)
    sessions = sessions_of(pair)
    assert [f"{s.starts_at.astimezone(BERLIN):%d %H:%M}" for s in sessions] == [
        f"{(change - timedelta(weeks=2)).day:02d} 02:30",
        f"{(change - timedelta(weeks=1)).day:02d} 02:30",
        f"{change.day:02d} 03:30",
        f"{(change + timedelta(weeks=1)).day:02d} 02:30",
    ]


def test_the_first_session_alone_gets_the_open_experiments_and_both_people_one_email(
    pair, django_capture_on_commit_callbacks
):
    with activate(pair.org.organization):
        services.action_item_add(
            organization=pair.org.organization,
            actor=pair.mentor,
            mentorship=pair.mentorship,
            description="Ask one open question in the standup",
            due_on=timezone.localdate() + timedelta(days=5),
        )
    with activate(pair.org.organization):
        emails_before = set(OutboxMessage.objects.values_list("pk", flat=True))
    plan(pair)
    first, *others = sessions_of(pair)
    with activate(pair.org.organization):
        assert list(AgendaItem.objects.filter(session=first).values_list("text", flat=True)) == [
            "Follow up: Ask one open question in the standup"
        ]
        assert not AgendaItem.objects.filter(session__in=others).exists()
        emails = list(
            OutboxMessage.objects.exclude(pk__in=emails_before).values_list(
                "recipient_id", flat=True
            )
        )
    assert sorted(emails) == sorted([pair.mentee.pk, pair.mentor.pk])


# ---------------------------------------------------------------- bad input


def two_years_on() -> datetime:
    return at(timezone.now().date() + timedelta(days=3), 9)


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"count": 0}, "count", "A series has between 2 and 26 sessions."),
        ({"count": 1}, "count", "For a single meeting, plan one session."),
        ({"count": 1000}, "count", "A series has between 2 and 26 sessions."),
        ({"interval_weeks": 0}, "interval_weeks", "Repeat every 1 to 8 weeks"),
        ({"interval_weeks": 9}, "interval_weeks", "Repeat every 1 to 8 weeks"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone", "is not a time zone we know"),
        ({"time_zone": ""}, "time_zone", "is not a time zone we know"),
        (
            {"starts_at": timezone.now() - timedelta(days=1)},
            "starts_at",
            "Choose a time in the future",
        ),
        (
            {"starts_at": two_years_on(), "interval_weeks": 8, "count": 26},
            "count",
            "of 26 would be on",
        ),
        ({"duration_minutes": 2}, "duration_minutes", "between 5 minutes and 8 hours"),
        ({"kind": "party"}, "kind", "Choose a kind of session."),
    ],
)
def test_bad_input_gets_a_clear_message_and_writes_nothing(pair, kwargs, field, message):
    before = rows(pair)
    with pytest.raises(ValidationError) as refused:
        plan(pair, **kwargs)
    assert message in " ".join(refused.value.message_dict[field])
    assert rows(pair) == before


def test_every_problem_is_named_at_once(pair):
    with pytest.raises(ValidationError) as refused:
        plan(pair, count=0, interval_weeks=9, time_zone="Nowhere/Town")
    assert set(refused.value.message_dict) == {"count", "interval_weeks", "time_zone"}


def test_the_last_session_beyond_two_years_names_its_date_on_the_planners_clock(pair):
    starts = two_years_on()
    with pytest.raises(ValidationError) as refused:
        plan(pair, starts_at=starts, interval_weeks=8, count=26)
    [message] = refused.value.message_dict["count"]
    assert "within the next two years" in message and "Plan fewer sessions" in message


def test_someone_outside_the_pair_or_an_ended_pair_plans_nothing(pair):
    before = rows(pair)
    with pytest.raises(ValidationError, match="Only the two people"):
        plan(pair, actor=pair.org.hr)
    with activate(pair.org.organization):
        matching.mentorship_set_status(
            organization=pair.org.organization,
            actor=pair.org.manager,
            mentorship=pair.mentorship,
            status="completed",
        )
        pair.mentorship.refresh_from_db()
    before = rows(pair)
    with pytest.raises(ValidationError, match="has ended"):
        plan(pair)
    assert rows(pair) == before
    response = signed_in(pair.org, pair.mentee).get(series_url(pair))
    assert response.status_code == 302


# ---------------------------------------------------------------- each occurrence alone


def test_moving_or_cancelling_one_session_leaves_the_others_as_they_were(pair):
    plan(pair)
    sessions = sessions_of(pair)
    before = {s.pk: (s.starts_at, s.status, s.sequence) for s in sessions}
    second, fourth = sessions[1], sessions[3]
    org = pair.org.organization
    with activate(org):
        moved = services.session_reschedule(
            organization=org,
            actor=pair.mentor,
            session=second,
            starts_at=second.starts_at + timedelta(days=1),
            duration_minutes=45,
        )
        services.session_cancel(
            organization=org, actor=pair.mentee, session=fourth, note="Holiday week"
        )
    after = {s.pk: (s.starts_at, s.status, s.sequence) for s in sessions_of(pair)}
    assert after[second.pk] == (second.starts_at + timedelta(days=1), SessionStatus.PLANNED, 1)
    assert moved.series_start == second.starts_at  # still named as the series planned it
    assert after[fourth.pk][1] == SessionStatus.CANCELLED
    untouched = set(before) - {second.pk, fourth.pk}
    assert {pk: after[pk] for pk in untouched} == {pk: before[pk] for pk in untouched}


# ---------------------------------------------------------------- clashes and repeats


def test_a_clash_with_another_session_warns_on_my_clock_then_plans_anyway(pair):
    starts = at(timezone.now().date() + timedelta(days=7), 9)
    third = starts + timedelta(weeks=4)
    schedule(pair, pair.mentor, starts_at=third.astimezone(UTC) + timedelta(minutes=30))
    browser = signed_in(pair.org, pair.mentee)
    before = rows(pair)
    warned = browser.post(series_url(pair), form_data(starts))
    page = text(warned)
    assert warned.status_code == 200
    assert "overlap other planned sessions" in page
    assert f"session 3 on {third:%a %-d %b %H:%M}" in page  # on the planner's (Berlin) clock
    assert "Plan it anyway" in page and 'name="allow_overlap"' in page
    assert "You asked for:" in page and "Every 2 weeks on" in page and "6 times" in page
    assert rows(pair) == before

    planned = browser.post(series_url(pair), form_data(starts, allow_overlap="on"))
    assert planned.status_code == 302
    assert len(sessions_of(pair)) == 7


def test_the_plan_anyway_box_is_not_offered_before_a_clash(pair):
    page = text(signed_in(pair.org, pair.mentee).get(series_url(pair)))
    assert 'name="allow_overlap"' not in page


def test_sending_the_form_twice_plans_one_series_and_says_so(pair):
    browser = signed_in(pair.org, pair.mentee)
    data = form_data(at(timezone.now().date() + timedelta(days=7), 9))
    assert browser.post(series_url(pair), data).status_code == 302
    again = browser.post(series_url(pair), data)
    assert again.status_code == 200
    assert "this series may be planned already" in text(again)
    with activate(pair.org.organization):
        assert SessionSeries.objects.count() == 1 and Session.objects.count() == 6


@pytest.mark.django_db(transaction=True)
def test_both_people_planning_the_same_series_at_the_same_moment_make_one_series():
    world = build_world()
    pair = make_pair(world.acme)
    for user in (pair.mentee, pair.mentor):
        set_time_zone(pair, user, "Europe/Berlin")
    data = form_data(at(timezone.now().date() + timedelta(days=9), 9))
    browsers = [signed_in(pair.org, user) for user in (pair.mentee, pair.mentor) * 2]
    barrier = threading.Barrier(len(browsers))
    statuses: list[int] = []

    def send(browser):
        try:
            barrier.wait(timeout=30)
            statuses.append(browser.post(series_url(pair), data).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(browser,)) for browser in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) == [200, 200, 200, 302]
    with activate(pair.org.organization):
        assert SessionSeries.objects.count() == 1
        assert Session.objects.count() == 6


# ---------------------------------------------------------------- the page


def test_the_page_plans_a_series_without_javascript_and_the_list_numbers_it(pair):
    browser = signed_in(pair.org, pair.mentee)
    page = text(browser.get(series_url(pair)))
    form = page[page.index('<form method="post"') : page.index("</form>")]
    assert "hx-" not in form  # a plain form: it works without JavaScript
    for name in ("starts_at", "duration_minutes", "kind", "interval_weeks", "count", "location"):
        assert f'name="{name}"' in page
    assert "On your clock (Europe/Berlin)" in page and "America/Chicago" in page

    starts = at(timezone.now().date() + timedelta(days=7), 9)
    response = browser.post(series_url(pair), form_data(starts, count=3))
    assert response.status_code == 302
    assert response["Location"] == f"/mentorships/{pair.mentorship.pk}/#sessions"
    landed = text(browser.get(response["Location"]))
    assert f"3 sessions planned: Every 2 weeks on {starts:%A} at 09:00 (Europe/Berlin)" in landed

    section = text(browser.get(f"/mentorships/{pair.mentorship.pk}/sessions/", **HTMX))
    for number in (1, 2, 3):
        assert f"{number} of 3 in a series" in section
    assert all(session.location == "Room 7" for session in sessions_of(pair))


def test_a_typo_in_the_form_keeps_what_was_typed_and_writes_nothing(pair):
    browser = signed_in(pair.org, pair.mentee)
    before = rows(pair)
    starts = at(timezone.now().date() + timedelta(days=7), 9)
    for fields, message in (
        ({"count": "six"}, "Give the number of sessions as a whole number"),
        ({"count": "1"}, "A series has between 2 and 26 sessions."),
        ({"interval_weeks": "9"}, "Repeat every 1 to 8 weeks"),
        ({"starts_at": ""}, "Choose the date and time."),
    ):
        response = browser.post(series_url(pair), form_data(starts, **fields))
        page = text(response)
        assert response.status_code == 200 and message in page, fields
        assert "error-summary" in page and 'value="Room 7"' in page
    assert rows(pair) == before


@pytest.mark.parametrize("who", ["other mentee", "manager", "hr"])
def test_only_the_two_people_reach_the_page(pair, who):
    org = pair.org
    others = {
        "other mentee": next(u for u in org.mentees if u.pk != pair.mentee.pk),
        "manager": org.manager,
        "hr": org.hr,
    }
    browser = signed_in(org, others[who])
    starts = at(timezone.now().date() + timedelta(days=7), 9)
    before = rows(pair)
    assert browser.get(series_url(pair)).status_code == 404
    assert browser.post(series_url(pair), form_data(starts)).status_code == 404
    assert rows(pair) == before


def test_another_organizations_pair_is_a_404_and_gets_no_series(world):
    acme, globex = make_pair(world.acme), make_pair(world.globex)
    browser = signed_in(acme.org, acme.mentee)
    starts = at(timezone.now().date() + timedelta(days=7), 9)
    before = rows(globex)
    assert browser.get(series_url(globex)).status_code == 404
    assert browser.post(series_url(globex), form_data(starts)).status_code == 404
    assert rows(globex) == before
    with activate(acme.org.organization):
        assert not SessionSeries.objects.exists()
