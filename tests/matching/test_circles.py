"""Forming circles: the hard rules on small random programs, then hand-made examples."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.circles import BAND_HOURS, Circle, Reason, circle_breakdown, form_circles
from matching.scoring import Criterion, Problem, Side, Weight, score_block
from tests.matching.test_solver import side

FOCUS_ONLY = {criterion: Weight.OFF for criterion in Criterion} | {
    Criterion.FOCUS_SKILLS: Weight.MUST,
    Criterion.SENIORITY: Weight.MEDIUM,
}


# MUST less often than in the solver's tests, so that most examples form some circles
WEIGHTS = [Weight.MEDIUM, Weight.HIGH, Weight.LOW, Weight.OFF, Weight.MEDIUM, Weight.MUST]


@st.composite
def programs(draw):
    n_mentees = draw(st.integers(0, 16))
    n_mentors = draw(st.integers(1, 4))
    mentees = side(draw, n_mentees, 0)
    mentors = side(draw, n_mentors, 100)
    if n_mentees and draw(st.booleans()):  # someone is both: never in their own circle
        mentors.person[0] = mentees.person[0]
    pairs = st.tuples(st.integers(0, max(n_mentees - 1, 0)), st.integers(0, n_mentors - 1))
    excluded = draw(st.lists(pairs, max_size=4)) if n_mentees else []
    preferred = draw(st.lists(pairs, max_size=3)) if n_mentees else []
    problem = Problem(
        mentees=mentees,
        mentors=mentors,
        capacity=np.array(
            draw(st.lists(st.sampled_from([1, 2, 0]), min_size=n_mentors, max_size=n_mentors))
        ),
        weights={c: draw(st.sampled_from(WEIGHTS)) for c in Criterion},
        min_seniority_gap=draw(st.integers(0, 2)),
        excluded_pairs=np.array(excluded, np.int64).reshape(-1, 2),
        preferred_pairs=np.array(preferred, np.int64).reshape(-1, 2),
    )
    low = draw(st.integers(1, 3))
    sizes = {
        "min_mentees": low,
        "max_mentees": draw(st.integers(low, low + 3)),
        "mentors_per_circle": draw(st.integers(1, 2)),
    }
    return problem, sizes


def hours_apart(a: float, b: float) -> float:
    return min(abs(a - b), 24 - abs(a - b))


def assert_plan_keeps_the_rules(problem, plan, min_mentees, max_mentees, mentors_per_circle):
    score, eligible = score_block(problem, np.arange(len(problem.mentees)))
    excluded = {tuple(pair) for pair in problem.excluded_pairs.tolist()}
    load = np.zeros(len(problem.mentors), dtype=int)
    placed = []
    for circle in plan.circles:
        assert min_mentees <= len(circle.mentees) <= max_mentees
        assert len(set(circle.mentors)) == len(circle.mentors) == mentors_per_circle
        for mentee, mentor in itertools.product(circle.mentees, circle.mentors):
            assert eligible[mentee, mentor]
            assert problem.mentees.person[mentee] != problem.mentors.person[mentor]
            assert (mentee, mentor) not in excluded
        word, bit = divmod(circle.skill_bit, 64)
        assert all(int(problem.mentees.skills[m, word]) >> bit & 1 for m in circle.mentees)
        offsets = problem.mentees.utc_offset[list(circle.mentees)].tolist()
        assert any(all(hours_apart(o, centre) <= BAND_HOURS for o in offsets) for centre in offsets)
        assert circle.score == pytest.approx(
            float(score[np.ix_(circle.mentees, circle.mentors)].sum())
        )
        load[list(circle.mentors)] += 1
        placed.extend(circle.mentees)
    assert (load <= problem.capacity).all()
    assert len(placed) == len(set(placed))
    assert set(placed).isdisjoint(plan.unmatched)
    assert set(placed) | set(plan.unmatched) == set(range(len(problem.mentees)))
    assert all(isinstance(reason, Reason) for reason in plan.unmatched.values())


@settings(max_examples=300, deadline=None)
@given(programs())
def test_no_circle_breaks_a_hard_rule_size_band_or_capacity(program):
    problem, sizes = program
    plan = form_circles(problem, **sizes)
    assert_plan_keeps_the_rules(problem, plan, **sizes)


@settings(max_examples=100, deadline=None)
@given(programs())
def test_the_same_program_always_gives_the_same_circles(program):
    problem, sizes = program
    assert form_circles(problem, **sizes) == form_circles(problem, **sizes)


def people(skills, offsets=None, departments=None, first_person=0) -> Side:
    n = len(skills)
    return Side(
        person=np.arange(first_person, first_person + n, dtype=np.int64),
        department=np.array(departments if departments is not None else range(n), np.int32),
        rank=np.full(n, -1, np.int16),
        utc_offset=np.array(offsets if offsets is not None else [0.0] * n, np.float32),
        languages=np.ones((n, 1), np.uint64),
        skills=np.array(skills, np.uint64)[:, None],
    )


def program(mentee_skills, mentor_skills, capacity=None, **changes) -> Problem:
    offsets = changes.pop("offsets", None)
    problem = Problem(
        mentees=people(mentee_skills, offsets),
        mentors=people(mentor_skills, first_person=100),
        capacity=np.array(capacity or [1] * len(mentor_skills)),
        weights=changes.pop("weights", FOCUS_ONLY),
    )
    for name, value in changes.items():
        setattr(problem, name, np.array(value, np.int64))
    return problem


def test_mentees_with_two_different_skills_make_two_circles():
    problem = program([0b01, 0b01, 0b01, 0b10, 0b10, 0b10], [0b11, 0b11])
    plan = form_circles(problem, min_mentees=3, max_mentees=6, mentors_per_circle=1)
    assert sorted((c.skill_bit, c.mentees) for c in plan.circles) == [
        (0, (0, 1, 2)),
        (1, (3, 4, 5)),
    ]
    assert {c.mentors for c in plan.circles} == {(0,), (1,)}
    assert plan.unmatched == {}


def test_a_mentee_whose_manager_is_the_only_mentor_stays_out_of_that_circle():
    problem = program([0b1] * 4, [0b1], excluded_pairs=[[0, 0]])
    plan = form_circles(problem, min_mentees=3, max_mentees=6, mentors_per_circle=1)
    assert plan.circles == [Circle(mentors=(0,), mentees=(1, 2, 3), skill_bit=0, score=75.0)]
    assert plan.unmatched == {0: Reason.NO_ELIGIBLE_MENTOR}


def test_two_mentors_guide_a_circle_when_both_may_guide_every_mentee():
    # mentor 2 manages mentee 1, so only mentors 0 and 1 can share the circle
    problem = program([0b1] * 4, [0b1] * 3, excluded_pairs=[[1, 2]])
    plan = form_circles(problem, min_mentees=3, max_mentees=6, mentors_per_circle=2)
    assert [(c.mentors, c.mentees) for c in plan.circles] == [((0, 1), (0, 1, 2, 3))]


def test_mentees_far_apart_in_time_zones_meet_in_separate_circles():
    problem = program([0b1] * 6, [0b1], capacity=[2], offsets=[0, 0, 1, 9, 9, 10])
    plan = form_circles(problem, min_mentees=3, max_mentees=6, mentors_per_circle=1)
    assert sorted(c.mentees for c in plan.circles) == [(0, 1, 2), (3, 4, 5)]


def test_large_groups_split_into_circles_of_near_equal_size():
    problem = program([0b1] * 8, [0b1] * 2)
    plan = form_circles(problem, min_mentees=3, max_mentees=6, mentors_per_circle=1)
    assert sorted(len(c.mentees) for c in plan.circles) == [4, 4]


def test_every_mentee_left_out_is_told_why():
    problem = program(
        [0b01, 0b01, 0b10, 0b10, 0b10, 0b10, 0b10, 0b10, 0b100],
        [0b11, 0b10],
        capacity=[1, 0],
        weights=FOCUS_ONLY | {Criterion.FOCUS_SKILLS: Weight.MEDIUM},
    )
    problem.mentees.skills[8] = 0
    plan = form_circles(problem, min_mentees=3, max_mentees=3, mentors_per_circle=1)
    assert [c.mentees for c in plan.circles] == [(2, 3, 4)]
    assert plan.unmatched == {
        0: Reason.GROUP_TOO_SMALL,
        1: Reason.GROUP_TOO_SMALL,
        5: Reason.CAPACITY_EXHAUSTED,
        6: Reason.CAPACITY_EXHAUSTED,
        7: Reason.CAPACITY_EXHAUSTED,
        8: Reason.NO_FOCUS_SKILL,
    }


def test_each_member_breakdown_sums_to_their_score_with_the_first_mentor():
    problem = program(
        [0b1, 0b1, 0b11],
        [0b11, 0b1],
        weights={c: Weight.MEDIUM for c in Criterion},
        preferred_pairs=[[2, 0]],
    )
    problem.mentees.rank[:] = [1, 2, 3]
    problem.mentors.rank[:] = [4, 5]
    plan = form_circles(problem, min_mentees=3, max_mentees=3, mentors_per_circle=2)
    (circle,) = plan.circles
    score, _eligible = score_block(problem, np.arange(3))
    breakdown = circle_breakdown(problem, circle)
    assert list(breakdown) == [0, 1, 2]
    for mentee, parts in breakdown.items():
        assert sum(points for _criterion, points in parts) == float(score[mentee, 0])
    assert dict(breakdown[2])[Criterion.PREFERENCE] == 20.0


def test_impossible_circle_sizes_are_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="min_mentees <= max_mentees"):
        form_circles(program([0b1], [0b1]), min_mentees=5, max_mentees=3, mentors_per_circle=1)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 30),
    st.lists(st.integers(0, 3), min_size=1, max_size=5),
    st.integers(1, 4),
    st.integers(0, 4),
    st.integers(1, 2),
)
def test_when_anyone_may_join_any_circle_as_many_are_placed_as_the_sizes_allow(
    n_mentees, capacity, low, spread, mentors_per_circle
):
    problem = program([0b1] * n_mentees, [0b1] * len(capacity), capacity=capacity)
    plan = form_circles(
        problem,
        min_mentees=low,
        max_mentees=low + spread,
        mentors_per_circle=mentors_per_circle,
    )
    circles = min(sum(capacity) // mentors_per_circle, n_mentees // low)
    if mentors_per_circle == 2:  # no mentor guides a circle with themself
        circles = min(circles, sum(capacity) - max(capacity))
    placed = sum(len(c.mentees) for c in plan.circles)
    assert placed == min(n_mentees, circles * (low + spread))


def test_the_circle_benchmark_reports_who_was_placed_and_why_others_were_not(capsys):
    from bench.matching import main

    figures = main(["--format", "circle", "--mentees", "300", "--mentors", "60"])
    left_out = sum(figures["unmatched"].values())
    assert figures["placed"] + left_out == 300
    assert figures["placed"] >= 0.9 * 300
    assert 3 <= figures["average_size"] <= 6
    assert capsys.readouterr().out.splitlines()[-1].startswith('{"format": "circle"')


def test_a_full_circle_lends_members_so_a_mentee_with_one_possible_mentor_is_placed():
    # mentor 0 may guide everyone but mentee 6; mentor 1 only mentees 0, 5 and 6
    problem = program(
        [0b1] * 7,
        [0b1, 0b1],
        excluded_pairs=[[6, 0], [1, 1], [2, 1], [3, 1], [4, 1]],
    )
    plan = form_circles(problem, min_mentees=3, max_mentees=6, mentors_per_circle=1)
    assert sorted((c.mentors, c.mentees) for c in plan.circles) == [
        ((0,), (1, 2, 3, 4)),
        ((1,), (0, 5, 6)),
    ]


def test_a_full_circle_also_lends_members_to_a_circle_of_two_mentors():
    # mentors 0 and 1 may guide everyone but mentee 6; mentors 2 and 3 only 0, 5 and 6
    outside = [[6, 0], [6, 1]] + [[mentee, mentor] for mentee in (1, 2, 3, 4) for mentor in (2, 3)]
    problem = program([0b1] * 7, [0b1] * 4, excluded_pairs=outside)
    plan = form_circles(problem, min_mentees=3, max_mentees=6, mentors_per_circle=2)
    assert sorted((c.mentors, c.mentees) for c in plan.circles) == [
        ((0, 1), (1, 2, 3, 4)),
        ((2, 3), (0, 5, 6)),
    ]
