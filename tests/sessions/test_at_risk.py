"""The one at-risk rule (sessions.selectors.at_risk) and each of its readers: the managers'
home, the dispatcher's nudges, alerts and digest, the HR API and the cockpit. A session
planned ahead counts as activity everywhere."""

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import Mentorship, MentorshipStatus
from mentoring.notifications.dispatch import dispatch_due
from mentoring.notifications.models import Kind, OutboxMessage
from mentoring.overview.dashboards import home_dashboard
from mentoring.overview.mentorships_api import MentorshipList
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from programs.models import Enrollment, Program
from sessions.models import Session, SessionStatus
from sessions.selectors.at_risk import Activity, is_at_risk, with_activity
from tests.builders.clients import signed_in

TODAY = date(2025, 6, 30)


def activity(**overrides) -> Activity:
    values = {
        "status": MentorshipStatus.ACTIVE,
        "started_on": date(2025, 5, 1),
        "cadence_days": 30,
        "last_held_at": None,
        "next_planned_at": None,
        **overrides,
    }
    return Activity(**values)


# ---------------------------------------------------------------- the rule


def test_a_pair_quiet_for_its_cadence_is_at_risk_and_a_day_less_is_not():
    assert activity(started_on=TODAY - timedelta(days=30)).is_at_risk(TODAY)
    assert not activity(started_on=TODAY - timedelta(days=29)).is_at_risk(TODAY)
    held = datetime.combine(TODAY - timedelta(days=29), time(9), tzinfo=UTC)
    assert not activity(last_held_at=held).is_at_risk(TODAY)
    assert activity(last_held_at=held - timedelta(days=1)).is_at_risk(TODAY)


def test_a_session_planned_ahead_keeps_a_long_quiet_pair_off_the_list():
    tomorrow = datetime.combine(TODAY + timedelta(days=1), time(9), tzinfo=UTC)
    assert not activity(next_planned_at=tomorrow).is_at_risk(TODAY)
    assert activity(next_planned_at=tomorrow).quiet_cadences(TODAY) == 0


def test_paused_and_finished_pairs_are_never_at_risk():
    for status in (
        MentorshipStatus.PAUSED,
        MentorshipStatus.COMPLETED,
        MentorshipStatus.ENDED_EARLY,
    ):
        assert not activity(status=status).is_at_risk(TODAY)


def test_the_quiet_days_are_counted_in_the_readers_time_zone():
    # 23:30 in New York on 31 May is already 1 June in UTC
    held = datetime(2025, 6, 1, 3, 30, tzinfo=UTC)
    new_york = zoneinfo.ZoneInfo("America/New_York")
    assert activity(last_held_at=held).quiet_since(new_york) == date(2025, 5, 31)
    assert activity(last_held_at=held).is_at_risk(TODAY, new_york)
    assert not activity(last_held_at=held).is_at_risk(TODAY, UTC)


# ---------------------------------------------------------------- the pair in the database


def quiet_for(pair, days: int, now: datetime) -> None:
    """The pair (and its program and the mentee's approval) started ``days`` before now."""
    started = (now - timedelta(days=days)).date()
    with activate(pair.org.organization):
        Mentorship.objects.filter(program=pair.mentorship.program_id).update(started_on=started)
        Program.objects.filter(pk=pair.mentorship.program_id).update(
            starts_on=started, checkin_cadence_days=30
        )
        Enrollment.objects.filter(program=pair.mentorship.program_id).update(
            decided_at=datetime.combine(started, time(9), tzinfo=UTC)
        )


def plan(pair, starts_at, status=SessionStatus.PLANNED) -> Session:
    with activate(pair.org.organization):
        return Session.objects.create(
            organization=pair.org.organization,
            mentorship=pair.mentorship,
            starts_at=starts_at,
            status=status,
        )


def at_risk_in_database(pair, now) -> bool:
    with activate(pair.org.organization):
        mentorship = with_activity(Mentorship.objects.filter(pk=pair.mentorship.pk), now).get()
    return is_at_risk(mentorship, now.date())


def test_the_database_reading_sees_planned_held_and_cancelled_sessions_as_the_rule_says(pair):
    now = timezone.now()
    quiet_for(pair, 60, now)
    assert at_risk_in_database(pair, now)
    plan(pair, now - timedelta(days=2))  # planned but passed, never logged: no activity
    plan(pair, now + timedelta(days=1), SessionStatus.CANCELLED)
    assert at_risk_in_database(pair, now)
    plan(pair, now + timedelta(days=1))
    assert not at_risk_in_database(pair, now)
    assert at_risk_in_database(pair, now + timedelta(days=2))  # once its time has passed


# ---------------------------------------------------------------- each reader


def manager_at_risk(pair, now) -> list[int]:
    org = pair.org
    with activate(org.organization):
        dashboard = home_dashboard(
            organization=org.organization,
            user=org.manager,
            profile=Profile.objects.get(user=org.manager),
            is_manager=True,
            now=now,
        )
    return [row.mentorship.pk for health in dashboard.manager.programs for row in health.at_risk]


def test_the_managers_home_does_not_flag_a_pair_with_a_session_planned_tomorrow(pair):
    now = timezone.now()
    quiet_for(pair, 60, now)
    assert pair.mentorship.pk in manager_at_risk(pair, now)
    plan(pair, now + timedelta(days=1))
    assert pair.mentorship.pk not in manager_at_risk(pair, now)


def test_the_managers_home_links_a_pair_at_risk_to_its_pair_page(pair):
    now = timezone.now()
    quiet_for(pair, 60, now)
    page = signed_in(pair.org, pair.org.manager).get("/").content.decode()
    assert reverse("mentorship_pair", kwargs={"mentorship_id": pair.mentorship.pk}) in page


def outbox(pair, kind) -> list[OutboxMessage]:
    with activate(pair.org.organization):
        return list(OutboxMessage.objects.filter(kind=kind))


def test_the_dispatcher_neither_nudges_nor_alerts_about_a_pair_with_a_session_planned(pair):
    now = timezone.now()
    quiet_for(pair, 65, now)
    plan(pair, now + timedelta(days=1))
    dispatch_due(now=now)
    about_pair = f":{pair.mentorship.pk}:"
    assert [m for m in outbox(pair, Kind.CHECKIN_NUDGE) if about_pair in m.dedupe_key] == []
    assert [m for m in outbox(pair, Kind.PAIR_AT_RISK) if about_pair in m.dedupe_key] == []


def test_the_dispatcher_nudges_and_alerts_a_quiet_pair_with_nothing_planned(pair):
    now = timezone.now()
    quiet_for(pair, 65, now)
    dispatch_due(now=now)
    mentorship_nudges = [
        m for m in outbox(pair, Kind.CHECKIN_NUDGE) if f":{pair.mentorship.pk}:" in m.dedupe_key
    ]
    assert len(mentorship_nudges) == 2
    assert [m.to_email for m in outbox(pair, Kind.PAIR_AT_RISK)][:1] == [pair.org.manager.email]


@pytest.mark.parametrize("planned", [False, True])
def test_the_weekly_digest_counts_the_pairs_at_risk_by_the_same_rule(pair, planned):
    now = timezone.now()
    quiet_for(pair, 65, now)
    with activate(pair.org.organization):
        others = Mentorship.objects.filter(program=pair.mentorship.program_id).exclude(
            pk=pair.mentorship.pk
        )
        for other in others:
            Session.objects.create(
                organization=pair.org.organization,
                mentorship=other,
                starts_at=now + timedelta(days=3),
            )
    if planned:
        plan(pair, now + timedelta(days=1))
    dispatch_due(now=now)
    digest = outbox(pair, Kind.MANAGER_DIGEST)[0]
    expected = "0" if planned else "1"
    assert (
        "pairs and circles at risk (no session held within the check-in cadence, and none "
        f"planned): {expected}" in (digest.body_text)
    )


def test_the_hr_api_flags_at_risk_by_the_same_rule():
    rows = MentorshipList()
    base = {
        "id": 1,
        "program_id": 1,
        "mentee_id": 1,
        "mentor_id": 2,
        "status": "active",
        "started_on": TODAY - timedelta(days=30),
        "ends_on": None,
        "ended_on": None,
        "held": 0,
        "last_held": None,
        "next_at": None,
        "cadence": 30,
        "reviews_done": 0,
        "interval": 3,
        "program_starts_on": TODAY - timedelta(days=30),
        "holders_approved_at": [None],
        "format": "one_to_one",
        "focus_skill_id": None,
        "mentee_ids": [1],
        "mentor_ids": [2],
        "updated_at": None,
    }
    assert rows.shape_on(base, TODAY)["is_at_risk"] is True
    planned = datetime.combine(TODAY + timedelta(days=1), time(9), tzinfo=UTC)
    assert rows.shape_on({**base, "next_at": planned}, TODAY)["is_at_risk"] is False
    assert rows.shape_on({**base, "status": "paused"}, TODAY)["is_at_risk"] is False


def test_the_mentorship_list_filters_the_pairs_at_risk_by_the_same_rule(pair):
    now = timezone.now()
    quiet_for(pair, 60, now)
    plan(pair, now + timedelta(days=1))  # this pair has planned its next session
    with activate(pair.org.organization):
        program_pairs = set(
            Mentorship.objects.filter(program=pair.mentorship.program_id).values_list(
                "pk", flat=True
            )
        )
    browser = signed_in(pair.org, pair.org.manager)
    listing = reverse("admin:matching_mentorship_changelist")

    def listed(value):
        response = browser.get(listing, {"at_risk": value})
        assert response.status_code == 200
        return {row.pk for row in response.context["cl"].result_list}

    assert listed("yes") == program_pairs - {pair.mentorship.pk}
    assert pair.mentorship.pk in listed("no")
    assert b"At risk now" in browser.get(listing).content
