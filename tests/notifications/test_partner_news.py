"""Partners are told: a session planned, moved or cancelled, feedback received, and a
fit check that says "not a good fit" reach the right person once, by email unless they
turned it off, and always in their "what's new" list; never another organization. (The
actor of a session change gets the calendar invitation too, as no news:
tests/sessions/test_invitations.py.)"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connections, transaction

from matching import services as matching
from mentoring.notifications.models import Kind, Notice, NotificationSetting, OutboxMessage
from mentoring.notifications.outbox import Message, write
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from sessions import services as sessions
from tests.builders.clients import signed_in
from tests.builders.invitations import event_of
from tests.builders.pair import give, make_pair, schedule, tomorrow
from tests.builders.world import build_world, hold_session


@pytest.fixture
def pair(world):
    return make_pair(world.acme)


def profile(pair, user) -> Profile:
    with activate(pair.org.organization):
        return Profile.objects.get(user=user)


def emails_to(user, kind) -> list:
    return [m for m in mail.outbox if m.to == [user.email] and kind in m.subject]


PARTNER_KINDS = (
    Kind.SESSION_PLANNED,
    Kind.SESSION_MOVED,
    Kind.SESSION_CANCELLED,
    Kind.FEEDBACK_RECEIVED,
    Kind.FIT_CHECK_CONCERN,
)


def notices_of(org, user) -> list[Notice]:
    """The person's notices of the kinds under test (building the pair wrote others)."""
    with activate(org.organization):
        return list(Notice.objects.filter(recipient__user=user, kind__in=PARTNER_KINDS))


def turn_off(pair, user, kind) -> None:
    with activate(pair.org.organization):
        NotificationSetting.objects.create(
            organization=pair.org.organization,
            person=profile(pair, user),
            kind=kind,
            is_enabled=False,
        )


def move(pair, session, actor, *, hours=1, note=""):
    with activate(pair.org.organization):
        return sessions.session_reschedule(
            organization=pair.org.organization,
            actor=actor,
            session=session,
            starts_at=session.starts_at + timedelta(hours=hours),
            duration_minutes=session.duration_minutes,
            note=note,
        )


def cancel(pair, session, actor, note="I am off sick, sorry"):
    with activate(pair.org.organization):
        return sessions.session_cancel(
            organization=pair.org.organization, actor=actor, session=session, note=note
        )


# ------------------------------------------------------------------ sessions


def test_the_mentor_hears_once_when_the_mentee_plans_a_session_with_the_calendar_file(pair, sent):
    mail.outbox.clear()
    with sent:
        session = schedule(pair, pair.mentee)
    [email] = [m for m in mail.outbox if "planned a mentoring session" in m.subject]
    assert email.to == [pair.mentor.email]
    assert profile(pair, pair.mentee).display_name in email.subject
    event = event_of(email)
    assert str(event["STATUS"]) == "CONFIRMED"
    assert f"/sessions/{session.pk}/" in email.body
    # the same event as the file downloaded from the session page: one UID, so a calendar
    # that has both keeps one event
    downloaded = signed_in(pair.org, pair.mentor).get(f"/sessions/{session.pk}/invite.ics")
    assert str(event["UID"]) == f"session-{session.pk}@acme.localhost"
    assert f"UID:{event['UID']}" in downloaded.content.decode().splitlines()
    [notice] = notices_of(pair.org, pair.mentor)
    assert notice.kind == Kind.SESSION_PLANNED
    assert notice.title == email.subject
    assert notice.url.endswith(f"/sessions/{session.pk}/")
    assert notices_of(pair.org, pair.mentee) == []


def test_the_time_in_the_email_is_on_the_recipients_own_clock(pair, sent):
    mentor = pair.mentorship.mentor.person
    mentor.time_zone = "Asia/Tokyo"
    with activate(pair.org.organization):
        mentor.save(update_fields=["time_zone"])
    starts_at = (tomorrow() + timedelta(days=1)).replace(hour=1, minute=30, second=0)
    mail.outbox.clear()
    with sent:
        schedule(pair, pair.mentee, starts_at=starts_at)
    [email] = emails_to(pair.mentor, "planned")
    assert "10:30" in email.subject  # 01:30 UTC is 10:30 in Tokyo
    assert "Asia/Tokyo" in email.body


def test_the_mentee_hears_the_new_time_when_the_mentor_moves_a_session(pair, sent):
    session = schedule(pair, pair.mentee)
    mail.outbox.clear()
    with sent:
        moved = move(pair, session, pair.mentor, note="Clash with a workshop")
    [email] = [m for m in mail.outbox if "moved your mentoring session" in m.subject]
    assert email.to == [pair.mentee.email]
    assert moved.starts_at.strftime("%H:%M") in email.subject
    assert "Clash with a workshop" in email.body
    assert str(event_of(email)["STATUS"]) == "CONFIRMED"
    assert [n.kind for n in notices_of(pair.org, pair.mentee)] == [Kind.SESSION_MOVED]


def test_sending_the_same_time_again_tells_no_one_a_second_time(pair, sent):
    session = schedule(pair, pair.mentee)
    moved = move(pair, session, pair.mentor)
    with activate(pair.org.organization):
        sessions.session_reschedule(
            organization=pair.org.organization,
            actor=pair.mentor,
            session=moved,
            starts_at=moved.starts_at,
            duration_minutes=moved.duration_minutes,
        )
        assert OutboxMessage.objects.filter(kind=Kind.SESSION_MOVED).count() == 1


def test_moving_twice_tells_both_moves(pair):
    session = schedule(pair, pair.mentee)
    moved = move(pair, session, pair.mentor)
    move(pair, moved, pair.mentor)
    with activate(pair.org.organization):
        assert OutboxMessage.objects.filter(kind=Kind.SESSION_MOVED).count() == 2
    assert len(notices_of(pair.org, pair.mentee)) == 2


def test_the_other_person_hears_of_a_cancellation_with_a_cancelled_calendar_event(pair, sent):
    session = schedule(pair, pair.mentor)
    mail.outbox.clear()
    with sent:
        cancel(pair, session, pair.mentee)
    [email] = [m for m in mail.outbox if "cancelled your mentoring session" in m.subject]
    assert email.to == [pair.mentor.email]
    assert "I am off sick, sorry" in email.body
    event = event_of(email)
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]).startswith(f"session-{session.pk}@")


def test_a_person_who_turned_the_email_off_gets_none_but_still_sees_the_news(pair, sent):
    turn_off(pair, pair.mentor, Kind.SESSION_PLANNED)
    mail.outbox.clear()
    with sent:
        schedule(pair, pair.mentee)
    assert emails_to(pair.mentor, "planned") == []
    with activate(pair.org.organization):
        assert not OutboxMessage.objects.filter(kind=Kind.SESSION_PLANNED).exists()
    [notice] = notices_of(pair.org, pair.mentor)
    assert "planned a mentoring session" in notice.title


def test_the_other_organization_hears_nothing_of_a_session_planned_here(world, sent):
    acme, globex = make_pair(world.acme), make_pair(world.globex)
    mail.outbox.clear()
    with sent:
        schedule(acme, acme.mentee)
    planned = [m for m in mail.outbox if "planned a mentoring session" in m.subject]
    assert [m.to for m in planned] == [[acme.mentor.email]]
    with activate(world.globex.organization):
        assert not Notice.objects.filter(kind=Kind.SESSION_PLANNED).exists()
        assert not OutboxMessage.objects.filter(kind=Kind.SESSION_PLANNED).exists()
    assert notices_of(world.globex, globex.mentor) == []


# ------------------------------------------------------------------ feedback


def test_the_receiver_is_told_there_is_feedback_without_its_text(pair, sent):
    mail.outbox.clear()
    with sent:
        feedback = give(pair, pair.mentor)
    [email] = [m for m in mail.outbox if "sent you feedback" in m.subject]
    assert email.to == [pair.mentee.email]
    for text in (feedback.situation, feedback.behaviour, feedback.impact, feedback.suggestion):
        assert text not in email.body
        assert text not in email.alternatives[0][0]
    assert f"#feedback-{feedback.pk}" in email.body
    [notice] = notices_of(pair.org, pair.mentee)
    assert notice.kind == Kind.FEEDBACK_RECEIVED
    assert feedback.behaviour not in notice.title
    assert notices_of(pair.org, pair.mentor) == []


def test_feedback_turned_off_sends_no_email_but_shows_in_the_list(pair, sent):
    turn_off(pair, pair.mentee, Kind.FEEDBACK_RECEIVED)
    mail.outbox.clear()
    with sent:
        give(pair, pair.mentor)
    assert emails_to(pair.mentee, "feedback") == []
    assert [n.kind for n in notices_of(pair.org, pair.mentee)] == [Kind.FEEDBACK_RECEIVED]


# ------------------------------------------------------------------ fit check


def answer_fit_check(pair, actor, is_good_fit):
    with activate(pair.org.organization):
        return matching.fit_check_answer(
            organization=pair.org.organization,
            actor=actor,
            mentorship=pair.mentorship,
            is_good_fit=is_good_fit,
            comment="We talk past each other",
        )


def test_the_manager_hears_once_when_a_fit_check_says_not_a_good_fit(pair, sent):
    hold_session(pair.mentorship)
    mail.outbox.clear()
    with sent:
        answer_fit_check(pair, pair.mentee, False)
        answer_fit_check(pair, pair.mentee, True)
        answer_fit_check(pair, pair.mentee, False)
    [email] = [m for m in mail.outbox if "may not be a good fit" in m.subject]
    assert email.to == [pair.org.manager.email]
    assert "We talk past each other" not in email.body
    assert f"/mentorship/{pair.mentorship.pk}/change/" in email.body
    assert [n.kind for n in notices_of(pair.org, pair.org.manager)] == [Kind.FIT_CHECK_CONCERN]
    assert notices_of(pair.org, pair.mentor) == []


def test_a_good_fit_tells_the_manager_nothing(pair, sent):
    hold_session(pair.mentorship)
    mail.outbox.clear()
    with sent:
        answer_fit_check(pair, pair.mentor, True)
    assert not [m for m in mail.outbox if "good fit" in m.subject]
    assert notices_of(pair.org, pair.org.manager) == []


def test_a_manager_who_turned_fit_check_emails_off_still_sees_the_concern(pair, sent):
    hold_session(pair.mentorship)
    turn_off(pair, pair.org.manager, Kind.FIT_CHECK_CONCERN)
    mail.outbox.clear()
    with sent:
        answer_fit_check(pair, pair.mentor, False)
    assert emails_to(pair.org.manager, "good fit") == []
    assert len(notices_of(pair.org, pair.org.manager)) == 1


# ------------------------------------------------------------------ exactly once


def _message(pair, key="news:1") -> Message:
    return Message(
        kind=Kind.SESSION_PLANNED,
        dedupe_key=key,
        recipient=profile(pair, pair.mentor),
        template="feedback_received",
        context={"other": profile(pair, pair.mentee), "skill": None, "url": "http://x/"},
    )


def test_writing_the_same_message_twice_writes_one_email_and_one_notice(pair):
    message = _message(pair)
    with activate(pair.org.organization):
        assert len(write(pair.org.organization, [message])) == 1
        assert write(pair.org.organization, [message]) == []
        assert OutboxMessage.objects.filter(dedupe_key="news:1").count() == 1
        assert Notice.objects.filter(dedupe_key="news:1").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_write_one_email_and_one_notice():
    world = build_world()
    pair = make_pair(world.acme)
    message = _message(pair, key="news:race")
    barrier = threading.Barrier(2)
    errors = []

    def writer():
        try:
            with activate(pair.org.organization), transaction.atomic():
                barrier.wait(timeout=10)
                write(pair.org.organization, [message])
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    with activate(pair.org.organization):
        assert OutboxMessage.objects.filter(dedupe_key="news:race").count() == 1
        assert Notice.objects.filter(dedupe_key="news:race").count() == 1
