"""The dispatcher's reminders reach every member of a circle, each once: a session
tomorrow and a check-in nudge go to everyone, goal-review nudges to each mentee about their
own goals; the managers hear of a quiet circle as of a quiet pair. Peer partners are each
nudged about their own goals."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from matching.models import Mentorship
from mentoring.notifications.dispatch import dispatch_due
from mentoring.notifications.models import Kind, OutboxMessage
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from programs.models import Enrollment, Program
from sessions.models import Session, SessionStatus
from sessions.selectors.at_risk import at_risk_pairs
from tests.builders.circle import make_circle
from tests.builders.peer import peer_pair


@pytest.fixture
def circle(world):
    return make_circle(world.acme, mentees=4, mentors=2)


def rows(org, kind):
    with activate(org.organization):
        return list(OutboxMessage.objects.filter(kind=kind).order_by("pk"))


def emails(users) -> set[str]:
    return {user.email for user in users}


def plan(org, mentorship, starts_at, **fields):
    with activate(org.organization):
        return Session.objects.create(
            organization=org.organization,
            mentorship=mentorship,
            starts_at=starts_at,
            duration_minutes=60,
            **fields,
        )


def set_start(org, mentorship, started_on):
    """The mentorship and its program started on ``started_on``, and every enrolment of the
    program was approved then (goal reviews count from there)."""
    with activate(org.organization):
        Mentorship.objects.filter(pk=mentorship.pk).update(started_on=started_on)
        Program.objects.filter(pk=mentorship.program_id).update(starts_on=started_on)
        Enrollment.objects.filter(program_id=mentorship.program_id).update(
            decided_at=datetime.combine(started_on, time(9), tzinfo=UTC)
        )


def test_every_member_of_a_circle_is_reminded_of_tomorrows_session_once(circle, sent):
    now = timezone.now()
    plan(circle.org, circle.mentorship, now + timedelta(hours=20))
    with sent:
        dispatch_due(now=now)
        dispatch_due(now=now + timedelta(minutes=5))
    reminders = rows(circle.org, Kind.SESSION_REMINDER)
    assert Counter(r.to_email for r in reminders) == Counter(emails(circle.members))
    by_person = {m.to[0]: m for m in mail.outbox if "Tomorrow" in m.subject}
    first_mentee = circle.mentees[0]
    others = [user for user in circle.members if user != first_mentee]
    with activate(circle.org.organization):
        names = [Profile.objects.get(user=user).display_name for user in others]
    text = by_person[first_mentee.email].body
    assert all(name in text for name in names)  # the others by name, not one of them


def test_a_quiet_circle_nudges_every_member_once_then_tells_the_manager(circle):
    today = timezone.now()
    set_start(circle.org, circle.mentorship, (today - timedelta(days=35)).date())
    dispatch_due(now=today)
    dispatch_due(now=today + timedelta(days=1))
    nudges = rows(circle.org, Kind.CHECKIN_NUDGE)
    assert sorted(r.to_email for r in nudges) == sorted(emails(circle.members))
    dispatch_due(now=today + timedelta(days=30))
    assert [r.to_email for r in rows(circle.org, Kind.PAIR_AT_RISK)] == [circle.org.manager.email]


def test_a_circle_without_a_session_for_its_cadence_is_at_risk_and_a_held_one_clears_it(circle):
    today = timezone.now()
    set_start(circle.org, circle.mentorship, (today - timedelta(days=35)).date())
    with activate(circle.org.organization):
        assert [m.pk for m in at_risk_pairs(Mentorship.objects.all(), today)] == [
            circle.mentorship.pk
        ]
    plan(circle.org, circle.mentorship, today - timedelta(days=2), status=SessionStatus.HELD)
    dispatch_due(now=today)
    assert rows(circle.org, Kind.CHECKIN_NUDGE) == []
    with activate(circle.org.organization):
        assert list(at_risk_pairs(Mentorship.objects.all(), today)) == []


def test_each_mentee_of_a_circle_is_nudged_about_their_own_goal_review_once_a_period(circle):
    set_start(circle.org, circle.mentorship, date(2026, 1, 15))
    for day in range(0, 200, 5):
        dispatch_due(now=datetime(2026, 1, 15, 9, tzinfo=UTC) + timedelta(days=day))
    nudges = rows(circle.org, Kind.GOAL_REVIEW)
    assert Counter(r.to_email for r in nudges) == Counter(
        {user.email: 2 for user in circle.mentees}
    )
    with activate(circle.org.organization):
        own = {
            e.person.user.email: e.pk
            for e in Enrollment.objects.filter(
                program_id=circle.mentorship.program_id
            ).select_related("person__user")
        }
    for row in nudges:
        assert f"/enrolments/{own[row.to_email]}/" in row.body_text


def test_both_peer_partners_are_nudged_about_their_own_goals(world):
    pair = peer_pair(world.acme)
    set_start(pair.org, pair.mentorship, date(2026, 1, 15))
    dispatch_due(now=datetime(2026, 4, 20, 9, tzinfo=UTC))
    prefix = f"goal-review:{pair.mentorship.pk}:"
    nudges = {
        r.to_email: r for r in rows(pair.org, Kind.GOAL_REVIEW) if r.dedupe_key.startswith(prefix)
    }
    assert set(nudges) == {pair.mentee.email, pair.mentor.email}
    mentorship = pair.mentorship
    assert f"/enrolments/{mentorship.mentee_id}/" in nudges[pair.mentee.email].body_text
    assert f"/enrolments/{mentorship.mentor_id}/" in nudges[pair.mentor.email].body_text


def test_the_managers_digest_counts_each_circle_mentees_overdue_review(circle, sent):
    set_start(circle.org, circle.mentorship, date(2026, 1, 5))
    with sent:
        dispatch_due(now=datetime(2026, 5, 4, 9, tzinfo=UTC))  # a Monday, review 1 overdue
    [digest] = [r for r in rows(circle.org, Kind.MANAGER_DIGEST)]
    assert "goal reviews overdue: 4" in digest.body_text


def test_a_circle_of_another_organization_gets_no_reminder_of_this_one(circle, world):
    plan(circle.org, circle.mentorship, timezone.now() + timedelta(hours=20))
    dispatch_due(now=timezone.now())
    assert rows(world.globex, Kind.SESSION_REMINDER) == []
    assert {r.to_email for r in rows(circle.org, Kind.SESSION_REMINDER)} == emails(circle.members)
