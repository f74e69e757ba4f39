"""Session pages in the browser: scheduling on each person's own clock, the calendar
invite, the working agreement, the co-created agenda (htmx and plain forms), the prompt
library, logging once, private notes, experiments, and who may see any of it."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mentoring.people.models import Profile
from mentoring.tenancy import activate
from programs.models import EnrollmentSkill, Skill
from sessions import services
from sessions.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Agreement,
    PrivateNote,
    Prompt,
    PromptPhase,
    Session,
    SessionKind,
    SessionStatus,
)
from tests.builders.clients import client_for, signed_in
from tests.builders.pages import ESCAPED_SCRIPT, HTMX, SCRIPT, text
from tests.builders.pair import make_pair, schedule, tomorrow

# ---------------------------------------------------------------- helpers


def set_time_zone(pair, user, zone: str) -> None:
    with activate(pair.org.organization):
        Profile.objects.filter(user=user).update(time_zone=zone)


def add_point(pair, session, text_, actor=None, **kwargs) -> AgendaItem:
    with activate(pair.org.organization):
        return services.agenda_item_add(
            organization=pair.org.organization,
            actor=actor or pair.mentee,
            session=session,
            text=text_,
            **kwargs,
        )


def add_experiment(pair, description="Summarize before answering", owner=None, actor=None):
    with activate(pair.org.organization):
        return services.action_item_add(
            organization=pair.org.organization,
            actor=actor or pair.mentor,
            mentorship=pair.mentorship,
            description=description,
            due_on=timezone.localdate() + timedelta(days=7),
            owner=owner,
        )


def move_to_the_past(pair, session, hours=2) -> Session:
    with activate(pair.org.organization):
        Session.objects.filter(pk=session.pk).update(
            starts_at=timezone.now() - timedelta(hours=hours)
        )
        session.refresh_from_db()
    return session


def log(pair, session, actor=None, **kwargs) -> Session:
    with activate(pair.org.organization):
        arguments = {"status": SessionStatus.HELD, "actual_minutes": 50}
        return services.session_log(
            organization=pair.org.organization,
            actor=actor or pair.mentor,
            session=session,
            **{**arguments, **kwargs},
        )


def reload(pair, row):
    with activate(pair.org.organization):
        return type(row).objects.get(pk=row.pk)


def agenda_texts(pair, session) -> list[str]:
    with activate(pair.org.organization):
        return list(AgendaItem.objects.filter(session=session).values_list("text", flat=True))


def profile_of(pair, user) -> Profile:
    with activate(pair.org.organization):
        return Profile.objects.get(user=user)


def name_of(pair, user) -> str:
    return profile_of(pair, user).display_name


def count_queries(browser, url, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert browser.get(url, **headers).status_code == 200
    return len(queries)


def future_local(days=30, hour=10) -> datetime:
    """A wall time (naive) well in the future, at ``hour`` o'clock."""
    day = timezone.now().date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, 0)


# ---------------------------------------------------------------- scheduling


def test_a_session_is_scheduled_on_my_clock_and_shown_on_the_other_persons(pair):
    set_time_zone(pair, pair.mentee, "Europe/Paris")
    set_time_zone(pair, pair.mentor, "America/New_York")
    wall = future_local(hour=15)
    mentee = signed_in(pair.org, pair.mentee)
    url = f"/mentorships/{pair.mentorship.pk}/sessions/new/"
    page = text(mentee.get(url))
    assert "On your clock (Europe/Paris)" in page

    response = mentee.post(
        url,
        {
            "starts_at": wall.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "45",
            "kind": SessionKind.ROLE_PLAY,
            "location": "Room 4",
        },
    )
    with activate(pair.org.organization):
        session = Session.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/sessions/{session.pk}/"
    paris = wall.replace(tzinfo=ZoneInfo("Europe/Paris"))
    assert session.starts_at == paris
    assert session.duration_minutes == 45 and session.kind == SessionKind.ROLE_PLAY
    new_york = paris.astimezone(ZoneInfo("America/New_York"))

    page = text(mentee.get(f"/sessions/{session.pk}/"))
    assert "Session planned." in page
    assert f"{paris:%H:%M}–{paris + timedelta(minutes=45):%H:%M}" in page
    assert "Europe/Paris" in page and "America/New_York" in page
    assert f"{new_york:%H:%M}–{new_york + timedelta(minutes=45):%H:%M}" in page
    mentor_name = name_of(pair, pair.mentor)
    assert page.index("Your time") < page.index(f"{mentor_name}'s time")

    page = text(signed_in(pair.org, pair.mentor).get(f"/sessions/{session.pk}/"))
    your_time = page.index("Your time")
    assert page.index(f"{new_york:%H:%M}–", your_time) < page.index(f"{paris:%H:%M}–", your_time)


def test_people_on_the_same_clock_see_one_time(pair):
    set_time_zone(pair, pair.mentee, "Europe/Berlin")
    set_time_zone(pair, pair.mentor, "Europe/Paris")  # another name, the same offset
    session = schedule(pair)
    page = text(signed_in(pair.org, pair.mentee).get(f"/sessions/{session.pk}/"))
    assert page.count('class="times__line') == 1
    assert "clock shows the same time" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"starts_at": "2020-01-06T10:00"}, "Choose a time in the future"),
        ({"duration_minutes": "0"}, "A session lasts between 5 minutes and 8 hours."),
        ({"duration_minutes": "600"}, "A session lasts between 5 minutes and 8 hours."),
        ({"duration_minutes": "an hour"}, "Give the duration as a number of minutes."),
        ({"starts_at": ""}, "Choose the date and time."),
        ({"kind": "party"}, "Select a valid choice."),
    ],
)
def test_a_past_time_or_a_bad_duration_is_refused_with_a_message_and_nothing_is_written(
    pair, fields, message
):
    mentee = signed_in(pair.org, pair.mentee)
    data = {
        "starts_at": future_local().strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "60",
        "kind": SessionKind.CHECK_IN,
        "location": "Kept room",
        **fields,
    }
    response = mentee.post(f"/mentorships/{pair.mentorship.pk}/sessions/new/", data)
    assert response.status_code == 200
    page = text(response)
    assert message in page
    assert "error-summary" in page and 'value="Kept room"' in page
    with activate(pair.org.organization):
        assert not Session.objects.exists()


def test_a_time_the_clocks_skip_is_refused(pair):
    set_time_zone(pair, pair.mentee, "Europe/Paris")
    year = timezone.now().year + 1
    # the last Sunday of March, 02:30, does not exist in Paris
    day = max(d for d in range(25, 32) if date(year, 3, d).weekday() == 6)
    response = signed_in(pair.org, pair.mentee).post(
        f"/mentorships/{pair.mentorship.pk}/sessions/new/",
        {"starts_at": f"{year}-03-{day:02d}T02:30", "duration_minutes": "60", "kind": "check_in"},
    )
    assert "the clocks change then" in text(response)
    with activate(pair.org.organization):
        assert not Session.objects.exists()


def test_a_session_is_moved_with_a_note_on_my_clock(pair):
    set_time_zone(pair, pair.mentor, "Asia/Tokyo")
    session = schedule(pair)
    wall = future_local(days=10, hour=9)
    mentor = signed_in(pair.org, pair.mentor)
    page = text(mentor.get(f"/sessions/{session.pk}/"))
    tokyo = session.starts_at.astimezone(ZoneInfo("Asia/Tokyo"))
    assert f'value="{tokyo:%Y-%m-%dT%H:%M}"' in page  # the form starts from the current time
    response = mentor.post(
        f"/sessions/{session.pk}/reschedule/",
        {
            "move-starts_at": wall.strftime("%Y-%m-%dT%H:%M"),
            "move-duration_minutes": "30",
            "move-note": "Board meeting moved",
        },
    )
    assert response.status_code == 302
    session = reload(pair, session)
    assert session.starts_at == wall.replace(tzinfo=ZoneInfo("Asia/Tokyo"))
    assert session.duration_minutes == 30 and session.change_note == "Board meeting moved"
    page = text(signed_in(pair.org, pair.mentee).get(f"/sessions/{session.pk}/"))
    assert "Board meeting moved" in page


def test_moving_a_session_into_the_past_is_refused_and_the_form_stays_open(pair):
    session = schedule(pair)
    before = session.starts_at
    response = signed_in(pair.org, pair.mentee).post(
        f"/sessions/{session.pk}/reschedule/",
        {"move-starts_at": "2021-05-04T10:00", "move-duration_minutes": "60"},
    )
    page = text(response)
    assert response.status_code == 200 and "Choose a time in the future" in page
    assert '<details class="disclosure" id="reschedule" open>' in page
    assert reload(pair, session).starts_at == before


def test_cancelling_needs_a_note_which_the_other_person_reads(pair):
    session = schedule(pair)
    mentee = signed_in(pair.org, pair.mentee)
    response = mentee.post(f"/sessions/{session.pk}/cancel/", {"cancel-note": " "})
    assert response.status_code == 200
    assert "Tell the other person why, in a line." in text(response)
    assert reload(pair, session).status == SessionStatus.PLANNED

    response = mentee.post(f"/sessions/{session.pk}/cancel/", {"cancel-note": "Off sick"})
    assert response.status_code == 302
    assert reload(pair, session).status == SessionStatus.CANCELLED
    page = text(signed_in(pair.org, pair.mentor).get(f"/sessions/{session.pk}/"))
    assert "Why it was cancelled" in page and "Off sick" in page
    assert "Cancel this session" not in page and "Move this session" not in page


def test_an_ended_mentorship_takes_no_new_session(pair):
    from matching import services as matching

    with activate(pair.org.organization):
        matching.mentorship_set_status(
            organization=pair.org.organization,
            actor=pair.org.manager,
            mentorship=pair.mentorship,
            status="completed",
        )
    mentee = signed_in(pair.org, pair.mentee)
    response = mentee.get(f"/mentorships/{pair.mentorship.pk}/sessions/new/")
    assert response.status_code == 302
    section = text(mentee.get(f"/mentorships/{pair.mentorship.pk}/sessions/", **HTMX))
    assert "Plan a session" not in section


# ---------------------------------------------------------------- places


def test_only_http_and_https_addresses_become_links(pair):
    # planning refuses a javascript: address now; one stored before that is still shown
    # as text only
    session = schedule(pair, location="Zoom https://meet.example/abc?x=1&y=2")
    with activate(pair.org.organization):
        Session.objects.filter(pk=session.pk).update(
            location="Zoom https://meet.example/abc?x=1&y=2 or javascript:alert(1)"
        )
    page = text(signed_in(pair.org, pair.mentee).get(f"/sessions/{session.pk}/"))
    assert '<a href="https://meet.example/abc?x=1&amp;y=2" rel="noopener noreferrer">' in page
    assert 'href="javascript' not in page and "javascript:alert(1)" in page

    other = schedule(pair, location='"><img src=x onerror=alert(1)> https://ok.example')
    page = text(signed_in(pair.org, pair.mentee).get(f"/sessions/{other.pk}/"))
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert 'href="https://ok.example"' in page


# ---------------------------------------------------------------- the calendar invite


def unfold(body: str) -> list[str]:
    return body.replace("\r\n ", "").split("\r\n")


def test_the_invite_is_a_calendar_file_in_utc_with_the_agenda(pair):
    set_time_zone(pair, pair.mentee, "Europe/Paris")
    starts_at = future_local(hour=15).replace(tzinfo=ZoneInfo("Europe/Paris"))
    session = schedule(
        pair, starts_at=starts_at, duration_minutes=90, location="Room 4, floor 2; east wing"
    )
    add_point(pair, session, "Retro, Tuesday; the quiet ones\nand the loud ones")
    add_point(pair, session, "Ask for the budget " + "é" * 80)
    response = signed_in(pair.org, pair.mentor).get(f"/sessions/{session.pk}/invite.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert f'filename="mentoring-session-{session.pk}.ics"' in response["Content-Disposition"]
    body = response.content.decode()

    assert body.endswith("\r\n") and "\n" not in body.replace("\r\n", "")
    for line in body.split("\r\n"):
        assert len(line.encode()) <= 75, line
    lines = unfold(body)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and "BEGIN:VEVENT" in lines and "END:VEVENT" in lines
    utc = starts_at.astimezone(ZoneInfo("UTC"))
    assert f"DTSTART:{utc:%Y%m%dT%H%M%S}Z" in lines
    assert f"DTEND:{utc + timedelta(minutes=90):%Y%m%dT%H%M%S}Z" in lines
    assert f"UID:session-{session.pk}@acme.localhost" in lines
    assert "LOCATION:Room 4\\, floor 2\\; east wing" in lines
    assert any(line.startswith("SUMMARY:Mentoring (regular check-in): Mentor") for line in lines)
    description = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert "Agenda:\\n1. Retro\\, Tuesday\\; the quiet ones\\nand the loud ones\\n2. Ask" in (
        description
    )
    assert "é" * 80 in description
    assert f"http://acme.localhost/sessions/{session.pk}/" in description
    assert "STATUS:CONFIRMED" in lines

    # the same session keeps its UID; a cancelled one says so
    with activate(pair.org.organization):
        services.session_cancel(
            organization=pair.org.organization, actor=pair.mentee, session=session, note="Ill"
        )
    again = unfold(
        signed_in(pair.org, pair.mentee).get(f"/sessions/{session.pk}/invite.ics").content.decode()
    )
    assert f"UID:session-{session.pk}@acme.localhost" in again and "STATUS:CANCELLED" in again


# ---------------------------------------------------------------- the agreement

AGREEMENT = {
    "goals": "Speak up once in every planning meeting",
    "cadence": "An hour every two weeks, by video",
    "confidentiality": "Nothing leaves this room without asking",
    "mentee_feedback_style": "Straight away, in private",
    "mentor_feedback_style": "Written, the next day",
}


def test_the_agreement_is_written_then_confirmed_by_both(pair):
    url = f"/mentorships/{pair.mentorship.pk}/agreement/"
    mentee = signed_in(pair.org, pair.mentee)
    page = text(mentee.get(url))
    assert "Write the agreement" in page and "I confirm" not in page
    assert f"How {name_of(pair, pair.mentee)} (you) likes to receive feedback" in page
    assert f"How {name_of(pair, pair.mentor)} likes to receive feedback" in page

    response = mentee.post(url, {**AGREEMENT, "cadence": " "})
    assert response.status_code == 200
    assert "Agree on this too, even in a few words." in text(response)
    assert AGREEMENT["goals"] in text(response)  # what was typed stays

    response = mentee.post(url, AGREEMENT)
    assert response.status_code == 302 and response["Location"] == f"{url}#confirmations"
    page = text(mentee.get(url))
    assert "Agreement saved. Confirm it below" in page
    assert AGREEMENT["cadence"] in page and page.count("Not confirmed yet") == 2

    mentee.post(f"{url}confirm/")
    page = text(mentee.get(url))
    assert "still needs to confirm it" in page
    assert "I confirm this agreement" not in page and page.count("Not confirmed yet") == 1

    mentor = signed_in(pair.org, pair.mentor)
    mentor.post(f"{url}confirm/")
    page = text(mentor.get(url))
    assert "You have both agreed how you will work." in page
    assert "You both confirmed this agreement." in page
    with activate(pair.org.organization):
        assert Agreement.objects.get().is_confirmed


def test_changing_the_agreement_clears_both_confirmations_and_says_so(pair):
    url = f"/mentorships/{pair.mentorship.pk}/agreement/"
    mentee, mentor = signed_in(pair.org, pair.mentee), signed_in(pair.org, pair.mentor)
    mentee.post(url, AGREEMENT)
    mentee.post(f"{url}confirm/")
    mentor.post(f"{url}confirm/")

    page = text(mentor.get(url))
    assert "Saving a change clears both confirmations" in page
    # sending it back unchanged keeps the confirmations
    mentor.post(url, AGREEMENT)
    assert "Nothing changed" in text(mentor.get(url))
    with activate(pair.org.organization):
        assert Agreement.objects.get().is_confirmed

    mentor.post(url, {**AGREEMENT, "cadence": "Weekly, 30 minutes"})
    page = text(mentor.get(url))
    assert "the earlier confirmations were cleared" in page
    assert page.count("Not confirmed yet") == 2
    with activate(pair.org.organization):
        agreement = Agreement.objects.get()
    assert agreement.cadence == "Weekly, 30 minutes"
    assert agreement.mentee_confirmed_at is None and agreement.mentor_confirmed_at is None


def test_confirming_before_anything_is_written_explains_what_to_do(pair):
    url = f"/mentorships/{pair.mentorship.pk}/agreement/"
    response = signed_in(pair.org, pair.mentee).post(f"{url}confirm/", follow=True)
    assert "Write the agreement together first" in text(response)
    with activate(pair.org.organization):
        assert not Agreement.objects.exists()


# ---------------------------------------------------------------- the agenda


def agenda_url(session, suffix=""):
    return f"/sessions/{session.pk}/agenda/{suffix}"


def test_a_point_is_added_with_htmx_and_the_agenda_partial_comes_back(pair):
    session = schedule(pair)
    mentee = signed_in(pair.org, pair.mentee)
    response = mentee.post(agenda_url(session, "add/"), {"text": "The Tuesday retro"}, **HTMX)
    assert response.status_code == 200
    partial = text(response)
    assert "<html" not in partial and '<ol class="agenda">' in partial
    assert "The Tuesday retro" in partial and "Added by you" in partial
    assert 'id="agenda-status" hx-swap-oob="innerHTML">Point added.' in partial
    assert agenda_texts(pair, session) == ["The Tuesday retro"]

    partial = text(mentee.post(agenda_url(session, "add/"), {"text": "  "}, **HTMX))
    assert "Write the point, or pick a prompt." in partial
    assert agenda_texts(pair, session) == ["The Tuesday retro"]

    page = text(signed_in(pair.org, pair.mentor).get(f"/sessions/{session.pk}/"))
    assert "The Tuesday retro" in page and f"Added by {name_of(pair, pair.mentee)}" in page


def test_a_point_is_added_without_javascript_and_the_page_comes_back(pair):
    session = schedule(pair)
    mentee = signed_in(pair.org, pair.mentee)
    response = mentee.post(agenda_url(session, "add/"), {"text": "The Tuesday retro"})
    assert response.status_code == 302
    assert response["Location"] == f"/sessions/{session.pk}/#agenda"
    long_text = "x" * 601
    response = mentee.post(agenda_url(session, "add/"), {"text": long_text})
    page = text(response)
    assert response.status_code == 200 and "<html" in page
    assert "Keep an agenda point under 600 characters." in page
    assert f'value="{long_text}"' in page
    assert agenda_texts(pair, session) == ["The Tuesday retro"]


def test_a_point_is_edited_inline_with_htmx_and_without(pair):
    session = schedule(pair)
    point = add_point(pair, session, "Retro")
    mentor = signed_in(pair.org, pair.mentor)

    partial = text(mentor.get(agenda_url(session, f"?edit={point.pk}"), **HTMX))
    assert f'id="agenda-{point.pk}-text"' in partial and 'value="Retro"' in partial
    assert "autofocus" in partial
    response = mentor.post(
        agenda_url(session, f"{point.pk}/edit/"), {"text": "The Tuesday retro"}, **HTMX
    )
    assert "The Tuesday retro" in text(response) and "Point saved." in text(response)
    assert f'id="agenda-{point.pk}-edit" autofocus' in text(response)  # focus comes back
    assert agenda_texts(pair, session) == ["The Tuesday retro"]

    refused = text(mentor.post(agenda_url(session, f"{point.pk}/edit/"), {"text": ""}, **HTMX))
    assert "An agenda point has 1 to 600 characters." in refused
    assert f'id="agenda-{point.pk}-text"' in refused  # still editing

    # without JavaScript: the edit link opens the page with the point in a form
    assert mentor.get(agenda_url(session, f"?edit={point.pk}"))["Location"] == (
        f"/sessions/{session.pk}/?edit={point.pk}#agenda"
    )
    page = text(mentor.get(f"/sessions/{session.pk}/?edit={point.pk}"))
    assert f'action="/sessions/{session.pk}/agenda/{point.pk}/edit/"' in page
    response = mentor.post(agenda_url(session, f"{point.pk}/edit/"), {"text": "Wednesday retro"})
    assert response.status_code == 302
    assert agenda_texts(pair, session) == ["Wednesday retro"]


def test_points_move_up_and_down_with_htmx_and_without(pair):
    session = schedule(pair)
    first, second, third = (add_point(pair, session, name) for name in ("One", "Two", "Three"))
    mentee = signed_in(pair.org, pair.mentee)

    partial = text(
        mentee.post(agenda_url(session, f"{third.pk}/move/"), {"direction": "up"}, **HTMX)
    )
    assert agenda_texts(pair, session) == ["One", "Three", "Two"]
    assert partial.index("Three") < partial.index("Two") and "Point moved up." in partial

    response = mentee.post(agenda_url(session, f"{first.pk}/move/"), {"direction": "down"})
    assert response.status_code == 302
    assert agenda_texts(pair, session) == ["Three", "One", "Two"]
    # the first point cannot go higher, and its button says so
    mentee.post(agenda_url(session, f"{third.pk}/move/"), {"direction": "up"})
    assert agenda_texts(pair, session) == ["Three", "One", "Two"]
    page = text(mentee.get(f"/sessions/{session.pk}/"))
    assert re.search(rf'id="agenda-{third.pk}-up" disabled', page)
    assert re.search(rf'id="agenda-{second.pk}-down" disabled', page)


def test_a_point_is_removed_with_htmx_and_without(pair):
    session = schedule(pair)
    first, second = add_point(pair, session, "One"), add_point(pair, session, "Two")
    mentor = signed_in(pair.org, pair.mentor)
    partial = text(mentor.post(agenda_url(session, f"{first.pk}/remove/"), **HTMX))
    assert "Point removed." in partial and ">One<" not in partial
    assert re.search(r'<input[^>]*autofocus[^>]*id="agenda-new-text"', partial)
    assert mentor.post(agenda_url(session, f"{second.pk}/remove/")).status_code == 302
    assert agenda_texts(pair, session) == []
    assert "No point yet." in text(mentor.get(f"/sessions/{session.pk}/"))


def test_a_logged_sessions_agenda_is_read_only_and_says_why(pair):
    session = schedule(pair)
    point = add_point(pair, session, "Retro")
    move_to_the_past(pair, session)
    log(pair, session, covered_item_ids=[point.pk])
    mentee = signed_in(pair.org, pair.mentee)
    page = text(mentee.get(f"/sessions/{session.pk}/"))
    assert "This session is logged: its agenda is now the record" in page
    assert "Covered" in page
    assert "/agenda/add/" not in page and "/remove/" not in page and "prompt library" not in page

    partial = text(mentee.post(agenda_url(session, "add/"), {"text": "Late point"}, **HTMX))
    assert "already logged as held" in partial
    response = mentee.post(agenda_url(session, f"{point.pk}/remove/"), follow=True)
    assert "already logged as held" in text(response)
    response = mentee.post(agenda_url(session, f"{point.pk}/edit/"), {"text": "Changed"})
    assert "already logged as held" in text(response)
    assert agenda_texts(pair, session) == ["Retro"]


# ---------------------------------------------------------------- the prompt library


def prompt_texts(page: str) -> set[str]:
    return set(re.findall(r'<p class="prompt__text">(.*?)</p>', page))


def test_the_prompt_picker_offers_the_mentees_focus_skills_and_the_session_kind(pair):
    org = pair.org.organization
    with activate(org):
        focus = EnrollmentSkill.objects.get(enrollment=pair.mentorship.mentee).skill
        other_skill = Skill.objects.exclude(pk=focus.pk).first()
        Prompt.objects.all().delete()
        make = lambda text_, phase, skill=None, active=True: Prompt.objects.create(  # noqa: E731
            organization=org, text=text_, phase=phase, skill=skill, is_active=active
        )
        make("First, any skill", PromptPhase.FIRST_SESSION)
        make("Check-in, any skill", PromptPhase.CHECK_IN)
        make("Check-in, focus skill", PromptPhase.CHECK_IN, focus)
        make("Check-in, other skill", PromptPhase.CHECK_IN, other_skill)
        make("Check-in, switched off", PromptPhase.CHECK_IN, active=False)
        make("Role-play, any skill", PromptPhase.ROLE_PLAY)
        make("Debrief, focus skill", PromptPhase.DEBRIEF, focus)
    mentee = signed_in(pair.org, pair.mentee)

    first = schedule(pair, kind=SessionKind.CHECK_IN)
    assert prompt_texts(text(mentee.get(f"/sessions/{first.pk}/"))) == {"First, any skill"}

    check_in = schedule(pair, starts_at=tomorrow() + timedelta(days=7))
    page = text(mentee.get(f"/sessions/{check_in.pk}/"))
    assert prompt_texts(page) == {"Check-in, focus skill", "Check-in, any skill"}
    assert page.index("Check-in, focus skill") < page.index("Check-in, any skill")
    assert focus.name in page

    role_play = schedule(pair, starts_at=tomorrow() + timedelta(days=8), kind="role_play")
    assert prompt_texts(text(mentee.get(f"/sessions/{role_play.pk}/"))) == {"Role-play, any skill"}
    debrief = schedule(pair, starts_at=tomorrow() + timedelta(days=9), kind="debrief")
    assert prompt_texts(text(mentee.get(f"/sessions/{debrief.pk}/"))) == {"Debrief, focus skill"}


def test_a_first_session_cancelled_leaves_the_next_one_first(pair):
    first = schedule(pair)
    second = schedule(pair, starts_at=tomorrow() + timedelta(days=7))
    with activate(pair.org.organization):
        services.session_cancel(
            organization=pair.org.organization, actor=pair.mentee, session=first, note="Ill"
        )
    page = text(signed_in(pair.org, pair.mentee).get(f"/sessions/{second.pk}/"))
    assert "First session" in page and "Open your working agreement" in page


def test_a_prompt_picked_from_the_library_joins_the_agenda(pair):
    session = schedule(pair)
    with activate(pair.org.organization):
        prompt = Prompt.objects.filter(phase=PromptPhase.FIRST_SESSION, is_active=True).first()
    mentee = signed_in(pair.org, pair.mentee)
    partial = text(mentee.post(agenda_url(session, "add/"), {"prompt": prompt.pk}, **HTMX))
    assert "Prompt added to the agenda." in partial and "From the library" in partial
    assert '<details class="picker" id="prompt-picker" open>' in partial
    assert "On the agenda" in partial and f'id="prompt-{prompt.pk}-add"' not in partial
    with activate(pair.org.organization):
        item = AgendaItem.objects.get()
    assert item.prompt_id == prompt.pk and item.text == prompt.text

    response = mentee.post(agenda_url(session, "add/"), {"prompt": "999999"})
    assert "That prompt is no longer in the library." in text(response)


def test_open_experiments_come_back_as_follow_up_points(pair):
    add_experiment(pair, "Ask one open question in planning")
    session = schedule(pair)
    page = text(signed_in(pair.org, pair.mentee).get(f"/sessions/{session.pk}/"))
    assert "Follow up: Ask one open question in planning" in page
    assert "agenda__item--follow-up" in page and "Follow-up</span> of an open experiment" in page


# ---------------------------------------------------------------- logging


def log_data(**fields):
    return {
        "status": SessionStatus.HELD,
        "actual_minutes": "55",
        "shared_notes": "We went through the retro.",
        "real_situations": "The Tuesday retro",
        "private_note": "",
        **fields,
    }


def test_the_log_records_everything_once_and_the_pair_sees_the_shared_part(pair):
    session = schedule(pair)
    covered, skipped = add_point(pair, session, "Retro"), add_point(pair, session, "Budget")
    move_to_the_past(pair, session)
    mentor = signed_in(pair.org, pair.mentor)
    page = text(mentor.get(f"/sessions/{session.pk}/"))
    assert f'href="/sessions/{session.pk}/log/"' in page
    form = text(mentor.get(f"/sessions/{session.pk}/log/"))
    assert "My private note (only I will ever see it)" in form
    assert "not program managers, not HR: only you" in form
    due = timezone.localdate() + timedelta(days=10)
    response = mentor.post(
        f"/sessions/{session.pk}/log/",
        log_data(
            covered=[covered.pk],
            private_note="Seemed tired; ask about workload",
            experiment_1_description="Summarize before answering, twice",
            experiment_1_owner="other",
            experiment_1_due_on=due.isoformat(),
            experiment_2_description="Share my own retro notes",
            experiment_2_owner="me",
            experiment_2_due_on=due.isoformat(),
        ),
    )
    assert response.status_code == 302 and response["Location"] == f"/sessions/{session.pk}/"
    session = reload(pair, session)
    assert session.status == SessionStatus.HELD and session.actual_minutes == 55
    with activate(pair.org.organization):
        assert AgendaItem.objects.get(pk=covered.pk).is_covered
        assert not AgendaItem.objects.get(pk=skipped.pk).is_covered
        owners = dict(ActionItem.objects.values_list("description", "owner__user"))
    assert owners == {
        "Summarize before answering, twice": pair.mentee.pk,
        "Share my own retro notes": pair.mentor.pk,
    }

    for browser in (mentor, signed_in(pair.org, pair.mentee)):
        page = text(browser.get(f"/sessions/{session.pk}/"))
        assert "We went through the retro." in page and "The Tuesday retro" in page
        assert "1 of 2 points covered" in page
        assert "Summarize before answering, twice" in page


def test_a_double_submit_says_already_logged_and_duplicates_nothing(pair):
    session = move_to_the_past(pair, schedule(pair))
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    data = log_data(experiment_1_description="Try it", experiment_1_due_on=due)
    mentor = signed_in(pair.org, pair.mentor)
    assert mentor.post(f"/sessions/{session.pk}/log/", data).status_code == 302
    response = mentor.post(f"/sessions/{session.pk}/log/", data, follow=True)
    assert "already logged (as held, by you)" in text(response)
    response = signed_in(pair.org, pair.mentee).post(f"/sessions/{session.pk}/log/", data)
    assert response.status_code == 302
    with activate(pair.org.organization):
        assert ActionItem.objects.count() == 1
    assert reload(pair, session).logged_by_id == profile_of(pair, pair.mentor).pk


def test_a_megabyte_of_notes_gets_the_services_message_and_keeps_what_was_typed(pair):
    session = move_to_the_past(pair, schedule(pair))
    notes = "Long notes " + "x" * 1_000_000
    response = signed_in(pair.org, pair.mentor).post(
        f"/sessions/{session.pk}/log/", log_data(shared_notes=notes, real_situations="Kept")
    )
    assert response.status_code == 200
    page = text(response)
    assert "Keep it under 20,000 characters" in page
    assert notes in page and ">\nKept</textarea>" in page
    assert reload(pair, session).status == SessionStatus.PLANNED


def test_the_log_refuses_a_held_session_without_minutes_or_an_experiment_without_a_date(pair):
    session = move_to_the_past(pair, schedule(pair))
    mentor = signed_in(pair.org, pair.mentor)
    page = text(mentor.post(f"/sessions/{session.pk}/log/", log_data(actual_minutes="")))
    assert "How long did it last, in minutes (1 to 480)?" in page
    page = text(
        mentor.post(f"/sessions/{session.pk}/log/", log_data(experiment_2_description="Try"))
    )
    assert "By when? Give the experiment a date." in page
    page = text(
        mentor.post(
            f"/sessions/{session.pk}/log/",
            log_data(experiment_1_description="Try", experiment_1_due_on="2020-01-01"),
        )
    )
    assert "Choose a due date from today on." in page
    assert reload(pair, session).status == SessionStatus.PLANNED
    with activate(pair.org.organization):
        assert not ActionItem.objects.exists()


def test_a_session_that_has_not_happened_cannot_be_logged_as_held(pair):
    session = schedule(pair, starts_at=timezone.now() + timedelta(days=3))
    mentee = signed_in(pair.org, pair.mentee)
    page = text(mentee.get(f"/sessions/{session.pk}/"))
    assert "Log this session" not in page and "from an hour before it starts" in page
    response = mentee.post(f"/sessions/{session.pk}/log/", log_data())
    assert "This session has not happened yet: log it afterwards." in text(response)
    # a cancellation can be logged ahead
    response = mentee.post(
        f"/sessions/{session.pk}/log/", log_data(status="cancelled", actual_minutes="")
    )
    assert response.status_code == 302
    assert reload(pair, session).status == SessionStatus.CANCELLED


# ---------------------------------------------------------------- private notes


def test_a_private_note_is_shown_only_to_its_author(pair):
    session = move_to_the_past(pair, schedule(pair))
    mentor = signed_in(pair.org, pair.mentor)
    mentor.post(
        f"/sessions/{session.pk}/log/", log_data(private_note="MENTOR-PRIVATE seemed tired")
    )
    mentee = signed_in(pair.org, pair.mentee)
    mentee.post(f"/sessions/{session.pk}/private-note/", {"private-text": "MENTEE-PRIVATE nervous"})

    mentor_page = text(mentor.get(f"/sessions/{session.pk}/"))
    assert "MENTOR-PRIVATE seemed tired" in mentor_page and "MENTEE-PRIVATE" not in mentor_page
    mentee_page = text(mentee.get(f"/sessions/{session.pk}/"))
    assert "MENTEE-PRIVATE nervous" in mentee_page and "MENTOR-PRIVATE" not in mentee_page
    assert f"Only you see this note: not {name_of(pair, pair.mentor)}" in mentee_page

    manager = signed_in(pair.org, pair.org.manager)
    for url in (
        f"/sessions/{session.pk}/",
        f"/sessions/{session.pk}/log/",
        f"/mentorships/{pair.mentorship.pk}/sessions/",
        "/",
    ):
        response = manager.get(url)
        assert "PRIVATE" not in text(response), url
    admin = text(manager.get("/admin/", follow=True))
    assert "PRIVATE" not in admin
    with activate(pair.org.organization):
        assert PrivateNote.objects.count() == 2


def test_a_private_note_is_saved_changed_and_deleted_by_its_author(pair):
    session = schedule(pair)
    mentee = signed_in(pair.org, pair.mentee)
    url = f"/sessions/{session.pk}/private-note/"
    response = mentee.post(url, {"private-text": "Prep: the retro"})
    assert response["Location"] == f"/sessions/{session.pk}/#private-note"
    assert "Prep: the retro" in text(mentee.get(f"/sessions/{session.pk}/"))
    page = text(mentee.post(url, {"private-text": "y" * 20_001}))
    assert "Keep it under 20,000 characters" in page
    mentee.post(url, {"private-text": ""})
    with activate(pair.org.organization):
        assert not PrivateNote.objects.exists()


# ---------------------------------------------------------------- experiments


def test_the_owner_marks_an_experiment_done_and_both_read_the_reflection(pair):
    item = add_experiment(pair, "Ask one open question in planning")
    url = f"/mentorships/{pair.mentorship.pk}/experiments/"
    mentor, mentee = signed_in(pair.org, pair.mentor), signed_in(pair.org, pair.mentee)

    page = text(mentor.get(url))
    assert "Ask one open question in planning" in page
    assert f"Waiting for {name_of(pair, pair.mentee)}" in page and "Mark done" not in page
    assert "What happened when you tried it?" in text(mentee.get(url))

    response = mentee.post(f"{url}{item.pk}/done/", {f"done-{item.pk}-reflection": " "})
    assert response.status_code == 200
    assert "What happened when you tried it? A line is enough." in text(response)
    assert reload(pair, item).status == ActionStatus.OPEN

    response = mentor.post(f"{url}{item.pk}/done/", {f"done-{item.pk}-reflection": "I did it"})
    assert "Only the owner of this experiment can mark it done." in text(response)

    reflection = "Two people answered who never speak; the meeting ran five minutes longer."
    response = mentee.post(f"{url}{item.pk}/done/", {f"done-{item.pk}-reflection": reflection})
    assert response.status_code == 302
    item = reload(pair, item)
    assert item.status == ActionStatus.DONE and item.reflection == reflection
    for browser in (mentor, mentee):
        page = text(browser.get(url))
        assert "Done (1)" in page and reflection in page and "To try (0)" in page


def test_an_experiment_is_added_or_dropped_from_the_experiments_page(pair):
    url = f"/mentorships/{pair.mentorship.pk}/experiments/"
    mentor = signed_in(pair.org, pair.mentor)
    page = text(mentor.post(f"{url}new/", {"new-description": "", "new-owner": "other"}))
    assert "Describe the experiment" in page
    due = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = mentor.post(
        f"{url}new/",
        {"new-description": "Name the feeling", "new-owner": "other", "new-due_on": due},
    )
    assert response.status_code == 302
    with activate(pair.org.organization):
        item = ActionItem.objects.select_related("owner").get()
    assert item.owner.user_id == pair.mentee.pk
    mentor.post(f"{url}{item.pk}/drop/")
    assert reload(pair, item).status == ActionStatus.DROPPED
    page = text(mentor.get(url))
    assert "Set aside (1)" in page and "To try (0)" in page


def test_the_mentorship_page_gathers_sessions_agreement_and_open_experiments(pair):
    add_experiment(pair, "Ask one open question")
    past = move_to_the_past(pair, schedule(pair), hours=30)
    log(pair, past)
    waiting = move_to_the_past(pair, schedule(pair), hours=3)
    coming = schedule(pair, starts_at=tomorrow() + timedelta(days=2))
    mentee = signed_in(pair.org, pair.mentee)

    page = text(mentee.get(f"/mentorships/{pair.mentorship.pk}/"))
    assert f'hx-get="/mentorships/{pair.mentorship.pk}/sessions/"' in page
    assert f'href="/mentorships/{pair.mentorship.pk}/sessions/"' in page  # without JavaScript

    section = text(mentee.get(f"/mentorships/{pair.mentorship.pk}/sessions/", **HTMX))
    assert "<html" not in section and 'id="sessions"' in section
    assert f'href="/mentorships/{pair.mentorship.pk}/sessions/new/"' in section
    assert f'href="/mentorships/{pair.mentorship.pk}/agreement/"' in section
    assert "Write the agreement" in section
    assert f'href="/mentorships/{pair.mentorship.pk}/experiments/"' in section
    assert "Ask one open question" in section and "Open experiments (1)" in section
    order = [section.index(f'href="/sessions/{s.pk}/"') for s in (waiting, coming, past)]
    assert order == sorted(order)
    assert f'href="/sessions/{waiting.pk}/log/"' in section

    full = text(mentee.get(f"/mentorships/{pair.mentorship.pk}/sessions/"))
    assert "<html" in full and f'href="/sessions/{coming.pk}/"' in full


# ---------------------------------------------------------------- markup stays text


def test_markup_in_points_notes_places_and_experiments_is_shown_as_text(pair):
    with activate(pair.org.organization):
        Profile.objects.filter(user=pair.mentee).update(display_name="<b>Mallory</b>")
    session = schedule(pair, location=SCRIPT)
    mentee = signed_in(pair.org, pair.mentee)
    mentee.post(agenda_url(session, "add/"), {"text": SCRIPT})
    mentee.post(f"/sessions/{session.pk}/private-note/", {"private-text": SCRIPT})
    url = f"/mentorships/{pair.mentorship.pk}/agreement/"
    mentee.post(url, {name: SCRIPT for name in AGREEMENT})
    move_to_the_past(pair, session)
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    mentee.post(
        f"/sessions/{session.pk}/log/",
        log_data(
            shared_notes=SCRIPT,
            real_situations=SCRIPT,
            experiment_1_description=SCRIPT,
            experiment_1_due_on=due,
        ),
    )
    with activate(pair.org.organization):
        item = ActionItem.objects.get()
        assert Session.objects.get().status == SessionStatus.HELD
    mentee.post(
        f"/mentorships/{pair.mentorship.pk}/experiments/{item.pk}/done/",
        {f"done-{item.pk}-reflection": SCRIPT},
    )
    mentor = signed_in(pair.org, pair.mentor)
    sessions_list = f"/mentorships/{pair.mentorship.pk}/sessions/"
    shows_their_text = {
        f"/sessions/{session.pk}/": True,
        url: True,
        f"/mentorships/{pair.mentorship.pk}/experiments/": True,
        sessions_list: False,  # dates, kinds and counts only (the experiment is done)
    }
    for browser in (mentee, mentor):
        for page_url, shown in shows_their_text.items():
            page = text(browser.get(page_url))
            assert "<script>alert" not in page and "<b>Mallory" not in page, page_url
            assert (ESCAPED_SCRIPT in page) is shown, page_url
    assert "Sessions with &lt;b&gt;Mallory&lt;/b&gt;" in text(mentor.get(sessions_list))
    partial = text(mentee.get(agenda_url(session), **HTMX))
    assert "<script>alert" not in partial and ESCAPED_SCRIPT in partial


# ---------------------------------------------------------------- who may see it


def every_url(pair, session, point, item) -> list[tuple[str, str, dict]]:
    m = pair.mentorship.pk
    return [
        ("get", f"/mentorships/{m}/sessions/", {}),
        ("get", f"/mentorships/{m}/sessions/new/", {}),
        ("post", f"/mentorships/{m}/sessions/new/", {"starts_at": "2040-01-01T10:00"}),
        ("get", f"/mentorships/{m}/agreement/", {}),
        ("post", f"/mentorships/{m}/agreement/", AGREEMENT),
        ("post", f"/mentorships/{m}/agreement/confirm/", {}),
        ("get", f"/mentorships/{m}/experiments/", {}),
        ("post", f"/mentorships/{m}/experiments/new/", {"new-description": "x"}),
        ("post", f"/mentorships/{m}/experiments/{item.pk}/done/", {}),
        ("post", f"/mentorships/{m}/experiments/{item.pk}/drop/", {}),
        ("get", f"/sessions/{session.pk}/", {}),
        ("get", f"/sessions/{session.pk}/invite.ics", {}),
        ("post", f"/sessions/{session.pk}/reschedule/", {}),
        ("post", f"/sessions/{session.pk}/cancel/", {"cancel-note": "No"}),
        ("get", f"/sessions/{session.pk}/log/", {}),
        ("post", f"/sessions/{session.pk}/log/", log_data(status="cancelled")),
        ("post", f"/sessions/{session.pk}/private-note/", {"private-text": "Mine"}),
        ("get", f"/sessions/{session.pk}/agenda/", {}),
        ("post", f"/sessions/{session.pk}/agenda/add/", {"text": "Intruder"}),
        ("post", f"/sessions/{session.pk}/agenda/{point.pk}/edit/", {"text": "Intruder"}),
        ("post", f"/sessions/{session.pk}/agenda/{point.pk}/move/", {"direction": "up"}),
        ("post", f"/sessions/{session.pk}/agenda/{point.pk}/remove/", {}),
    ]


def nothing_changed(pair, session, point, item) -> None:
    with activate(pair.org.organization):
        assert Session.objects.filter(mentorship=pair.mentorship).count() == 1
        assert reload(pair, session).status == SessionStatus.PLANNED
        assert agenda_texts(pair, session) == ["Retro"]
        assert reload(pair, item).status == ActionStatus.OPEN
        assert not Agreement.objects.exists() and not PrivateNote.objects.exists()
        assert ActionItem.objects.count() == 1


@pytest.fixture
def busy_pair(pair):
    item = add_experiment(pair, "Ask one open question")
    session = schedule(pair)
    with activate(pair.org.organization):
        AgendaItem.objects.filter(session=session).delete()
    point = add_point(pair, session, "Retro")
    return pair, session, point, item


@pytest.mark.parametrize("who", ["other mentee", "other mentor", "manager", "hr"])
def test_every_page_and_endpoint_is_a_404_for_anyone_but_the_two_people(busy_pair, who):
    pair, session, point, item = busy_pair
    org = pair.org
    others = {
        "other mentee": next(u for u in org.mentees if u.pk != pair.mentee.pk),
        "other mentor": next(u for u in org.mentors if u.pk != pair.mentor.pk),
        "manager": org.manager,
        "hr": org.hr,
    }
    browser = signed_in(org, others[who])
    for method, url, data in every_url(pair, session, point, item):
        assert getattr(browser, method)(url, data).status_code == 404, (method, url)
        assert getattr(browser, method)(url, data, **HTMX).status_code == 404, (method, url)
    nothing_changed(pair, session, point, item)


def test_anonymous_visitors_are_sent_to_sign_in(busy_pair):
    pair, session, point, item = busy_pair
    browser = client_for(Client(), pair.org.organization)
    for method, url, data in every_url(pair, session, point, item):
        response = getattr(browser, method)(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url
    nothing_changed(pair, session, point, item)


def test_the_other_organizations_pairs_are_404_and_never_shown(world):
    acme, globex = make_pair(world.acme), make_pair(world.globex)
    for pair in (acme, globex):
        with activate(pair.org.organization):
            services.agreement_save(
                organization=pair.org.organization,
                actor=pair.mentee,
                mentorship=pair.mentorship,
                **{name: f"{value} {pair.org.sentinel}" for name, value in AGREEMENT.items()},
            )
        add_experiment(pair, f"Experiment {pair.org.sentinel}")
        session = schedule(pair, location=f"Room {pair.org.sentinel}")
        add_point(pair, session, f"Point {pair.org.sentinel}")
    with activate(globex.org.organization):
        g_session = Session.objects.get()
        g_point = AgendaItem.objects.filter(session=g_session).last()
        g_item = ActionItem.objects.get()
    with activate(acme.org.organization):
        a_session = Session.objects.get()

    for user in (acme.mentee, acme.mentor):
        browser = signed_in(acme.org, user)
        for url, headers in (
            (f"/sessions/{a_session.pk}/", {}),
            (f"/sessions/{a_session.pk}/agenda/", HTMX),
            (f"/sessions/{a_session.pk}/invite.ics", {}),
            (f"/mentorships/{acme.mentorship.pk}/", {}),
            (f"/mentorships/{acme.mentorship.pk}/sessions/", {}),
            (f"/mentorships/{acme.mentorship.pk}/sessions/", HTMX),
            (f"/mentorships/{acme.mentorship.pk}/sessions/new/", {}),
            (f"/mentorships/{acme.mentorship.pk}/agreement/", {}),
            (f"/mentorships/{acme.mentorship.pk}/experiments/", {}),
        ):
            response = browser.get(url, **headers)
            assert response.status_code == 200, url
            assert globex.org.sentinel not in text(response), url
            assert "globex" not in text(response).lower(), url
        for method, url, data in every_url(globex, g_session, g_point, g_item):
            assert getattr(browser, method)(url, data).status_code == 404, (method, url)
    with activate(globex.org.organization):
        assert agenda_texts(globex, g_session) == [
            f"Follow up: Experiment {globex.org.sentinel}",
            f"Point {globex.org.sentinel}",
        ]
        assert reload(globex, g_session).status == SessionStatus.PLANNED
        assert reload(globex, g_item).status == ActionStatus.OPEN


# ---------------------------------------------------------------- query counts

# middleware (organization, user, membership), then the page's own reads
# session with the pair and the first-session flag, agenda, prompts, my note, experiments,
# and the visit recorded (agenda points added after it are news: test_live_agenda.py)
SESSION_PAGE_QUERIES = 10
AGENDA_QUERIES = 7  # session with the pair and first-session flag, agenda, prompts
PAIR_SESSIONS_QUERIES = 9  # pair, sessions with point counts, agreement, experiments, place
MENTORSHIP_PAGE_QUERIES = 8  # matching's own reads: the sessions section loads separately
EXPERIMENTS_QUERIES = 6  # pair, experiments with their sessions


def test_the_session_page_costs_the_same_for_2_or_12_agenda_points(pair, django_assert_num_queries):
    session = schedule(pair)
    for number in range(2):
        add_point(pair, session, f"Point {number}")
    mentee = signed_in(pair.org, pair.mentee)
    url = f"/sessions/{session.pk}/"
    with django_assert_num_queries(SESSION_PAGE_QUERIES):
        mentee.get(url)
    two = count_queries(mentee, url)
    two_partial = count_queries(mentee, agenda_url(session), **HTMX)
    for number in range(2, 12):
        add_point(pair, session, f"Point {number}", actor=pair.mentor)
    with django_assert_num_queries(SESSION_PAGE_QUERIES):
        page = text(mentee.get(url))
    assert page.count('class="agenda__item') == 12
    assert count_queries(mentee, url) == two
    with django_assert_num_queries(AGENDA_QUERIES):
        mentee.get(agenda_url(session), **HTMX)
    assert count_queries(mentee, agenda_url(session), **HTMX) == two_partial


def test_the_sessions_section_costs_the_same_for_1_or_8_sessions(pair, django_assert_num_queries):
    add_experiment(pair)
    schedule(pair)
    mentee = signed_in(pair.org, pair.mentee)
    url = f"/mentorships/{pair.mentorship.pk}/sessions/"
    with django_assert_num_queries(PAIR_SESSIONS_QUERIES):
        mentee.get(url, **HTMX)
    one = count_queries(mentee, url, **HTMX)
    mentorship_page = count_queries(mentee, f"/mentorships/{pair.mentorship.pk}/")
    for number in range(7):
        session = schedule(pair, starts_at=tomorrow() + timedelta(days=number + 1))
        if number % 2:
            log(pair, move_to_the_past(pair, session, hours=24 * (number + 1)))
        add_experiment(pair, f"Experiment {number}")
    with django_assert_num_queries(PAIR_SESSIONS_QUERIES):
        section = text(mentee.get(url, **HTMX))
    assert section.count('class="session-row"') == 8
    assert count_queries(mentee, url, **HTMX) == one
    with django_assert_num_queries(MENTORSHIP_PAGE_QUERIES):
        mentee.get(f"/mentorships/{pair.mentorship.pk}/")
    assert count_queries(mentee, f"/mentorships/{pair.mentorship.pk}/") == mentorship_page


def test_the_experiments_page_costs_the_same_for_1_or_9_experiments(
    pair, django_assert_num_queries
):
    session = move_to_the_past(pair, schedule(pair))
    log(
        pair,
        session,
        action_items=[{"description": "First", "due_on": timezone.localdate()}],
    )
    mentee = signed_in(pair.org, pair.mentee)
    url = f"/mentorships/{pair.mentorship.pk}/experiments/"
    with django_assert_num_queries(EXPERIMENTS_QUERIES):
        mentee.get(url)
    one = count_queries(mentee, url)
    mentee_profile = profile_of(pair, pair.mentee)
    for number in range(8):
        item = add_experiment(pair, f"Experiment {number}", owner=mentee_profile)
        if number % 3 == 0:
            with activate(pair.org.organization):
                services.action_item_complete(
                    organization=pair.org.organization,
                    actor=pair.mentee,
                    item=item,
                    reflection=f"Reflection {number}",
                )
    with django_assert_num_queries(EXPERIMENTS_QUERIES):
        page = text(mentee.get(url))
    assert page.count('class="card experiment') == 9
    assert count_queries(mentee, url) == one
