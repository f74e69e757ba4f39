"""Logging a meeting that took place without being planned here: the time on the person's
own clock (never a time to come), then the same notes and experiments as a logged session;
once, whoever of the pair logs it; and it counts as a held session everywhere."""

import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connections
from django.utils import timezone

from matching.models import Mentorship
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from sessions.models import ActionItem, PrivateNote, Session, SessionStatus
from tests.builders.clients import signed_in
from tests.builders.pages import text
from tests.builders.pair import make_pair, schedule
from tests.builders.world import build_world

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def pair(world):
    pair = make_pair(world.acme)
    with activate(pair.org.organization):
        # the pair began a fortnight ago, and the mentee lives in Tokyo
        Mentorship.objects.filter(pk=pair.mentorship.pk).update(
            started_on=date.today() - timedelta(days=14)
        )
        Profile.objects.filter(user=pair.mentee).update(time_zone="Asia/Tokyo")
    return pair


def url(pair) -> str:
    return f"/mentorships/{pair.mentorship.pk}/sessions/log-past/"


def on_tokyo_clock(moment: datetime) -> str:
    return moment.astimezone(TOKYO).strftime("%Y-%m-%dT%H:%M")


def past_data(starts_at: datetime, **fields) -> dict:
    return {
        "starts_at": on_tokyo_clock(starts_at),
        "duration_minutes": "45",
        "kind": "check_in",
        "shared_notes": "We rehearsed the budget conversation.",
        "real_situations": "Thursday's budget meeting",
        "private_note": "",
        **fields,
    }


def two_days_ago() -> datetime:
    return (timezone.now() - timedelta(days=2)).replace(second=0, microsecond=0)


def sessions_of(pair) -> list[Session]:
    with activate(pair.org.organization):
        return list(Session.objects.filter(mentorship=pair.mentorship))


def test_the_pair_page_offers_to_log_a_meeting_that_already_happened(pair):
    page = text(
        signed_in(pair.org, pair.mentee).get(f"/mentorships/{pair.mentorship.pk}/sessions/")
    )
    assert "Log a meeting that already happened" in page and url(pair) in page


def test_a_past_meeting_is_logged_on_the_persons_clock_with_notes_and_experiments(pair):
    met_at = two_days_ago()
    due = timezone.localdate() + timedelta(days=7)
    mentee = signed_in(pair.org, pair.mentee)
    form = text(mentee.get(url(pair)))
    assert "On your clock (Asia/Tokyo)" in form and "My private note" in form
    response = mentee.post(
        url(pair),
        past_data(
            met_at,
            private_note="Nervous before the meeting",
            experiment_1_description="Open with the number, then the reason",
            experiment_1_owner="me",
            experiment_1_due_on=due.isoformat(),
        ),
    )
    [session] = sessions_of(pair)
    assert response.status_code == 302 and response["Location"] == f"/sessions/{session.pk}/"
    assert session.status == SessionStatus.HELD
    assert session.starts_at == met_at and session.actual_minutes == 45
    with activate(pair.org.organization):
        assert ActionItem.objects.get().description == "Open with the number, then the reason"
        assert PrivateNote.objects.get().text == "Nervous before the meeting"

    mentor_page = text(signed_in(pair.org, pair.mentor).get(f"/sessions/{session.pk}/"))
    assert "We rehearsed the budget conversation." in mentor_page
    assert "Open with the number, then the reason" in mentor_page
    assert "Nervous before the meeting" not in mentor_page


def test_a_time_to_come_is_refused_with_a_clear_message_and_keeps_what_was_typed(pair):
    mentee = signed_in(pair.org, pair.mentee)
    page = text(mentee.post(url(pair), past_data(timezone.now() + timedelta(hours=3))))
    assert "That time is still to come: plan the session instead" in page
    assert "We rehearsed the budget conversation." in page
    assert sessions_of(pair) == []


def test_a_date_before_the_mentorship_began_or_an_odd_duration_is_refused(pair):
    mentee = signed_in(pair.org, pair.mentee)
    page = text(mentee.post(url(pair), past_data(timezone.now() - timedelta(days=60))))
    assert "Your mentorship began on" in page
    page = text(mentee.post(url(pair), past_data(two_days_ago(), duration_minutes="2")))
    assert "A session lasts between 5 minutes and 8 hours." in page
    page = text(mentee.post(url(pair), {**past_data(two_days_ago()), "starts_at": ""}))
    assert "Give the date and time you met." in page
    assert sessions_of(pair) == []


def test_a_double_submit_creates_one_session_and_says_so(pair):
    data = past_data(
        two_days_ago(),
        experiment_1_description="Try it once",
        experiment_1_due_on=(timezone.localdate() + timedelta(days=3)).isoformat(),
    )
    mentee = signed_in(pair.org, pair.mentee)
    assert mentee.post(url(pair), data).status_code == 302
    response = mentee.post(url(pair), data, follow=True)
    assert "You have already logged a meeting at about that time" in text(response)
    assert len(sessions_of(pair)) == 1
    with activate(pair.org.organization):
        assert ActionItem.objects.count() == 1


def test_the_other_person_logging_the_same_meeting_is_offered_the_existing_one(pair):
    met_at = two_days_ago()
    assert signed_in(pair.org, pair.mentee).post(url(pair), past_data(met_at)).status_code == 302
    [session] = sessions_of(pair)
    mentor = signed_in(pair.org, pair.mentor)
    # the mentor's clock is UTC: the same meeting, typed 20 minutes later on their clock
    typed = (met_at + timedelta(minutes=20)).astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M")
    response = mentor.post(url(pair), {**past_data(met_at), "starts_at": typed})
    page = text(response)
    assert response.status_code == 200
    assert "Your partner has just logged a meeting at about that time" in page
    assert f'href="/sessions/{session.pk}/"' in page
    assert len(sessions_of(pair)) == 1
    # a meeting on another day is a meeting of its own
    other_day = (met_at - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    assert mentor.post(url(pair), {**past_data(met_at), "starts_at": other_day}).status_code == 302
    assert len(sessions_of(pair)) == 2


def test_a_planned_session_at_that_time_is_offered_to_log_instead(pair):
    met_at = two_days_ago()
    planned = schedule(pair, at=met_at)
    response = signed_in(pair.org, pair.mentee).post(url(pair), past_data(met_at))
    page = text(response)
    assert "You had planned a session at about that time: log that one instead." in page
    assert f'href="/sessions/{planned.pk}/log/"' in page
    assert len(sessions_of(pair)) == 1


def test_another_organization_cannot_log_a_meeting_of_this_pair(pair, world):
    outsider = signed_in(world.globex, world.globex.mentees[0])
    assert outsider.get(url(pair)).status_code == 404
    assert outsider.post(url(pair), past_data(two_days_ago())).status_code == 404
    # nor can a colleague of the same organization who is not one of the pair
    [colleague] = [user for user in world.acme.mentees if user.pk != pair.mentee.pk][:1]
    response = signed_in(world.acme, colleague).post(url(pair), past_data(two_days_ago()))
    assert response.status_code == 404
    assert sessions_of(pair) == []


def test_a_logged_past_meeting_counts_as_held_on_the_mentors_home_and_for_hr(pair):
    met_at = two_days_ago()
    assert signed_in(pair.org, pair.mentee).post(url(pair), past_data(met_at)).status_code == 302
    home = text(signed_in(pair.org, pair.mentor).get("/"))
    assert "Last met" in home and met_at.strftime("%-d %b %Y") in home
    with activate(pair.org.organization):
        held = Session.objects.filter(mentorship=pair.mentorship, status=SessionStatus.HELD)
        assert held.get().starts_at == met_at


@pytest.mark.django_db(transaction=True)
def test_both_people_logging_the_same_meeting_at_the_same_moment_store_one_session():
    world = build_world()
    pair = make_pair(world.acme)
    with activate(pair.org.organization):
        Mentorship.objects.filter(pk=pair.mentorship.pk).update(
            started_on=date.today() - timedelta(days=14)
        )
    met_at = two_days_ago().astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M")
    browsers = [signed_in(pair.org, user) for user in (pair.mentee, pair.mentor) * 2]
    barrier = threading.Barrier(len(browsers))
    statuses: list[int] = []

    def log(browser):
        try:
            barrier.wait(timeout=30)
            statuses.append(
                browser.post(
                    url(pair), {**past_data(two_days_ago()), "starts_at": met_at}
                ).status_code
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=log, args=(browser,)) for browser in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(statuses) in ([200, 200, 302, 302], [200, 302, 302, 302])
    assert len(sessions_of(pair)) == 1
