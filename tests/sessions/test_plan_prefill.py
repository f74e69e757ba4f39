"""New sessions start from the program's session plan: the step each one follows, its
agenda points with the mentee's focus skills after the follow-ups of open experiments,
the pair changing or removing them, a series filled session by session, no points without
a plan nor for a logged past meeting, a fixed number of queries, the planning page saying
what comes, and never another organization's plan."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mentoring.tenancy import activate
from programs.models import PlanStepKind
from programs.schedule import review_due_on
from sessions import services
from sessions.models import ActionItem, AgendaItem, Session
from sessions.services.series import series_plan
from tests.builders.clients import signed_in
from tests.builders.pages import HTMX, text
from tests.builders.pair import make_pair, schedule, tomorrow
from tests.builders.session_plans import (
    give_focus_skills,
    program_of,
    use_default_plan,
    use_plan,
)

AGREEMENT, PRACTICE = PlanStepKind.AGREEMENT, PlanStepKind.PRACTICE
GOAL_REVIEW, CLOSING = PlanStepKind.GOAL_REVIEW, PlanStepKind.CLOSING


@pytest.fixture
def pair(world):
    """A pair whose program follows the default plan, the mentee with two focus skills."""
    pair = make_pair(world.acme)
    use_default_plan(program_of(pair))
    give_focus_skills(pair, "Active listening", "Empathy")
    return pair


def agenda(pair, session) -> list[str]:
    with activate(pair.org.organization):
        return list(AgendaItem.objects.filter(session=session).values_list("text", flat=True))


def step_kind(pair, session) -> str | None:
    with activate(pair.org.organization):
        step = Session.objects.select_related("plan_step").get(pk=session.pk).plan_step
    return step.kind if step else None


def at_noon(day) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def held_before(pair, days=3) -> None:
    """A session of the pair already held, so that the next one is not the first."""
    schedule(pair, at=timezone.now() - timedelta(days=days))


# ---------------------------------------------------------------- one session


def test_the_first_session_starts_with_the_agreement_points_for_both_focus_skills(pair):
    session = schedule(pair)
    assert step_kind(pair, session) == AGREEMENT
    assert agenda(pair, session) == [
        "What brought each of you to this program, and what you hope it changes.",
        "How you work together: how often you meet, what stays between you, and how each "
        "of you likes to hear feedback.",
        "Active listening: the goal for the months ahead, and what would show that it is growing.",
        "Empathy: the goal for the months ahead, and what would show that it is growing.",
    ]
    with activate(pair.org.organization):
        assert not AgendaItem.objects.filter(session=session, added_by__isnull=False).exists()


def test_a_later_session_is_practice_with_a_role_play_of_a_real_conversation(pair):
    held_before(pair)
    session = schedule(pair)
    assert step_kind(pair, session) == PRACTICE
    points = agenda(pair, session)
    assert (
        "Role-play a real conversation coming up soon where active listening matters: the "
        "mentor plays the other person first, then swap." in points
    )
    assert len(points) == 5  # two points name the skill, once for each of the two


def test_a_session_in_the_week_a_goal_review_falls_due_is_the_goal_review(pair):
    held_before(pair)
    due = review_due_on(timezone.now().date(), program_of(pair).goal_review_interval_months, 1)
    review = schedule(pair, starts_at=at_noon(due - timedelta(days=3)))
    assert step_kind(pair, review) == GOAL_REVIEW
    # the next session of the same period is practice again
    after = schedule(pair, starts_at=at_noon(due + timedelta(days=4)))
    assert step_kind(pair, after) == PRACTICE


def test_a_session_in_the_last_two_weeks_is_the_closing_one(pair):
    held_before(pair)
    session = schedule(pair, starts_at=at_noon(pair.mentorship.ends_on - timedelta(days=5)))
    assert step_kind(pair, session) == CLOSING
    assert "Empathy: what you now do differently, and how you will keep practising it." in (
        agenda(pair, session)
    )


def test_follow_ups_of_open_experiments_stay_first_on_the_agenda(pair):
    with activate(pair.org.organization):
        ActionItem.objects.create(
            organization=pair.org.organization,
            mentorship=pair.mentorship,
            owner=pair.mentorship.mentee.person,
            description="Summarize before answering, twice this week",
            due_on=timezone.now().date() + timedelta(days=3),
        )
    session = schedule(pair)
    points = agenda(pair, session)
    assert points[0] == "Follow up: Summarize before answering, twice this week"
    assert points[1].startswith("What brought each of you") and len(points) == 5


def test_a_mentee_without_focus_skills_gets_points_about_the_focus_skill(pair):
    give_focus_skills(pair)
    session = schedule(pair)
    assert (
        "The focus skill: the goal for the months ahead, and what would show that it is "
        "growing." in agenda(pair, session)
    )


def test_a_program_without_a_plan_gives_new_sessions_no_points(pair):
    use_plan(program_of(pair))
    session = schedule(pair)
    assert step_kind(pair, session) is None
    assert agenda(pair, session) == []


def test_a_plan_without_a_first_step_starts_with_practice(pair):
    use_plan(program_of(pair), (PRACTICE, "Practise", ["{skill} this week"]))
    session = schedule(pair)
    assert step_kind(pair, session) == PRACTICE
    assert agenda(pair, session) == ["Active listening this week", "Empathy this week"]


def test_planning_twice_at_the_same_time_fills_one_agenda_once(pair):
    starts = tomorrow()
    session = schedule(pair, starts_at=starts)
    with pytest.raises(ValidationError):
        schedule(pair, starts_at=starts)
    assert len(agenda(pair, session)) == 4
    with activate(pair.org.organization):
        assert Session.objects.filter(mentorship=pair.mentorship).count() == 1


def test_a_logged_past_meeting_gets_no_points_and_the_next_session_is_practice(pair):
    with activate(pair.org.organization):
        type(pair.mentorship).objects.filter(pk=pair.mentorship.pk).update(
            started_on=timezone.now().date() - timedelta(days=10)
        )
        pair.mentorship.refresh_from_db()
        past = services.session_log_past(
            organization=pair.org.organization,
            actor=pair.mentee,
            mentorship=pair.mentorship,
            starts_at=timezone.now() - timedelta(days=2),
            duration_minutes=45,
        )
    assert step_kind(pair, past) is None and agenda(pair, past) == []
    assert step_kind(pair, schedule(pair)) == PRACTICE


# ---------------------------------------------------------------- the pair changes them


def test_the_pair_edits_and_removes_the_plans_points_like_their_own(pair):
    session = schedule(pair)
    with activate(pair.org.organization):
        first, second = list(AgendaItem.objects.filter(session=session))[:2]
    mentor = signed_in(pair.org, pair.mentor)
    url = f"/sessions/{session.pk}/agenda/"
    edited = mentor.post(f"{url}{first.pk}/edit/", {"text": "Why we are here"}, **HTMX)
    assert "Point saved." in text(edited)
    assert mentor.post(f"{url}{second.pk}/remove/").status_code == 302
    points = agenda(pair, session)
    assert points[0] == "Why we are here" and len(points) == 3
    assert not any(point.startswith("How you work together") for point in points)


# ---------------------------------------------------------------- a series


def plan_series(pair, count: int, interval_weeks: int = 2):
    with activate(pair.org.organization):
        series = series_plan(
            organization=pair.org.organization,
            actor=pair.mentee,
            mentorship=pair.mentorship,
            starts_at=tomorrow(),
            interval_weeks=interval_weeks,
            count=count,
            time_zone="UTC",
            allow_overlap=True,
        )
        return list(Session.objects.filter(series=series).order_by("starts_at"))


def test_each_session_of_a_series_follows_its_own_step(pair):
    sessions = plan_series(pair, 4)
    assert [step_kind(pair, session) for session in sessions] == [
        AGREEMENT,
        PRACTICE,
        PRACTICE,
        PRACTICE,
    ]
    assert [len(agenda(pair, session)) for session in sessions] == [4, 5, 5, 5]


def test_a_long_series_takes_up_the_goal_review_once_and_closes_at_the_end(pair):
    with activate(pair.org.organization):
        type(pair.mentorship).objects.filter(pk=pair.mentorship.pk).update(
            ends_on=timezone.now().date() + timedelta(weeks=20)
        )
        pair.mentorship.refresh_from_db()
    kinds = [step_kind(pair, session) for session in plan_series(pair, 10)]
    assert kinds[0] == AGREEMENT and kinds.count(GOAL_REVIEW) == 1
    assert kinds[-1] == CLOSING and kinds.count(CLOSING) == 1


# ---------------------------------------------------------------- what it costs


def queries_to_plan(pair, days_ahead: int) -> int:
    with CaptureQueriesContext(connection) as queries:
        schedule(pair, starts_at=tomorrow() + timedelta(days=days_ahead))
    return len(queries)


# beyond the one query finding no plan: the mentee's skills, the pair's sessions, the
# agenda's last positions, the sessions' steps, the points
PLAN_QUERIES = 5


def test_planning_a_session_costs_the_same_few_queries_whatever_the_plan(
    pair, django_assert_num_queries
):
    program = program_of(pair)
    use_plan(program)
    without = queries_to_plan(pair, 1)
    use_plan(program, (PRACTICE, "One", ["{skill}"]))
    give_focus_skills(pair, "Active listening")
    with django_assert_num_queries(without + PLAN_QUERIES):
        schedule(pair, starts_at=tomorrow() + timedelta(days=2))
    use_plan(program, (PRACTICE, "Eight", [f"{{skill}} {n}" for n in range(8)]))
    give_focus_skills(pair, "Active listening", "Empathy")
    with django_assert_num_queries(without + PLAN_QUERIES):
        schedule(pair, starts_at=tomorrow() + timedelta(days=3))


def series_of(pair, count: int, starts_at: datetime) -> None:
    with activate(pair.org.organization):
        series_plan(
            organization=pair.org.organization,
            actor=pair.mentee,
            mentorship=pair.mentorship,
            starts_at=starts_at,
            interval_weeks=1,
            count=count,
            time_zone="UTC",
            allow_overlap=True,
        )


def test_a_series_costs_the_same_queries_for_2_or_8_sessions(pair, django_assert_num_queries):
    with CaptureQueriesContext(connection) as two:
        series_of(pair, 2, tomorrow())
    with django_assert_num_queries(len(two)):
        series_of(pair, 8, tomorrow() + timedelta(hours=3))


# ---------------------------------------------------------------- pages


def test_the_planning_page_says_which_step_comes_and_how_many_points(
    pair, django_assert_num_queries
):
    mentee = signed_in(pair.org, pair.mentee)
    url = f"/mentorships/{pair.mentorship.pk}/sessions/new/"
    with CaptureQueriesContext(connection) as with_plan:
        page = text(mentee.get(url))
    assert (
        "This session follows the program's plan: <strong>Getting started: your agreement "
        "and goals</strong>. Its agenda starts with 4 points you can change." in page
    )
    use_plan(program_of(pair))
    # the plan costs two queries on the page (the mentee's skills, the pair's sessions)
    with django_assert_num_queries(len(with_plan) - 2):
        page = text(mentee.get(url))
    assert "follows the program's plan" not in page


def test_the_session_says_which_plan_step_it_follows(pair):
    session = schedule(pair)
    with activate(pair.org.organization):
        loaded = Session.objects.select_related("plan_step").get(pk=session.pk)
        line = render_to_string("sessions/partials/plan_step.html", {"session": loaded})
    assert "Plan step: <strong>Getting started: your agreement and goals</strong>" in line
    use_plan(program_of(pair))
    with activate(pair.org.organization):
        bare = Session.objects.get(pk=schedule(pair, starts_at=tomorrow() + timedelta(days=2)).pk)
        assert render_to_string("sessions/partials/plan_step.html", {"session": bare}).strip() == ""


# ---------------------------------------------------------------- tenancy


def test_a_pair_only_ever_follows_its_own_organizations_plan(world):
    acme, globex = make_pair(world.acme), make_pair(world.globex)
    use_plan(program_of(acme))
    use_plan(program_of(globex), (AGREEMENT, f"Start {world.globex.sentinel}", ["Hi"]))
    session = schedule(acme)
    assert step_kind(acme, session) is None and agenda(acme, session) == []
    theirs = schedule(globex)
    assert agenda(globex, theirs) == ["Hi"]
    page = text(
        signed_in(acme.org, acme.mentee).get(f"/mentorships/{acme.mentorship.pk}/sessions/new/")
    )
    assert world.globex.sentinel not in page
