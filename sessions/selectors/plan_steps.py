"""Which step of the program's session plan new sessions of a pair follow, and the agenda
points they start with (``programs.session_plans``): read by the planning page before the
session exists, and by ``sessions.services.plan_prefill`` when it does. Three queries
(one when the program has no plan), whatever the number of sessions and points."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.db.models import Count, Max, Q

from matching.models import Mentorship
from programs.models import EnrollmentSkill, PlanStepKind, SessionPlanStep
from programs.schedule import review_start_on
from programs.session_plans import plan_step_for, points_for

from ..models import Session, SessionStatus


@dataclass(frozen=True)
class PlannedStep:
    step: SessionPlanStep
    points: list[str]


def _day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def plan_steps_for(
    mentorship: Mentorship, starts: Sequence[datetime], *, excluding: Iterable[int] = ()
) -> list[PlannedStep | None]:
    """The plan step (or none) and its points for new sessions of ``mentorship`` at
    ``starts`` (in order), after the pair's held and planned sessions but those of
    ``excluding`` (the new sessions themselves, once saved)."""
    steps = list(
        SessionPlanStep.objects.filter(program_id=mentorship.program_id).select_related("program")
    )
    if not steps:
        return [None] * len(starts)
    program = steps[0].program
    skills = list(
        EnrollmentSkill.objects.filter(enrollment_id=mentorship.mentee_id)
        .order_by("pk")
        .values_list("skill__name", flat=True)
    )
    history = (
        Session.objects.filter(
            mentorship=mentorship, status__in=[SessionStatus.PLANNED, SessionStatus.HELD]
        )
        .exclude(pk__in=list(excluding))
        .aggregate(
            count=Count("pk"),
            last_review=Max("starts_at", filter=Q(plan_step__kind=PlanStepKind.GOAL_REVIEW)),
        )
    )
    decided_at = mentorship.mentee.decided_at
    reviews_from = review_start_on(program.starts_on, decided_at.date() if decided_at else None)
    count, last_review = history["count"], history["last_review"]
    last_review_on = _day(last_review) if last_review else None
    planned: list[PlannedStep | None] = []
    for start in starts:
        step = plan_step_for(
            steps,
            held_or_planned_count=count,
            session_on=_day(start),
            mentorship_ends_on=mentorship.ends_on,
            goal_reviews_from=reviews_from,
            goal_review_interval_months=program.goal_review_interval_months,
            last_goal_review_step_on=last_review_on,
        )
        count += 1
        if step is None:
            planned.append(None)
            continue
        if step.kind == PlanStepKind.GOAL_REVIEW:
            last_review_on = _day(start)
        planned.append(PlannedStep(step, points_for(step.points, skills)))
    return planned
