"""A person's calendar feed: the secret address calendar programs subscribe to, read here
with the ``icalendar`` library as a calendar program would. It lists the person's own
sessions from three months back, carries nothing written about them, answers
conditional requests, works on its own organization's host only, and stops working the
moment the person asks for a new address."""

from __future__ import annotations

import threading
from datetime import timedelta

import icalendar
import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import http_date

from mentoring.people.models import Profile
from mentoring.tenancy import activate
from mentoring.tenancy.hosts import organization_url
from mentoring.tenancy.models import Membership
from sessions import services as sessions
from sessions.models import CalendarFeed, PrivateNote, Session, SessionStatus
from sessions.services.feed import calendar_feed_issue
from tests.builders.clients import signed_in
from tests.builders.pages import HTMX
from tests.builders.pair import give, make_pair, running_pairs, schedule, tomorrow
from tests.builders.world import build_world

# ---------------------------------------------------------------- helpers


def feed_of(org, user) -> CalendarFeed:
    with activate(org.organization):
        return calendar_feed_issue(organization=org.organization, actor=user)


def path_of(feed: CalendarFeed) -> str:
    return f"/calendar/{feed.token}.ics"


def fetch(feed: CalendarFeed, host: str = "acme.localhost", **headers):
    """The feed as a calendar program asks for it: no cookie, no signing in."""
    return Client().get(path_of(feed), HTTP_HOST=host, **headers)


def calendar_of(response) -> icalendar.Calendar:
    assert response.status_code == 200, response.content[:500]
    return icalendar.Calendar.from_ical(response.content)


def events_of(response) -> dict[str, icalendar.Event]:
    return {str(event["UID"]): event for event in calendar_of(response).walk("VEVENT")}


def uid(session: Session) -> str:
    return f"session-{session.pk}@acme.localhost"


def days_ago(days: int):
    return timezone.now() - timedelta(days=days)


def soon(days: int = 1):
    """A time to come, to the second (calendars carry no microseconds)."""
    return (timezone.now() + timedelta(days=days)).replace(microsecond=0)


def profile_name(pair, role: str) -> str:
    return getattr(pair.mentorship, role).person.display_name


@pytest.fixture
def pair(world):
    return make_pair(world.acme)


# ---------------------------------------------------------------- content


def test_the_feed_lists_the_persons_sessions_as_events_a_calendar_reads(pair):
    coming = schedule(pair, starts_at=soon(), location="https://meet.example/abc-defg")
    held = schedule(pair, at=days_ago(20))
    response = fetch(feed_of(pair.org, pair.mentee))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = calendar_of(response)
    assert calendar["METHOD"] == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == f"Mentoring — {pair.org.organization.name}"
    events = events_of(response)
    # the same UIDs as the sessions' emailed invitations: one event per session
    assert list(events) == [uid(held), uid(coming)]
    event = events[uid(coming)]
    assert event.decoded("DTSTART") == coming.starts_at
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(hours=1)
    summary = str(event["SUMMARY"])
    assert profile_name(pair, "mentor") in summary
    assert profile_name(pair, "mentee") in summary
    assert str(event["LOCATION"]) == "https://meet.example/abc-defg"
    assert str(event["URL"]) == organization_url(pair.org.organization, f"/sessions/{coming.pk}/")
    assert str(event["STATUS"]) == "CONFIRMED"


def test_the_mentor_sees_the_same_sessions_in_their_own_feed(pair):
    session = schedule(pair)
    assert list(events_of(fetch(feed_of(pair.org, pair.mentor)))) == [uid(session)]


def test_sessions_older_than_three_months_and_cancelled_ones_are_left_out(pair):
    recent = schedule(pair, at=days_ago(60))
    schedule(pair, at=days_ago(120))
    cancelled = schedule(pair, starts_at=tomorrow() + timedelta(days=3))
    with activate(pair.org.organization):
        sessions.session_cancel(
            organization=pair.org.organization,
            actor=pair.mentor,
            session=cancelled,
            note="Away that week",
        )
    assert list(events_of(fetch(feed_of(pair.org, pair.mentee)))) == [uid(recent)]


def test_a_person_without_sessions_gets_an_empty_calendar_that_still_parses(pair):
    calendar = calendar_of(fetch(feed_of(pair.org, pair.mentee)))
    assert calendar.walk("VEVENT") == []


def test_nothing_written_about_a_session_reaches_the_feed(pair):
    held = schedule(pair, at=days_ago(7))
    coming = schedule(pair, starts_at=tomorrow() + timedelta(days=1))
    organization = pair.org.organization
    with activate(organization):
        Session.objects.filter(pk=held.pk).update(
            status=SessionStatus.HELD,
            shared_notes="SHARED-NOTE-SECRET we rehearsed",
            real_situations="REAL-SITUATION-SECRET the budget row",
            change_note="CHANGE-NOTE-SECRET moved for a dentist",
        )
        Session.objects.filter(pk=coming.pk).update(change_note="CHANGE-NOTE-SECRET again")
        mentee = pair.mentorship.mentee.person
        PrivateNote.objects.create(
            organization=organization, session=held, author=mentee, text="PRIVATE-NOTE-SECRET"
        )
        sessions.agenda_item_add(
            organization=organization,
            actor=pair.mentee,
            session=coming,
            text="AGENDA-POINT-SECRET how to say no",
        )
    give(pair, situation="FEEDBACK-SECRET in the Monday stand-up")
    for user in (pair.mentee, pair.mentor):
        body = fetch(feed_of(pair.org, user)).content.decode()
        assert len(events_of(fetch(feed_of(pair.org, user)))) == 2
        for secret in ("SHARED-NOTE", "REAL-SITUATION", "CHANGE-NOTE", "PRIVATE-NOTE"):
            assert f"{secret}-SECRET" not in body
        assert "AGENDA-POINT-SECRET" not in body
        assert "FEEDBACK-SECRET" not in body
        assert "Agenda:" not in body


def test_another_persons_sessions_are_never_in_the_feed(pair):
    mine = schedule(pair)
    others = running_pairs(pair.org, 1)
    other = others.mentorships[0]
    with activate(pair.org.organization):
        theirs = Session.objects.create(
            organization=pair.org.organization,
            mentorship=other,
            starts_at=tomorrow(),
        )
    body = fetch(feed_of(pair.org, pair.mentee)).content.decode()
    assert list(events_of(fetch(feed_of(pair.org, pair.mentee)))) == [uid(mine)]
    assert uid(theirs) not in body
    assert other.mentee.person.display_name not in body
    # and theirs holds theirs only
    their_feed = feed_of(pair.org, others.users("mentee")[0])
    assert list(events_of(fetch(their_feed))) == [uid(theirs)]


def test_another_organizations_sessions_are_never_in_the_feed(pair, world):
    schedule(pair)
    globex = make_pair(world.globex)
    schedule(globex)
    body = fetch(feed_of(pair.org, pair.mentee)).content.decode()
    assert world.globex.sentinel not in body
    assert "globex" not in body


# ---------------------------------------------------------------- addresses and tenancy


def test_an_unknown_address_is_not_found(pair):
    response = Client().get("/calendar/not-a-real-token.ics", HTTP_HOST="acme.localhost")
    assert response.status_code == 404


def test_a_valid_address_on_another_organizations_host_is_not_found(pair, world):
    schedule(pair)
    feed = feed_of(pair.org, pair.mentee)
    assert fetch(feed, host="globex.localhost").status_code == 404
    assert fetch(feed, host="localhost").status_code == 404  # the platform's own host


def test_the_feed_stops_when_the_person_is_no_longer_a_member(pair):
    feed = feed_of(pair.org, pair.mentee)
    assert fetch(feed).status_code == 200
    with activate(pair.org.organization):
        Membership.objects.filter(user=pair.mentee).update(is_active=False)
    assert fetch(feed).status_code == 404


def test_a_calendar_program_fetches_it_without_any_cookie_or_sign_in(pair):
    schedule(pair)
    response = fetch(feed_of(pair.org, pair.mentee))
    assert response.status_code == 200
    assert not response.cookies  # no session, no CSRF cookie set for a feed
    assert response["Cache-Control"] == "private, no-cache"


def test_a_signed_in_browser_of_the_person_gets_the_same_feed(pair):
    schedule(pair)
    feed = feed_of(pair.org, pair.mentee)
    browser = signed_in(pair.org, pair.mentee)
    assert browser.get(path_of(feed)).content == fetch(feed).content


# ---------------------------------------------------------------- conditional requests


def test_an_unchanged_feed_answers_304_to_its_etag(pair):
    schedule(pair)
    feed = feed_of(pair.org, pair.mentee)
    first = fetch(feed)
    etag = first["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    again = fetch(feed, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    # a proxy that compressed it may send the tag back as a weak one
    assert fetch(feed, HTTP_IF_NONE_MATCH=f'"other", W/{etag}').status_code == 304
    assert fetch(feed, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_a_moved_session_changes_the_etag_and_the_feed(pair):
    session = schedule(pair, starts_at=soon())
    feed = feed_of(pair.org, pair.mentee)
    etag = fetch(feed)["ETag"]
    with activate(pair.org.organization):
        sessions.session_reschedule(
            organization=pair.org.organization,
            actor=pair.mentor,
            session=session,
            starts_at=session.starts_at + timedelta(hours=2),
            duration_minutes=session.duration_minutes,
        )
    response = fetch(feed, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag
    event = events_of(response)[uid(session)]
    assert event.decoded("DTSTART") == session.starts_at + timedelta(hours=2)
    assert event["SEQUENCE"] == 1


def test_last_modified_is_the_newest_change_of_a_session(pair):
    schedule(pair, at=days_ago(3))
    newer = schedule(pair)
    with activate(pair.org.organization):
        newest = Session.objects.get(pk=newer.pk).updated_at
    response = fetch(feed_of(pair.org, pair.mentee))
    assert response["Last-Modified"] == http_date(newest.timestamp())


def test_head_answers_the_headers_without_the_calendar(pair):
    schedule(pair)
    feed = feed_of(pair.org, pair.mentee)
    got = fetch(feed)
    head = Client().head(path_of(feed), HTTP_HOST="acme.localhost")
    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == got["ETag"]
    assert head["Content-Length"] == str(len(got.content))


def test_the_feed_costs_the_same_queries_for_one_or_thirty_sessions(pair):
    feed = feed_of(pair.org, pair.mentee)
    fetch(feed)  # warm what is no part of the feed (the host's lookups, content types)
    schedule(pair)
    with CaptureQueriesContext(connection) as one:
        assert len(events_of(fetch(feed))) == 1
    organization = pair.org.organization
    with activate(organization):
        Session.objects.bulk_create(
            Session(
                organization=organization,
                mentorship=pair.mentorship,
                starts_at=tomorrow() + timedelta(days=day),
            )
            for day in range(1, 30)
        )
    with CaptureQueriesContext(connection) as thirty:
        assert len(events_of(fetch(feed))) == 30
    # the organization, the feed, the version, the sessions, their mentorships
    assert len(one) == len(thirty) == 5
    with CaptureQueriesContext(connection) as again:
        assert len(events_of(fetch(feed))) == 30
    assert len(again) == 3  # unchanged: the text comes from the cache


def test_a_cached_feed_shows_a_new_name_of_the_partner_at_once(pair):
    schedule(pair)
    feed = feed_of(pair.org, pair.mentee)
    before = fetch(feed)
    assert profile_name(pair, "mentor") in before.content.decode()
    with activate(pair.org.organization):
        Profile.objects.filter(user=pair.mentor).update(display_name="Renamed Mentor")
    after = fetch(feed, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert "Renamed Mentor" in str(next(iter(events_of(after).values()))["SUMMARY"])


def test_a_cached_feed_drops_a_cancelled_session_at_once(pair):
    session = schedule(pair)
    feed = feed_of(pair.org, pair.mentee)
    assert list(events_of(fetch(feed))) == [uid(session)]
    with activate(pair.org.organization):
        sessions.session_cancel(
            organization=pair.org.organization,
            actor=pair.mentee,
            session=session,
            note="Off sick",
        )
    assert list(events_of(fetch(feed))) == []


# ---------------------------------------------------------------- the profile's section


def test_the_profile_page_loads_the_calendar_section_with_a_plain_link_fallback(pair):
    page = signed_in(pair.org, pair.mentee).get("/me/profile/").content.decode()
    assert 'hx-get="/me/calendar/"' in page
    assert 'href="/me/calendar/"' in page


def test_the_section_shows_the_address_and_a_subscribe_link(pair):
    browser = signed_in(pair.org, pair.mentee)
    section = browser.get("/me/calendar/", **HTMX).content.decode()
    feed = feed_of(pair.org, pair.mentee)  # the one the section made
    address = organization_url(pair.org.organization, f"/calendar/{feed.token}.ics")
    assert address.startswith(("https://", "http://"))
    assert f'value="{address}"' in section
    assert f'href="webcal://{address.split("://", 1)[1]}"' in section
    assert "Get a new address" in section
    assert "<html" not in section
    # without htmx, the same section as a page of its own
    page = browser.get("/me/calendar/").content.decode()
    assert "<html" in page and feed.token in page
    with activate(pair.org.organization):
        assert CalendarFeed.objects.count() == 1  # shown twice, made once


def test_the_section_is_for_signed_in_members_only(pair):
    response = Client().get("/me/calendar/", HTTP_HOST="acme.localhost")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_new_address_replaces_the_old_one_at_once(pair):
    schedule(pair)
    old = feed_of(pair.org, pair.mentee)
    browser = signed_in(pair.org, pair.mentee)
    response = browser.post("/me/calendar/new-address/", {"current": old.token_hash[:16]}, **HTMX)
    assert response.status_code == 200
    new = feed_of(pair.org, pair.mentee)
    assert new.pk == old.pk and new.token != old.token
    assert new.token in response.content.decode()
    assert "old one no longer works" in response.content.decode()
    assert fetch(old).status_code == 404
    assert len(events_of(fetch(new))) == 1


def test_asking_for_a_new_address_twice_replaces_it_once(pair):
    old = feed_of(pair.org, pair.mentee)
    browser = signed_in(pair.org, pair.mentee)
    form = {"current": old.token_hash[:16]}
    first = browser.post("/me/calendar/new-address/", form)
    assert first.status_code == 302
    assert first["Location"] == "/me/calendar/#calendar"
    new = feed_of(pair.org, pair.mentee)
    second = browser.post("/me/calendar/new-address/", form, **HTMX)  # the same form again
    assert second.status_code == 200
    assert feed_of(pair.org, pair.mentee).token == new.token
    assert new.token in second.content.decode()
    page = browser.get("/me/calendar/").content.decode()
    assert new.token in page


def test_a_new_address_is_asked_for_with_post_only(pair):
    old = feed_of(pair.org, pair.mentee)
    response = signed_in(pair.org, pair.mentee).get("/me/calendar/new-address/")
    assert response.status_code == 405
    assert feed_of(pair.org, pair.mentee).token == old.token


def test_another_organizations_member_cannot_renew_or_see_a_feed_here(pair, world):
    feed = feed_of(pair.org, pair.mentee)
    globex_browser = signed_in(world.globex, world.globex.mentees[0])
    globex_browser.defaults["HTTP_HOST"] = "acme.localhost"
    assert globex_browser.get("/me/calendar/").status_code in (302, 404)
    globex_browser.post("/me/calendar/new-address/", {"current": feed.token_hash[:16]})
    assert feed_of(pair.org, pair.mentee).token == feed.token
    with activate(world.globex.organization):
        assert not CalendarFeed.objects.exists()


# ---------------------------------------------------------------- races


@pytest.mark.django_db(transaction=True)
def test_two_requests_issuing_the_feed_at_once_make_one_feed():
    world = build_world()
    org = world.acme
    user = org.mentees[0]
    barrier = threading.Barrier(4)
    tokens: list[str] = []
    errors: list[BaseException] = []

    def issue():
        try:
            barrier.wait(timeout=30)
            tokens.append(feed_of(org, user).token)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(tokens) == 4 and len(set(tokens)) == 1
    with activate(org.organization):
        assert CalendarFeed.objects.count() == 1
