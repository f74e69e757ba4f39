"""A person's availability page: the weekly times they can meet, typed a line per weekday on
their own clock, and the days they are away. Bad input gets a message on the field it
concerns and writes nothing (the week kept before stays as it was); sending twice stores
once; nobody reaches anyone else's rows, in this organization or another; the export holds
the rows and erasure removes them."""

from __future__ import annotations

import threading
from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from mentoring.people.models import Profile
from mentoring.privacy.export import person_export
from mentoring.privacy.services import person_erase
from mentoring.tenancy import activate
from sessions.models import AvailabilityWindow, AwayPeriod
from sessions.services.availability import (
    MAX_WINDOWS,
    WindowInput,
    availability_week_save,
    away_period_add,
    person_today,
)
from tests.builders.clients import signed_in
from tests.builders.pages import SCRIPT, text
from tests.builders.world import build_world

PAGE = "/me/availability/"
AWAY = "/me/availability/away/"
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# ---------------------------------------------------------------- helpers


def profile(org, user) -> Profile:
    with activate(org.organization):
        return Profile.objects.get(user=user)


def set_zone(org, user, zone: str) -> None:
    with activate(org.organization):
        Profile.objects.filter(user=user).update(time_zone=zone)


def week_post(browser, **days: str):
    """The week form as a person sends it: every day's line (empty when not given)."""
    return browser.post(PAGE, {f"week-{day}": days.get(day, "") for day in DAYS})


def away_post(browser, first, last, note: str = ""):
    return browser.post(
        AWAY,
        {"away-first_day": str(first or ""), "away-last_day": str(last or ""), "away-note": note},
    )


def windows_of(org, user) -> list[tuple[int, str, str]]:
    with activate(org.organization):
        return [
            (w.weekday, f"{w.starts:%H:%M}", f"{w.ends:%H:%M}")
            for w in AvailabilityWindow.objects.filter(person__user=user)
        ]


def away_of(org, user) -> list[tuple]:
    with activate(org.organization):
        return [
            (p.first_day, p.last_day, p.note) for p in AwayPeriod.objects.filter(person__user=user)
        ]


def save_week(org, user, *windows: tuple[int, time, time]):
    with activate(org.organization):
        return availability_week_save(
            organization=org.organization,
            actor=user,
            windows=[WindowInput(*w) for w in windows],
        )


def add_away(org, user, first, last, note=""):
    with activate(org.organization):
        return away_period_add(
            organization=org.organization, actor=user, first_day=first, last_day=last, note=note
        )


def today_of(org, user):
    return person_today(profile(org, user))


@pytest.fixture
def acme(world):
    return world.acme


@pytest.fixture
def mentee(acme):
    return acme.mentees[0]


@pytest.fixture
def browser(acme, mentee):
    return signed_in(acme, mentee)


# ---------------------------------------------------------------- the week


def test_a_person_saves_their_week_and_sees_it_on_their_own_clock(acme, mentee, browser):
    set_zone(acme, mentee, "Europe/Berlin")
    response = week_post(browser, monday="9-12, 14:00 - 17:30", friday="09:00–12:00")
    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}#week"
    assert windows_of(acme, mentee) == [
        (0, "09:00", "12:00"),
        (0, "14:00", "17:30"),
        (4, "09:00", "12:00"),
    ]
    page = text(browser.get(PAGE))
    assert "Your week is saved: 3 windows." in page
    assert "09:00–12:00, 14:00–17:30" in page
    assert "Europe/Berlin" in page
    assert 'href="/me/profile/"' in page  # where the time zone is changed


def test_the_form_shows_the_saved_week_to_change_it(acme, mentee, browser):
    save_week(acme, mentee, (2, time(8), time(10, 30)))
    page = text(browser.get(PAGE))
    assert 'name="week-wednesday" value="08:00–10:30"' in page


def test_windows_that_touch_are_kept_as_one(acme, mentee, browser):
    week_post(browser, tuesday="09:00-12:00, 12:00-13:30")
    assert windows_of(acme, mentee) == [(1, "09:00", "13:30")]


def test_a_window_that_ends_before_it_starts_is_refused_and_the_week_kept_before_stays(
    acme, mentee, browser
):
    save_week(acme, mentee, (0, time(9), time(12)))
    response = week_post(browser, monday="17:00-09:00", tuesday="10:00-11:00")
    assert response.status_code == 200
    page = text(response)
    assert "17:00–09:00 ends before it starts" in page
    assert 'role="alert"' in page
    assert windows_of(acme, mentee) == [(0, "09:00", "12:00")]  # nothing written
    assert 'value="17:00-09:00"' in page  # what they typed, to correct it


def test_overlapping_windows_of_one_day_are_refused_naming_both(acme, mentee, browser):
    response = week_post(browser, thursday="09:00-12:00, 11:00-14:00")
    page = text(response)
    assert "09:00–12:00 and 11:00–14:00 overlap" in page
    assert "09:00–14:00" in page  # the window they probably meant
    assert windows_of(acme, mentee) == []


def test_the_same_window_on_different_days_is_fine(acme, mentee, browser):
    week_post(browser, monday="09:00-12:00", tuesday="09:00-12:00")
    assert windows_of(acme, mentee) == [(0, "09:00", "12:00"), (1, "09:00", "12:00")]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("09:10-10:00", "use quarter hours (09:10 is not one)"),
        ("nine to five", "“nine to five” is not a window this page can read"),
        ("09:00-", "“09:00-” is not a window this page can read"),
        ("25:00-26:00", "has a time that does not exist"),
        ("18:00-24:00", "24:00 is the next day: end at 23:45 at the latest"),
        ("12:00-12:00", "12:00–12:00 ends before it starts"),
    ],
)
def test_a_line_that_cannot_be_a_window_says_what_to_write(acme, mentee, browser, line, message):
    save_week(acme, mentee, (5, time(10), time(11)))
    page = text(week_post(browser, sunday=line))
    assert message in page
    assert windows_of(acme, mentee) == [(5, "10:00", "11:00")]


def test_more_than_twenty_windows_a_week_are_refused(acme, mentee):
    many = [(day, time(hour), time(hour, 30)) for day in range(7) for hour in range(8, 11)]
    assert len(many) == MAX_WINDOWS + 1
    with pytest.raises(ValidationError, match="Keep to 20 windows a week"):
        save_week(acme, mentee, *many)
    assert windows_of(acme, mentee) == []
    save_week(acme, mentee, *many[:MAX_WINDOWS])
    assert len(windows_of(acme, mentee)) == MAX_WINDOWS


def test_an_empty_week_removes_every_window(acme, mentee, browser):
    save_week(acme, mentee, (0, time(9), time(12)), (3, time(13), time(15)))
    response = week_post(browser)
    assert response.status_code == 302
    assert windows_of(acme, mentee) == []
    assert "no free times are proposed for you" in text(browser.get(PAGE))


def test_sending_the_same_week_twice_keeps_it_once(acme, mentee, browser):
    for _ in range(2):
        assert week_post(browser, monday="09:00-12:00", friday="13:00-15:00").status_code == 302
    assert windows_of(acme, mentee) == [(0, "09:00", "12:00"), (4, "13:00", "15:00")]


def test_saving_a_week_leaves_other_people_s_weeks_alone(acme, mentee, browser):
    partner = acme.mentors[0]
    save_week(acme, partner, (0, time(7), time(8)))
    week_post(browser, monday="09:00-12:00")
    assert windows_of(acme, partner) == [(0, "07:00", "08:00")]
    assert "07:00–08:00" not in text(browser.get(PAGE))


# ---------------------------------------------------------------- away days


def test_a_person_adds_days_away_and_sees_them(acme, mentee, browser):
    first = today_of(acme, mentee) + timedelta(days=10)
    response = away_post(browser, first, first + timedelta(days=6), "Summer holiday")
    assert response.status_code == 302
    assert away_of(acme, mentee) == [(first, first + timedelta(days=6), "Summer holiday")]
    page = text(browser.get(PAGE))
    assert "Away days added" in page
    assert f"{first:%-d %B %Y} to" in page
    assert "Summer holiday" in page


def test_one_day_away_is_a_period_whose_last_day_is_its_first(acme, mentee, browser):
    day = today_of(acme, mentee)
    assert away_post(browser, day, day).status_code == 302
    assert away_of(acme, mentee) == [(day, day, "")]


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        (5, 4, "is before the first"),
        (0, 366, "Keep an away period to a year at most (367 days now)"),
        (-10, -1, "That period is over already"),
        (800, 801, "more than two years ahead"),
        (None, 3, "Give the first day you are away."),
        (3, None, "Give the last day you are away"),
    ],
)
def test_away_days_that_cannot_be_are_refused_with_a_reason(
    acme, mentee, browser, first, last, message
):
    today = today_of(acme, mentee)
    response = away_post(
        browser,
        None if first is None else today + timedelta(days=first),
        None if last is None else today + timedelta(days=last),
    )
    assert response.status_code == 200
    page = text(response)
    assert message in page
    assert 'role="alert"' in page
    assert away_of(acme, mentee) == []


def test_a_year_away_is_the_longest_period(acme, mentee, browser):
    today = today_of(acme, mentee)
    assert away_post(browser, today, today + timedelta(days=365)).status_code == 302


def test_a_period_that_began_before_today_and_goes_on_can_be_added(acme, mentee, browser):
    today = today_of(acme, mentee)
    assert away_post(browser, today - timedelta(days=3), today + timedelta(days=2)).status_code == (
        302
    )


def test_away_days_overlapping_ones_kept_are_refused_naming_them(acme, mentee, browser):
    today = today_of(acme, mentee)
    add_away(acme, mentee, today + timedelta(days=5), today + timedelta(days=9))
    page = text(away_post(browser, today + timedelta(days=9), today + timedelta(days=12)))
    assert "You are already away from" in page
    assert len(away_of(acme, mentee)) == 1


def test_the_same_away_days_sent_twice_are_kept_once(acme, mentee, browser):
    today = today_of(acme, mentee)
    for _ in range(2):
        assert away_post(
            browser, today + timedelta(days=1), today + timedelta(days=2)
        ).status_code == (302)
    assert len(away_of(acme, mentee)) == 1


def test_a_note_is_shown_as_text_not_markup(acme, mentee, browser):
    today = today_of(acme, mentee)
    away_post(browser, today, today, SCRIPT)
    page = text(browser.get(PAGE))
    assert SCRIPT not in page
    assert "&lt;script&gt;" in page


def test_past_away_days_are_no_longer_listed(acme, mentee, browser):
    today = today_of(acme, mentee)
    with activate(acme.organization):
        AwayPeriod.objects.create(
            organization=acme.organization,
            person=profile(acme, mentee),
            first_day=today - timedelta(days=30),
            last_day=today - timedelta(days=20),
            note="Long gone",
        )
    assert "Long gone" not in text(browser.get(PAGE))


def test_a_person_removes_their_away_days_and_a_second_click_changes_nothing(acme, mentee, browser):
    today = today_of(acme, mentee)
    period = add_away(acme, mentee, today, today + timedelta(days=1))
    url = f"{AWAY}{period.pk}/remove/"
    response = browser.post(url)
    assert response.status_code == 302
    assert away_of(acme, mentee) == []
    again = browser.post(url)
    assert again.status_code == 404
    assert "That away period is not in your list" in text(again)


def test_someone_else_s_away_days_cannot_be_removed(acme, mentee, browser):
    partner = acme.mentors[0]
    today = today_of(acme, partner)
    period = add_away(acme, partner, today, today + timedelta(days=3), "Partner's leave")
    response = browser.post(f"{AWAY}{period.pk}/remove/")
    assert response.status_code == 404
    assert len(away_of(acme, partner)) == 1
    assert "Partner&#x27;s leave" not in text(response)


def test_removing_needs_a_post(acme, mentee, browser):
    today = today_of(acme, mentee)
    period = add_away(acme, mentee, today, today)
    assert browser.get(f"{AWAY}{period.pk}/remove/").status_code == 405
    assert len(away_of(acme, mentee)) == 1


# ---------------------------------------------------------------- who may


def test_someone_signed_out_is_sent_to_sign_in(client, acme):
    response = client.get(PAGE, HTTP_HOST="acme.localhost")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_another_organization_s_rows_are_never_shown_or_changed(world, acme, mentee):
    other = world.globex
    outsider = other.mentees[0]
    today = today_of(acme, mentee)
    save_week(acme, mentee, (0, time(6, 15), time(7, 45)))
    period = add_away(acme, mentee, today, today + timedelta(days=2), f"Away {acme.sentinel}")

    # On their own host, the other organization's member sees only their own page.
    theirs = signed_in(other, outsider)
    page = text(theirs.get(PAGE))
    assert acme.sentinel not in page
    assert "06:15–07:45" not in page
    assert theirs.post(f"{AWAY}{period.pk}/remove/").status_code == 404
    week_post(theirs, monday="14:00-15:00")
    assert windows_of(other, outsider) == [(0, "14:00", "15:00")]

    # Their session is no key to this organization's host: they are sent to sign in.
    theirs.defaults["HTTP_HOST"] = "acme.localhost"
    for response in (
        theirs.get(PAGE),
        week_post(theirs, monday="06:00-07:00"),
        theirs.post(f"{AWAY}{period.pk}/remove/"),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    assert windows_of(acme, mentee) == [(0, "06:15", "07:45")]
    assert len(away_of(acme, mentee)) == 1
    with activate(other.organization):
        assert not AwayPeriod.objects.exists()


def test_a_service_refuses_to_write_for_another_organization(world, acme, mentee):
    with activate(acme.organization), pytest.raises(ValidationError):
        availability_week_save(
            organization=world.globex.organization,
            actor=mentee,
            windows=[WindowInput(0, time(9), time(10))],
        )
    assert windows_of(acme, mentee) == []


# ---------------------------------------------------------------- cost


def test_the_page_costs_the_same_queries_with_no_rows_or_many(acme, mentee, browser):
    browser.get(PAGE)  # warm what is no part of the page (sessions, content types)
    with CaptureQueriesContext(connection) as empty:
        assert browser.get(PAGE).status_code == 200
    save_week(acme, mentee, *[(day, time(9), time(12)) for day in range(7)])
    today = today_of(acme, mentee)
    for week in range(1, 6):
        start = today + timedelta(weeks=week)
        add_away(acme, mentee, start, start + timedelta(days=2))
    with CaptureQueriesContext(connection) as full:
        page = text(browser.get(PAGE))
    assert page.count("Remove<span") == 5
    assert len(empty) == len(full)


# ---------------------------------------------------------------- at once


def _at_once(count: int, action) -> list[BaseException]:
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(index: int):
        try:
            barrier.wait(timeout=30)
            action(index)
        except BaseException as error:  # reported by the caller
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.mark.django_db(transaction=True)
def test_weeks_saved_at_once_leave_one_whole_week_not_a_mix():
    org = build_world().acme
    user = org.mentees[0]
    weeks = {index: [(index, time(9), time(10)), (index, time(14), time(15))] for index in range(4)}
    assert _at_once(4, lambda index: save_week(org, user, *weeks[index])) == []
    kept = windows_of(org, user)
    assert len(kept) == 2
    assert kept[0][0] == kept[1][0]  # both windows from the same request


@pytest.mark.django_db(transaction=True)
def test_the_same_away_days_sent_at_once_are_kept_once():
    org = build_world().acme
    user = org.mentees[0]
    today = today_of(org, user)
    errors = _at_once(4, lambda _: add_away(org, user, today, today + timedelta(days=4)))
    assert errors == []
    assert len(away_of(org, user)) == 1


# ---------------------------------------------------------------- privacy


def test_a_person_s_export_holds_their_week_and_away_days_only(acme, mentee):
    partner = acme.mentors[0]
    today = today_of(acme, mentee)
    save_week(acme, mentee, (1, time(9), time(11)))
    add_away(acme, mentee, today, today + timedelta(days=1), "Mine")
    save_week(acme, partner, (2, time(9), time(11)))
    add_away(acme, partner, today, today, "Theirs")
    with activate(acme.organization):
        data = person_export(organization=acme.organization, profile=profile(acme, mentee))
    windows = data["sections"]["mentoring_sessions.AvailabilityWindow"]["rows"]
    away = data["sections"]["mentoring_sessions.AwayPeriod"]["rows"]
    assert [(w["weekday"], w["starts"], w["ends"]) for w in windows] == [
        (1, "09:00:00", "11:00:00")
    ]
    assert [p["note"] for p in away] == ["Mine"]


def test_erasing_a_person_removes_their_week_and_away_days_and_keeps_others(acme, mentee):
    partner = acme.mentors[0]
    today = today_of(acme, mentee)
    save_week(acme, mentee, (1, time(9), time(11)))
    add_away(acme, mentee, today, today + timedelta(days=1), "Mine")
    save_week(acme, partner, (2, time(9), time(11)))
    add_away(acme, partner, today, today, "Theirs")
    with activate(acme.organization):
        person_erase(
            organization=acme.organization, actor=acme.manager, person=profile(acme, mentee)
        )
        person = Profile.objects.get(pk=profile(acme, partner).pk)
        assert not AvailabilityWindow.objects.exclude(person=person).exists()
        assert not AwayPeriod.objects.exclude(person=person).exists()
    assert windows_of(acme, partner) == [(2, "09:00", "11:00")]
    assert away_of(acme, partner) == [(today, today, "Theirs")]
