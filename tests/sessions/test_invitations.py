"""Planning, moving and cancelling a session (or planning a series) emails both people a
calendar invitation (iTIP, RFC 5546) that their calendar program accepts, updates and
removes: parsed here with the ``icalendar`` library, field by field, and the email's MIME
layout checked."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil.rrule import rrulestr
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from mentoring.notifications.models import Kind, NotificationSetting, OutboxMessage
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from sessions import ics, notices
from sessions import services as sessions
from sessions.models import MeetingPlace, Session
from sessions.services.places import meeting_place_save
from sessions.services.series import series_plan
from tests.builders.clients import signed_in
from tests.builders.invitations import (
    address,
    calendar_part,
    event_of,
    invitation,
    invitations_to,
    mime_of,
)
from tests.builders.pair import make_pair, schedule, tomorrow


@pytest.fixture
def pair(world):
    return make_pair(world.acme)


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """``with sent():`` runs the block's on-commit side effects (emails), as a commit would;
    as often as a test needs."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def person(pair, user) -> Profile:
    with activate(pair.org.organization):
        return Profile.objects.get(user=user)


def move(pair, session, actor, *, hours=2, **kwargs):
    with activate(pair.org.organization):
        return sessions.session_reschedule(
            organization=pair.org.organization,
            actor=actor,
            session=session,
            starts_at=session.starts_at + timedelta(hours=hours),
            duration_minutes=session.duration_minutes,
            **kwargs,
        )


def cancel(pair, session, actor):
    with activate(pair.org.organization):
        return sessions.session_cancel(
            organization=pair.org.organization, actor=actor, session=session, note="Off sick"
        )


def planned_now(pair, sent, **kwargs) -> Session:
    mail.outbox.clear()
    with sent():
        return schedule(pair, pair.mentee, starts_at=tomorrow().replace(microsecond=0), **kwargs)


def test_both_people_receive_an_invitation_their_calendar_reads_field_by_field(pair, sent):
    session = planned_now(pair, sent, location="https://meet.example/abc-defg")
    mentee, mentor = person(pair, pair.mentee), person(pair, pair.mentor)
    [to_mentee] = invitations_to(pair.mentee)
    [to_mentor] = invitations_to(pair.mentor)
    for sent_email in (to_mentee, to_mentor):
        calendar = invitation(sent_email)
        assert calendar["METHOD"] == "REQUEST"
        [event] = calendar.walk("VEVENT")
        assert str(event["UID"]) == f"session-{session.pk}@acme.localhost"
        assert event["SEQUENCE"] == 0
        assert event.decoded("DTSTART") == session.starts_at.astimezone(UTC)
        assert event.decoded("DTSTART").tzinfo is not None
        assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(hours=1)
        assert str(event["STATUS"]) == "CONFIRMED"
        organizer = event["ORGANIZER"]
        assert address(organizer) == "no-reply@localhost"  # the platform's sending address
        assert organizer.params["CN"] == f"{mentee.display_name} via {pair.org.organization.name}"
        attendees = {address(a): a.params for a in event["ATTENDEE"]}
        assert attendees.keys() == {pair.mentee.email, pair.mentor.email}
        assert attendees[pair.mentee.email]["CN"] == mentee.display_name
        assert attendees[pair.mentor.email]["CN"] == mentor.display_name
        assert attendees[pair.mentee.email]["PARTSTAT"] == "ACCEPTED"  # who planned it
        assert attendees[pair.mentor.email]["PARTSTAT"] == "NEEDS-ACTION"
        description = str(event["DESCRIPTION"])
        assert f"/sessions/{session.pk}/" in description  # the agenda's page
        assert "https://meet.example/abc-defg" in description
        assert str(event["LOCATION"]) == "https://meet.example/abc-defg"
    # the partner's email is news from the other person; the planner's own says it is theirs
    assert "planned a mentoring session" in to_mentor.subject
    assert to_mentee.subject.startswith("In your calendar")


def test_the_invitation_is_the_emails_calendar_part_and_an_attached_file(pair, sent):
    planned_now(pair, sent)
    [sent_email] = invitations_to(pair.mentor)
    message = mime_of(sent_email)
    assert message.get_content_type() == "multipart/mixed"
    alternative, attached = message.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.get_payload()] == [
        "text/plain",
        "text/html",
        "text/calendar",
    ]
    part = calendar_part(sent_email)
    assert part.get_param("method") == "REQUEST"
    assert part.get_content_charset() == "utf-8"
    assert attached.get_content_type() == "application/ics"
    assert attached.get_filename() == "invite.ics"
    # the same calendar text (a text part's line ends are the mail's, CRLF on the wire)
    assert attached.get_content().decode().replace("\r\n", "\n") == part.get_content()


def test_moving_updates_the_same_event_with_a_higher_sequence(pair, sent):
    session = planned_now(pair, sent)
    first = event_of(invitations_to(pair.mentor)[0])
    mail.outbox.clear()
    with sent():
        moved = move(pair, session, pair.mentor)
        move(pair, moved, pair.mentor)
    updates = [event_of(m) for m in invitations_to(pair.mentee)]
    assert [str(e["UID"]) for e in updates] == [str(first["UID"])] * 2
    assert [e["SEQUENCE"] for e in updates] == [1, 2]
    assert updates[-1].decoded("DTSTART") == session.starts_at + timedelta(hours=4)
    # the mover hears too (their own calendar moves), and the organizer stays the planner
    assert [event_of(m)["SEQUENCE"] for m in invitations_to(pair.mentor)] == [1, 2]
    assert updates[-1]["ORGANIZER"].params["CN"] == first["ORGANIZER"].params["CN"]


def test_cancelling_sends_a_cancel_of_the_same_event(pair, sent):
    session = planned_now(pair, sent)
    mail.outbox.clear()
    with sent():
        cancel(pair, session, pair.mentor)
    for user in (pair.mentee, pair.mentor):
        [sent_email] = invitations_to(user)
        calendar = invitation(sent_email)
        assert calendar["METHOD"] == "CANCEL"
        assert calendar_part(sent_email).get_param("method") == "CANCEL"
        [event] = calendar.walk("VEVENT")
        assert str(event["UID"]) == f"session-{session.pk}@acme.localhost"
        assert event["SEQUENCE"] == 1
        assert str(event["STATUS"]) == "CANCELLED"


def test_commas_semicolons_quotes_and_line_breaks_survive_in_names_and_agenda(pair, sent):
    mentee = person(pair, pair.mentee)
    mentee.display_name = 'Ana "Nana" López, PhD; R&D'
    with activate(pair.org.organization):
        mentee.save(update_fields=["display_name"])
    session = planned_now(pair, sent)
    text = "Role-play: the budget talk, part 2; bring notes\\then\nask Priya"
    with activate(pair.org.organization):
        sessions.agenda_item_add(
            organization=pair.org.organization, actor=pair.mentee, session=session, text=text
        )
    mail.outbox.clear()
    with sent():
        move(pair, session, pair.mentee)
    event = event_of(invitations_to(pair.mentor)[0])
    attendees = {address(a): a.params["CN"] for a in event["ATTENDEE"]}
    assert attendees[pair.mentee.email] == 'Ana "Nana" López, PhD; R&D'
    assert event["ORGANIZER"].params["CN"].startswith('Ana "Nana" López, PhD; R&D via')
    assert "1. Role-play: the budget talk, part 2; bring notes\\then" in str(event["DESCRIPTION"])
    assert "\nask Priya" in str(event["DESCRIPTION"])
    assert 'Ana "Nana" López, PhD; R&D' in str(event["SUMMARY"])
    [raw] = [  # the attached file: its bytes as written, CRLF line ends and all
        part.get_content().decode()
        for part in mime_of(invitations_to(pair.mentor)[0]).walk()
        if part.get_content_type() == "application/ics"
    ]
    assert "part 2\\; bring notes\\\\then\\nask Priya" in raw.replace("\r\n ", "")
    assert all(len(line.encode()) <= 75 for line in raw.split("\r\n"))


def test_the_planner_who_turned_own_invitations_off_gets_none_and_the_partner_still_does(
    pair, sent
):
    with activate(pair.org.organization):
        NotificationSetting.objects.create(
            organization=pair.org.organization,
            person=person(pair, pair.mentee),
            kind=Kind.SESSION_INVITATION,
            is_enabled=False,
        )
    planned_now(pair, sent)
    assert invitations_to(pair.mentee) == []
    assert len(invitations_to(pair.mentor)) == 1


def test_each_change_is_written_once_whatever_the_retries(pair, sent):
    session = planned_now(pair, sent)
    with activate(pair.org.organization):
        session.refresh_from_db()
        notices.session_changed(  # written again, as a retried request would
            pair.org.organization,
            session,
            kind=Kind.SESSION_PLANNED,
            actor=person(pair, pair.mentee),
        )
        keys = list(OutboxMessage.objects.values_list("dedupe_key", flat=True))
        assert len(keys) == len(set(keys))
        assert OutboxMessage.objects.filter(kind=Kind.SESSION_INVITATION).count() == 1
        assert OutboxMessage.objects.filter(kind=Kind.SESSION_PLANNED).count() == 1


def test_the_pairs_usual_place_starts_every_new_session_and_lands_in_the_invitation(pair, sent):
    with activate(pair.org.organization):
        meeting_place_save(
            organization=pair.org.organization,
            actor=pair.mentor,
            mentorship=pair.mentorship,
            location="  Room 4.12,   second floor ",
        )
    session = planned_now(pair, sent)
    assert session.location == "Room 4.12, second floor"
    assert str(event_of(invitations_to(pair.mentor)[0])["LOCATION"]) == "Room 4.12, second floor"
    own = schedule(pair, pair.mentee, starts_at=tomorrow() + timedelta(days=3), location="")
    assert own.location == ""  # a session may have none


@pytest.mark.parametrize(
    "place",
    ["javascript:alert(1)", "https://", "Zoom at https:// now", "data:text/html,<b>x</b>"],
)
def test_a_place_that_is_not_a_real_link_is_refused_and_nothing_changes(pair, place):
    with activate(pair.org.organization), pytest.raises(ValidationError) as refused:
        meeting_place_save(
            organization=pair.org.organization,
            actor=pair.mentor,
            mentorship=pair.mentorship,
            location=place,
        )
    assert "not a link people can open" in str(refused.value)
    with pytest.raises(ValidationError):
        schedule(pair, pair.mentee, location=place)
    with activate(pair.org.organization):
        assert not Session.objects.exists()


def test_the_usual_place_is_set_from_the_sessions_section_and_shown_there(pair):
    browser = signed_in(pair.org, pair.mentee)
    response = browser.post(
        f"/mentorships/{pair.mentorship.pk}/sessions/place/",
        {"place-location": "https://meet.example/pair-7"},
        follow=True,
    )
    assert "New sessions will be at https://meet.example/pair-7." in response.content.decode()
    section = browser.get(f"/mentorships/{pair.mentorship.pk}/sessions/").content.decode()
    assert 'href="https://meet.example/pair-7"' in section
    form = browser.get(f"/mentorships/{pair.mentorship.pk}/sessions/new/").content.decode()
    assert 'value="https://meet.example/pair-7"' in form


def test_another_organizations_member_cannot_set_this_pairs_place(world, pair):
    other = make_pair(world.globex)
    response = signed_in(other.org, other.mentee).post(
        f"/mentorships/{pair.mentorship.pk}/sessions/place/",
        {"place-location": "Room 1"},
    )
    assert response.status_code == 404
    with activate(pair.org.organization):
        assert not MeetingPlace.objects.exists()


# ------------------------------------------------------------------ overlap warning


def test_planning_over_another_session_of_either_person_warns_then_plans_when_confirmed(pair):
    first = schedule(pair, pair.mentee)
    browser = signed_in(pair.org, pair.mentor)
    mentor_zone = person(pair, pair.mentor).time_zone
    clash = (first.starts_at + timedelta(minutes=30)).astimezone(ZoneInfo(mentor_zone))
    data = {
        "starts_at": clash.strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": 60,
        "kind": "check_in",
        "location": "",
    }
    url = f"/mentorships/{pair.mentorship.pk}/sessions/new/"
    warned = browser.post(url, data).content.decode()
    assert "That time overlaps another planned session" in warned
    assert "Plan it anyway" in warned
    with activate(pair.org.organization):
        assert Session.objects.count() == 1
    planned = browser.post(url, {**data, "allow_overlap": "on"})
    assert planned.status_code == 302
    with activate(pair.org.organization):
        assert Session.objects.count() == 2


def test_moving_onto_another_session_warns_but_moving_it_within_itself_does_not(pair):
    first = schedule(pair, pair.mentee)
    second = schedule(pair, pair.mentee, starts_at=first.starts_at + timedelta(hours=3))
    with pytest.raises(ValidationError, match="overlaps another planned session"):
        move(pair, second, pair.mentee, hours=-2.5)
    assert move(pair, second, pair.mentee, hours=0.5).sequence == 1  # overlaps only itself
    assert move(pair, second, pair.mentee, hours=-3, allow_overlap=True).sequence == 2


# ------------------------------------------------------------------ a series


def plan_series(pair, sent, *, zone="Europe/Berlin", count=6, weeks=2):
    """A series the mentee plans on ``zone``'s clock, at 09:00 three weeks from now."""
    day = (timezone.now() + timedelta(days=21)).astimezone(ZoneInfo(zone)).date()
    starts_at = datetime(day.year, day.month, day.day, 9, tzinfo=ZoneInfo(zone))
    mail.outbox.clear()
    with sent(), activate(pair.org.organization):
        return series_plan(
            organization=pair.org.organization,
            actor=pair.mentee,
            mentorship=pair.mentorship,
            starts_at=starts_at,
            interval_weeks=weeks,
            count=count,
            time_zone=zone,
        )


def test_a_series_is_one_repeating_invitation_on_the_planners_clock(pair, sent):
    series = plan_series(pair, sent)
    for user in (pair.mentee, pair.mentor):
        [sent_email] = invitations_to(user)  # one email for the six sessions
        calendar = invitation(sent_email)
        assert calendar["METHOD"] == "REQUEST"
        [event] = calendar.walk("VEVENT")
        assert str(event["UID"]) == f"series-{series.pk}@acme.localhost"
        assert event["RRULE"]["FREQ"] == ["WEEKLY"]
        assert event["RRULE"]["INTERVAL"] == [2]
        assert event["RRULE"]["COUNT"] == [6]
        assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
        start = event.decoded("DTSTART")
        assert (start.hour, start.minute) == (9, 0)
        [vtimezone] = calendar.walk("VTIMEZONE")
        assert str(vtimezone["TZID"]) == "Europe/Berlin"
        assert len(event["ATTENDEE"]) == 2
    with activate(pair.org.organization):
        starts = [s.starts_at for s in Session.objects.filter(series=series)]
    # the occurrences the calendar computes from the rule are the platform's sessions
    rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=start)
    assert [moment.astimezone(UTC) for moment in rule] == sorted(starts)


def test_moving_or_cancelling_one_occurrence_changes_that_occurrence_alone(pair, sent):
    series = plan_series(pair, sent)
    with activate(pair.org.organization):
        second, third = list(Session.objects.filter(series=series).order_by("starts_at"))[1:3]
    mail.outbox.clear()
    with sent():
        move(pair, second, pair.mentor, hours=1)
        cancel(pair, third, pair.mentor)
    moved, cancelled = invitations_to(pair.mentee)
    for sent_email, session, method, sequence in (
        (moved, second, "REQUEST", 1),
        (cancelled, third, "CANCEL", 1),
    ):
        calendar = invitation(sent_email)
        assert calendar["METHOD"] == method
        [event] = calendar.walk("VEVENT")
        assert str(event["UID"]) == f"series-{series.pk}@acme.localhost"  # the series' event
        assert "RRULE" not in event
        assert event["RECURRENCE-ID"].params["TZID"] == "Europe/Berlin"
        assert event.decoded("RECURRENCE-ID") == session.series_start  # which occurrence
        assert event["SEQUENCE"] == sequence
    assert event_of(moved).decoded("DTSTART") == second.starts_at + timedelta(hours=1)
    assert str(event_of(cancelled)["STATUS"]) == "CANCELLED"


@pytest.mark.parametrize(
    "zone", ["Europe/Berlin", "America/Chicago", "America/Santiago", "Asia/Kathmandu"]
)
def test_the_time_zone_definition_gives_the_offsets_of_the_tz_database(zone):
    """Read by ``icalendar`` as a calendar program reads it, the VTIMEZONE gives each
    quarter hour of two years the offset Python's zoneinfo gives. Renamed first: under its
    own name ``icalendar`` would take the zone from its tz database, not from the text."""
    first, last = date(2026, 12, 1), date(2028, 12, 1)
    text = "\r\n".join(ics.timezone_lines(zone, first, last))
    renamed = text.replace(f"TZID:{zone}", f"TZID:Under-test-{zone}")
    definition = icalendar.Timezone.from_ical(renamed).to_tz()
    real = ZoneInfo(zone)
    moment = datetime(2026, 12, 2, tzinfo=UTC)
    while moment.date() < last:
        assert moment.astimezone(definition).utcoffset() == moment.astimezone(real).utcoffset()
        moment += timedelta(minutes=15)
