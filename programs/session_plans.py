"""A program's session plan: the path a pair's sessions follow (the first session for the
agreement and goals, focus-skill practice with a role-play, a goal review each period, a
closing session), and which step a new session follows. Pure: no database.

The goal-review periods are the one schedule of ``programs.schedule``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Protocol, TypeVar

from .models import PlanStepKind
from .schedule import review_due_on, review_period_on

SKILL = "{skill}"
# A session this close to the mentorship's end closes it.
CLOSING_WINDOW = timedelta(days=14)
# A goal review is taken up from a week before it falls due (and, like the review itself,
# until ``programs.schedule.REVIEW_WINDOW`` after).
GOAL_REVIEW_LEAD = timedelta(days=7)
# A point's longest text: a step's points and an agenda point (AgendaItem.text) alike.
POINT_MAX_LENGTH = 600
# Who the points speak of when the mentee has no focus skill (yet).
NO_SKILL = "the focus skill"

# The plan every new program starts with: (kind, title, agenda points).
DEFAULT_PLAN: list[tuple[PlanStepKind, str, list[str]]] = [
    (
        PlanStepKind.AGREEMENT,
        "Getting started: your agreement and goals",
        [
            "What brought each of you to this program, and what you hope it changes.",
            "How you work together: how often you meet, what stays between you, and how "
            "each of you likes to hear feedback.",
            "{skill}: the goal for the months ahead, and what would show that it is growing.",
        ],
    ),
    (
        PlanStepKind.PRACTICE,
        "Practise a focus skill",
        [
            "{skill}: a real moment since you last met, what you tried and what happened.",
            "Role-play a real conversation coming up soon where {skill} matters: the mentor "
            "plays the other person first, then swap.",
            "What worked in the role-play, and one small experiment to try before you meet again.",
        ],
    ),
    (
        PlanStepKind.GOAL_REVIEW,
        "Goal review",
        [
            "The goal: what has changed since you set it, with one example each.",
            "{skill}: where it stands now, and what the next step would look like.",
            "The focus for the next period: keep the goal, sharpen it, or choose a new one.",
        ],
    ),
    (
        PlanStepKind.CLOSING,
        "Closing session",
        [
            "Looking back: the moments of this mentorship that mattered most.",
            "{skill}: what you now do differently, and how you will keep practising it.",
            "What each of you takes away, and how you would like to stay in touch.",
        ],
    ),
]


class PlanStep(Protocol):
    kind: str


Step = TypeVar("Step", bound=PlanStep)


def step_kind_for(
    *,
    held_or_planned_count: int,
    session_on: date,
    mentorship_ends_on: date,
    goal_reviews_from: date,
    goal_review_interval_months: int,
    last_goal_review_step_on: date | None = None,
) -> PlanStepKind:
    """The kind of step a new session follows: the pair's first session is the agreement;
    one in the last two weeks before the mentorship ends closes it; one from a week before
    a goal review falls due (while that review still counts) is the goal review, unless a
    session already took that period's review up; any other session is practice."""
    if held_or_planned_count == 0:
        return PlanStepKind.AGREEMENT
    if session_on >= mentorship_ends_on - CLOSING_WINDOW:
        return PlanStepKind.CLOSING
    if goal_review_interval_months >= 1 and session_on >= goal_reviews_from:
        period = review_period_on(goal_reviews_from, goal_review_interval_months, session_on)
        due_on = review_due_on(goal_reviews_from, goal_review_interval_months, period)
        opens_on = due_on - GOAL_REVIEW_LEAD
        taken_up = (
            last_goal_review_step_on is not None
            and last_goal_review_step_on >= opens_on
            and review_period_on(
                goal_reviews_from, goal_review_interval_months, last_goal_review_step_on
            )
            >= period
        )
        if session_on >= opens_on and not taken_up:
            return PlanStepKind.GOAL_REVIEW
    return PlanStepKind.PRACTICE


def plan_step_for(
    steps: Sequence[Step],
    *,
    held_or_planned_count: int,
    session_on: date,
    mentorship_ends_on: date,
    goal_reviews_from: date,
    goal_review_interval_months: int,
    last_goal_review_step_on: date | None = None,
) -> Step | None:
    """The step of ``steps`` (a program's plan, in order) a new session follows
    (``step_kind_for``). A plan without that kind falls back to practice, and one without
    practice either gives none. Several steps of one kind take turns."""
    kind = step_kind_for(
        held_or_planned_count=held_or_planned_count,
        session_on=session_on,
        mentorship_ends_on=mentorship_ends_on,
        goal_reviews_from=goal_reviews_from,
        goal_review_interval_months=goal_review_interval_months,
        last_goal_review_step_on=last_goal_review_step_on,
    )
    for wanted in (kind, PlanStepKind.PRACTICE):
        candidates = [step for step in steps if step.kind == wanted]
        if candidates:
            return candidates[held_or_planned_count % len(candidates)]
    return None


def _named(point: str, skill: str) -> str:
    at_start = point.startswith(SKILL)
    if at_start:
        skill = skill[:1].upper() + skill[1:]
    elif skill[1:2].islower():  # "Active listening" mid-sentence; "EQ" stays as it is
        skill = skill[:1].lower() + skill[1:]
    return point.replace(SKILL, skill)


def points_for(
    points: Sequence[str], skills: Sequence[str], *, max_length: int = POINT_MAX_LENGTH
) -> list[str]:
    """A step's agenda points for a mentee with these focus skills (their names): a point
    naming ``{skill}`` once per skill, every other point once; cut to ``max_length``."""
    names = list(skills) or [NO_SKILL]
    filled: list[str] = []
    for point in points:
        if SKILL in point:
            filled.extend(_named(point, name)[:max_length] for name in names)
        else:
            filled.append(point[:max_length])
    return filled
