"""A session planned, moved and cancelled in Chromium reaches both people's calendars: each
step emails the mentee and the mentor an iTIP invitation (RFC 5546) that the ``icalendar``
library reads as a calendar program would. Planning sends a REQUEST with a new UID and
SEQUENCE 0; moving sends a REQUEST for the same UID with a higher SEQUENCE and the new time,
so the calendar updates the event it has; cancelling sends a CANCEL for the same UID, so
the calendar removes it. The other organization receives nothing."""

from __future__ import annotations

import re
import time
import zoneinfo
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from mentoring.notifications.models import OutboxMessage
from mentoring.tenancy import activate
from sessions.calendar_files import platform_address
from sessions.models import Session, SessionStatus
from tests.builders.browser import assert_accessible, on_the_clock_of, org_url, sign_in
from tests.builders.invitations import address, calendar_part, event_of, invitation, invitations_to
from tests.builders.pair import make_pair
from tests.builders.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)

MEETING_LINK = "https://meet.example/acme-pair"
MOVE_NOTE = "My team review moved to the morning, sorry."
CANCEL_NOTE = "I am off sick this week."
DURATION_MINUTES = 60  # the form's default
EMAILS_WITHIN = 10.0  # seconds: the outbox is sent once the request's transaction commits


def wall_time_in_utc(value: str, time_zone: str) -> datetime:
    """A datetime-local value typed on ``time_zone``'s clock, as the UTC moment it names."""
    wall = datetime.strptime(value, "%Y-%m-%dT%H:%M")
    return wall.replace(tzinfo=zoneinfo.ZoneInfo(time_zone)).astimezone(UTC)


def wait_for_invitations(users, count: int) -> dict:
    """Each user's invitation emails, once every one of them has ``count``."""
    deadline = time.monotonic() + EMAILS_WITHIN
    while True:
        found = {user.pk: invitations_to(user) for user in users}
        if all(len(sent) >= count for sent in found.values()) or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def check_invitation(sent, *, method: str, pair, starts_at: datetime) -> dict:
    """What a calendar program needs of one invitation, checked; its UID and SEQUENCE."""
    assert calendar_part(sent).get_param("method") == method
    calendar = invitation(sent)
    assert str(calendar["METHOD"]) == method
    event = event_of(sent)
    assert str(event["UID"])
    for name in ("DTSTART", "DTEND"):  # written in UTC
        assert event.decoded(name).utcoffset() == timedelta(0)
    assert event.decoded("DTSTART") == starts_at
    assert event.decoded("DTEND") == starts_at + timedelta(minutes=DURATION_MINUTES)
    organizer = event["ORGANIZER"]
    assert address(organizer) == platform_address()
    # on behalf of the person who planned it
    assert str(organizer.params["CN"]).startswith(pair.mentorship.mentee.person.display_name)
    found: Any = event["ATTENDEE"]  # one vCalAddress, or a list of them
    attendees = found if isinstance(found, list) else [found]
    assert sorted(address(a) for a in attendees) == sorted([pair.mentee.email, pair.mentor.email])
    assert all(a.params.get("CN") for a in attendees)
    return {"uid": str(event["UID"]), "sequence": int(event.decoded("SEQUENCE")), "event": event}


def latest_of_both(pair, count: int, **expected) -> list[dict]:
    """The newest invitation of the mentee and of the mentor, checked, once each has
    ``count``; both describe the same event."""
    found = wait_for_invitations([pair.mentee, pair.mentor], count)
    assert [len(found[pair.mentee.pk]), len(found[pair.mentor.pk])] == [count, count]
    checked = [
        check_invitation(found[user.pk][-1], pair=pair, **expected)
        for user in (pair.mentee, pair.mentor)
    ]
    assert checked[0]["uid"] == checked[1]["uid"]
    assert checked[0]["sequence"] == checked[1]["sequence"]
    return checked


def test_a_session_planned_moved_and_cancelled_in_the_browser_updates_one_calendar_event(
    page, live_server
):
    world = build_world()
    pair = make_pair(world.acme)
    mentee_person = pair.mentorship.mentee.person
    zone = mentee_person.time_zone

    # The mentee plans a session on the scheduling page, with a video link.
    sign_in(page, live_server, "acme", pair.mentee.email)
    page.goto(org_url(live_server, "acme", f"/mentorships/{pair.mentorship.pk}/sessions/new/"))
    planned_for = on_the_clock_of(mentee_person, days=3, hour=10)
    page.get_by_label("Date and time").fill(planned_for)
    page.get_by_label("Place or video link").fill(MEETING_LINK)
    page.get_by_role("button", name="Plan the session").click()
    page.wait_for_url(re.compile(r"/sessions/\d+/$"))
    session_id = int(re.search(r"/sessions/(\d+)/$", page.url).group(1))
    expect(page.get_by_text("Session planned.")).to_be_visible()

    # Both people's calendars are asked to add one event: a REQUEST, SEQUENCE 0.
    planned = latest_of_both(
        pair, 1, method="REQUEST", starts_at=wall_time_in_utc(planned_for, zone)
    )
    uid = planned[0]["uid"]
    assert planned[0]["sequence"] == 0
    event = planned[0]["event"]
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["LOCATION"]) == MEETING_LINK
    assert MEETING_LINK in str(event["DESCRIPTION"])
    assert f"/sessions/{session_id}/" in str(event["DESCRIPTION"])

    # The mentee moves it two hours later on the session page.
    moved_for = on_the_clock_of(mentee_person, days=3, hour=12)
    page.get_by_text("Move this session").click()
    page.get_by_label("Date and time").fill(moved_for)
    page.get_by_label("A note for the other person").fill(MOVE_NOTE)
    page.get_by_role("button", name="Move the session").click()
    page.wait_for_url(org_url(live_server, "acme", f"/sessions/{session_id}/"))
    expect(page.get_by_text("Session moved.")).to_be_visible()

    # The same event, updated: same UID, a higher SEQUENCE, the new time.
    moved = latest_of_both(pair, 2, method="REQUEST", starts_at=wall_time_in_utc(moved_for, zone))
    assert moved[0]["uid"] == uid
    assert moved[0]["sequence"] > planned[0]["sequence"]
    assert str(moved[0]["event"]["STATUS"]) == "CONFIRMED"
    assert MOVE_NOTE in str(moved[0]["event"]["DESCRIPTION"])

    # The mentee cancels it.
    page.get_by_text("Cancel this session").click()
    page.get_by_label("Why are you cancelling?").fill(CANCEL_NOTE)
    page.get_by_role("button", name="Cancel the session").click()
    page.wait_for_url(org_url(live_server, "acme", f"/sessions/{session_id}/"))
    expect(page.get_by_text("Session cancelled.")).to_be_visible()
    assert_accessible(page)

    # The calendars are told to remove that same event.
    cancelled = latest_of_both(
        pair, 3, method="CANCEL", starts_at=wall_time_in_utc(moved_for, zone)
    )
    assert cancelled[0]["uid"] == uid
    assert cancelled[0]["sequence"] > moved[0]["sequence"]
    assert str(cancelled[0]["event"]["STATUS"]) == "CANCELLED"
    with activate(world.acme.organization):
        session = Session.objects.get(pk=session_id)
        assert session.status == SessionStatus.CANCELLED
        assert session.sequence == cancelled[0]["sequence"]

    # Nobody of the other organization got an email or an outbox row.
    globex_addresses = {user.email for user in world.globex.people}
    assert [m.to for m in mail.outbox if set(m.to) & globex_addresses] == []
    with activate(world.globex.organization):
        assert OutboxMessage.objects.count() == 0
