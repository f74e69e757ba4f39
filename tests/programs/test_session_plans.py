"""A program's session plan: which step a new session follows (the first one, practice, a
goal review each period, the closing one; property-tested over whole mentorships), the
agenda points for the mentee's focus skills, the default plan every new program starts
with, the admin action giving it to existing programs, and the admin's checks of a step."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.db import connections
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from mentoring.tenancy import activate
from programs.admin.session_plans import (
    SessionPlanStepForm,
)
from programs.models import PlanStepKind, Program, SessionPlanStep, Skill
from programs.schedule import review_due_on, review_period_on
from programs.services import program_save
from programs.services.session_plans import session_plan_install_default
from programs.session_plans import (
    CLOSING_WINDOW,
    DEFAULT_PLAN,
    plan_step_for,
    points_for,
    step_kind_for,
)
from tests.builders.clients import client_for
from tests.builders.session_plans import plan_of, use_plan
from tests.builders.world import build_world, make_program

AGREEMENT, PRACTICE = PlanStepKind.AGREEMENT, PlanStepKind.PRACTICE
GOAL_REVIEW, CLOSING = PlanStepKind.GOAL_REVIEW, PlanStepKind.CLOSING


@dataclass(frozen=True)
class Step:
    kind: str
    title: str = ""


FULL_PLAN = [Step(AGREEMENT), Step(PRACTICE), Step(GOAL_REVIEW), Step(CLOSING)]
START = date(2026, 1, 5)
END = date(2026, 12, 20)


def kind_of(steps=FULL_PLAN, *, count=3, on=date(2026, 2, 16), last_review=None, interval=3):
    step = plan_step_for(
        steps,
        held_or_planned_count=count,
        session_on=on,
        mentorship_ends_on=END,
        goal_reviews_from=START,
        goal_review_interval_months=interval,
        last_goal_review_step_on=last_review,
    )
    return step.kind if step else None


# ---------------------------------------------------------------- which step, by example


def test_the_pairs_first_session_follows_the_agreement_step():
    assert kind_of(count=0) == AGREEMENT
    # even when it falls in the week a goal review is due, or near the end
    assert kind_of(count=0, on=date(2026, 4, 5)) == AGREEMENT
    assert kind_of(count=0, on=END - timedelta(days=3)) == AGREEMENT


def test_a_session_in_the_last_two_weeks_closes_the_mentorship():
    assert kind_of(on=END - timedelta(days=14)) == CLOSING
    assert kind_of(on=END) == CLOSING
    assert kind_of(on=END - timedelta(days=15)) == PRACTICE


def test_a_session_from_a_week_before_a_goal_review_is_due_is_the_goal_review():
    due = date(2026, 4, 5)  # three months after the start
    assert kind_of(on=due - timedelta(days=8)) == PRACTICE
    assert kind_of(on=due - timedelta(days=7)) == GOAL_REVIEW
    assert kind_of(on=due + timedelta(days=20)) == GOAL_REVIEW  # late, it still counts
    assert kind_of(on=due + timedelta(days=31)) == PRACTICE


def test_a_goal_review_already_taken_up_is_not_repeated_in_that_period():
    due = date(2026, 4, 5)
    assert kind_of(on=due + timedelta(days=7), last_review=due - timedelta(days=2)) == PRACTICE
    # the review of the period before does not count for this one
    assert kind_of(on=due, last_review=date(2026, 1, 1)) == GOAL_REVIEW


def test_monthly_reviews_each_get_their_session_even_when_one_was_late():
    # the first review (due 5 February) taken late, when the second's week has begun
    assert kind_of(on=date(2026, 3, 1), interval=1, last_review=date(2026, 2, 28)) == PRACTICE
    assert kind_of(on=date(2026, 3, 8), interval=1, last_review=date(2026, 2, 28)) == GOAL_REVIEW


def test_every_other_session_is_practice():
    assert kind_of(on=date(2026, 2, 16)) == PRACTICE


def test_a_plan_missing_a_kind_falls_back_to_practice_and_without_practice_to_none():
    only_practice = [Step(PRACTICE)]
    assert kind_of(only_practice, count=0) == PRACTICE
    assert kind_of(only_practice, on=END) == PRACTICE
    assert kind_of([Step(AGREEMENT)], count=4) is None
    assert kind_of([], count=0) is None


def test_several_practice_steps_take_turns():
    plan = [Step(AGREEMENT), Step(PRACTICE, "listen"), Step(PRACTICE, "role-play")]
    titles = [
        plan_step_for(
            plan,
            held_or_planned_count=count,
            session_on=date(2026, 2, 16),
            mentorship_ends_on=END,
            goal_reviews_from=START,
            goal_review_interval_months=3,
        ).title
        for count in (1, 2, 3)
    ]
    assert titles == ["role-play", "listen", "role-play"]


# ---------------------------------------------------------------- which step, as properties

plans = st.lists(st.sampled_from(list(PlanStepKind)), max_size=6).map(
    lambda kinds: [Step(kind, str(n)) for n, kind in enumerate(kinds)]
)


@given(
    plan=plans,
    count=st.integers(0, 40),
    on=st.dates(date(2025, 12, 1), date(2027, 2, 1)),
    last_review=st.none() | st.dates(date(2025, 12, 1), date(2027, 2, 1)),
    interval=st.integers(1, 12),
)
def test_a_session_follows_a_step_of_its_kind_else_practice_else_none(
    plan, count, on, last_review, interval
):
    step = plan_step_for(
        plan,
        held_or_planned_count=count,
        session_on=on,
        mentorship_ends_on=END,
        goal_reviews_from=START,
        goal_review_interval_months=interval,
        last_goal_review_step_on=last_review,
    )
    wanted = step_kind_for(
        held_or_planned_count=count,
        session_on=on,
        mentorship_ends_on=END,
        goal_reviews_from=START,
        goal_review_interval_months=interval,
        last_goal_review_step_on=last_review,
    )
    kinds = {s.kind for s in plan}
    if wanted in kinds:
        assert step in plan and step.kind == wanted
    elif PRACTICE in kinds:
        assert step in plan and step.kind == PRACTICE
    else:
        assert step is None


@given(
    every_days=st.integers(3, 21),
    first_after_days=st.integers(0, 40),
    months=st.integers(4, 14),
    interval=st.integers(1, 6),
)
def test_over_a_whole_mentorship_each_goal_review_has_exactly_one_session(
    every_days, first_after_days, months, interval
):
    """Sessions every few weeks from the start to the end: one agreement first, one goal
    review for every period due while the pair meets (none twice), closing sessions in the
    last two weeks only, practice otherwise."""
    ends = START + timedelta(days=30 * months)
    days = []
    day = START + timedelta(days=first_after_days)
    while day <= ends:
        days.append(day)
        day += timedelta(days=every_days)
    kinds, last_review = [], None
    for count, day in enumerate(days):
        step = plan_step_for(
            FULL_PLAN,
            held_or_planned_count=count,
            session_on=day,
            mentorship_ends_on=ends,
            goal_reviews_from=START,
            goal_review_interval_months=interval,
            last_goal_review_step_on=last_review,
        )
        kinds.append(step.kind)
        if step.kind == GOAL_REVIEW:
            last_review = day
    assert kinds[0] == AGREEMENT and AGREEMENT not in kinds[1:]
    for day, kind in zip(days[1:], kinds[1:], strict=True):
        assert (kind == CLOSING) == (day >= ends - CLOSING_WINDOW)
    reviewed = [
        review_period_on(START, interval, day)
        for day, kind in zip(days, kinds, strict=True)
        if kind == GOAL_REVIEW
    ]
    assert len(reviewed) == len(set(reviewed)), "a period reviewed twice"
    # every period whose whole window lies between the first session and the closing ones
    expected = [
        period
        for period in range(1, 40)
        if days[1] <= review_due_on(START, interval, period) - timedelta(days=7)
        and review_due_on(START, interval, period) + timedelta(days=30) < ends - CLOSING_WINDOW
    ]
    assert set(expected) <= set(reviewed)


# ---------------------------------------------------------------- agenda points


def test_a_point_naming_the_skill_comes_once_for_each_focus_skill():
    points = ["{skill}: a real moment.", "Role-play where {skill} matters.", "One experiment."]
    assert points_for(points, ["Active listening", "Empathy"], max_length=600) == [
        "Active listening: a real moment.",
        "Empathy: a real moment.",
        "Role-play where active listening matters.",
        "Role-play where empathy matters.",
        "One experiment.",
    ]


def test_a_mentee_without_focus_skills_gets_points_about_the_focus_skill():
    assert points_for(["{skill}: now.", "Where {skill} matters."], [], max_length=600) == [
        "The focus skill: now.",
        "Where the focus skill matters.",
    ]


def test_a_skill_written_in_capitals_keeps_them_and_long_points_are_cut():
    assert points_for(["Practise {skill}."], ["EQ"], max_length=600) == ["Practise EQ."]
    assert (
        points_for(["{skill} " + "x" * 700], ["Empathy"], max_length=600)[0]
        == (("Empathy " + "x" * 700)[:600])
    )


@given(
    points=st.lists(
        st.sampled_from(["{skill}: now", "Where {skill} matters", "An experiment", "x" * 650]),
        max_size=8,
    ),
    skills=st.lists(st.sampled_from(["Empathy", "Active listening", "EQ"]), max_size=2),
)
def test_every_point_comes_once_per_skill_it_names_and_none_keeps_the_placeholder(points, skills):
    filled = points_for(points, skills)
    assert len(filled) == sum(max(len(skills), 1) if "{skill}" in p else 1 for p in points)
    assert all("{skill}" not in point and len(point) <= 600 for point in filled)


def test_the_default_plan_has_the_four_steps_with_two_to_four_points_naming_the_skill():
    assert [kind for kind, _title, _points in DEFAULT_PLAN] == list(PlanStepKind)
    for _kind, title, points in DEFAULT_PLAN:
        assert title and 2 <= len(points) <= 4
        assert any("{skill}" in point for point in points)
        assert all(len(point) <= 600 for point in points)


# ---------------------------------------------------------------- the default plan


def test_a_new_program_starts_with_the_default_plan(world):
    organization = world.acme.organization
    with activate(organization):
        program = Program(
            organization=organization,
            name="Speak up",
            purpose="Help quieter people be heard.",
            starts_on=date(2026, 1, 5),
            ends_on=date(2026, 12, 20),
        )
        program_save(
            organization=organization,
            actor=world.acme.manager,
            program=program,
            focus_skills=list(Skill.objects.order_by("name")[:1]),
        )
        steps = list(SessionPlanStep.objects.filter(program=program))
    assert [(s.kind, s.title, s.points) for s in steps] == [tuple(s) for s in DEFAULT_PLAN]
    assert [s.position for s in steps] == [1, 2, 3, 4]


def test_saving_a_program_again_keeps_the_managers_own_plan(world):
    program = make_program(world.acme)
    use_plan(program, (PRACTICE, "Our own practice", ["{skill} in the week"]))
    organization = world.acme.organization
    with activate(organization):
        program.name = "Renamed"
        program_save(
            organization=organization,
            actor=world.acme.manager,
            program=program,
            focus_skills=list(Skill.objects.order_by("name")[:1]),
        )
    assert [step.title for step in plan_of(program)] == ["Our own practice"]


@pytest.mark.django_db(transaction=True)
def test_installing_the_default_plan_twice_at_once_installs_it_once():
    world = build_world()
    program = make_program(world.acme)
    use_plan(program)
    barrier = threading.Barrier(2)
    installed: list[bool] = []

    def install():
        try:
            barrier.wait(timeout=30)
            with activate(world.acme.organization):
                installed.append(
                    session_plan_install_default(
                        organization=world.acme.organization, program=program
                    )
                )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=install) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(installed) == [False, True]
    assert len(plan_of(program)) == len(DEFAULT_PLAN)


@pytest.fixture
def manager(client, world):
    return client_for(client, world.acme.organization, world.acme.manager)


def test_the_admin_action_gives_programs_without_a_plan_the_default_one(manager, world):
    bare = make_program(world.acme, name="Bare")
    use_plan(bare)
    own = make_program(world.acme, name="Own plan")
    use_plan(own, (PRACTICE, "Our own practice", ["{skill} in the week"]))
    response = manager.post(
        reverse("admin:programs_program_changelist"),
        {
            "action": "use_default_session_plan",
            "_selected_action": [bare.pk, own.pk],
            "index": 0,
        },
        follow=True,
    )
    page = response.content.decode()
    assert "“Bare” now follows the default session plan." in page
    assert "“Own plan” has a session plan already: it was left as it is." in page
    assert [step.kind for step in plan_of(bare)] == list(PlanStepKind)
    assert [step.title for step in plan_of(own)] == ["Our own practice"]


def test_the_action_twice_installs_the_plan_once(manager, world):
    bare = make_program(world.acme, name="Bare")
    use_plan(bare)
    data = {"action": "use_default_session_plan", "_selected_action": [bare.pk], "index": 0}
    for _ in range(2):
        manager.post(reverse("admin:programs_program_changelist"), data)
    assert len(plan_of(bare)) == len(DEFAULT_PLAN)


def test_the_action_cannot_reach_another_organizations_program(manager, world):
    theirs = make_program(world.globex)
    use_plan(theirs)
    manager.post(
        reverse("admin:programs_program_changelist"),
        {"action": "use_default_session_plan", "_selected_action": [theirs.pk], "index": 0},
    )
    assert plan_of(theirs) == []


# ---------------------------------------------------------------- the admin's checks


def step_form(**data) -> SessionPlanStepForm:
    fields = {"position": 1, "kind": PRACTICE, "title": "Practise", **data}
    form = SessionPlanStepForm(data=fields)
    form.fields.pop("program")
    return form


def test_points_are_one_a_line_tidied_and_blank_lines_dropped(world):
    with activate(world.acme.organization):
        form = step_form(points="  {skill}:   a real moment \r\n\r\nRole-play it\r\n")
        assert form.is_valid(), form.errors
    assert form.cleaned_data["points"] == ["{skill}: a real moment", "Role-play it"]


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ("", "Give the step at least one agenda point, one a line."),
        ("\n".join(f"Point {n}" for n in range(9)), "up to 8 points (9 now)"),
        ("x" * 601, "Point 1 is 601 characters long: keep each point under 600."),
        ("Fine\nPractise {skills} today", "Point 2 has {skills}: only {skill} is filled in"),
    ],
)
def test_a_step_with_bad_points_is_refused_with_a_message_saying_what_to_change(
    world, points, message
):
    with activate(world.acme.organization):
        form = step_form(points=points)
        assert not form.is_valid()
    assert message in " ".join(form.errors["points"])


def test_the_steps_page_refuses_a_second_closing_step_and_saves_a_good_step(manager, world):
    program = make_program(world.acme)
    use_plan(program, (CLOSING, "Goodbye", ["{skill} next"]))
    url = reverse("admin:programs_sessionplanstep_add")
    data = {"program": program.pk, "position": 2, "kind": CLOSING, "title": "Again"}
    response = manager.post(url, {**data, "points": "What next"})
    assert response.status_code == 200
    assert "A plan has one step “Closing session”" in response.content.decode()
    response = manager.post(url, {**data, "kind": PRACTICE, "points": "Try {skill}\nDebrief"})
    assert response.status_code == 302
    assert [(s.title, s.points) for s in plan_of(program)] == [
        ("Goodbye", ["{skill} next"]),
        ("Again", ["Try {skill}", "Debrief"]),
    ]


def test_the_steps_page_lists_only_this_organizations_steps(manager, world):
    ours, theirs = make_program(world.acme), make_program(world.globex)
    use_plan(ours, (PRACTICE, "Acme practice", ["{skill}"]))
    (their_step,) = use_plan(theirs, (PRACTICE, "Globex practice", ["{skill}"]))
    page = manager.get(reverse("admin:programs_sessionplanstep_changelist")).content.decode()
    assert "Acme practice" in page and "Globex practice" not in page
    change = reverse("admin:programs_sessionplanstep_change", args=[their_step.pk])
    assert manager.get(change).status_code == 404
