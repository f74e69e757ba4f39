"""The program manager's part of the home page: program health, counts, names and dates
only (never session notes, feedback or private notes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from matching.models import OPEN_MENTORSHIP, Mentorship
from programs.models import (
    Program,
)
from sessions.models import Session
from sessions.selectors.at_risk import activity_of, with_activity

from .clock import (
    HEALTH_STATUSES,
    Clock,
    MonthlyChart,
    chart,
    held_per_month,
    mentee_reviewed_periods,
    next_review,
)


@dataclass
class PairDate:
    """A pair at risk (``sessions.selectors.at_risk``) named with the date it last met
    (None: it has not met yet)."""

    mentorship: Mentorship
    on: date | None


@dataclass
class PairDue:
    """A pair named with the date its goal review is due."""

    mentorship: Mentorship
    on: date


@dataclass
class ProgramHealth:
    program: Program
    matched: int = 0
    at_risk: list[PairDate] = field(default_factory=list)
    reviews_due: list[PairDue] = field(default_factory=list)
    reviews_overdue: list[PairDue] = field(default_factory=list)
    chart: MonthlyChart | None = None


@dataclass
class ManagerDashboard:
    programs: list[ProgramHealth]


def manager_dashboard(clock: Clock) -> ManagerDashboard:
    programs = list(
        Program.objects.filter(status__in=HEALTH_STATUSES).order_by("-starts_on", "name", "pk")
    )
    if not programs:
        return ManagerDashboard(programs=[])
    health = {program.pk: ProgramHealth(program=program) for program in programs}
    pairs = list(
        with_activity(
            Mentorship.objects.filter(OPEN_MENTORSHIP, program__in=list(health)), clock.now
        )
        .select_related("mentee__person", "mentee__program", "mentor__person")
        .order_by("pk")
    )
    reviewed = mentee_reviewed_periods([pair.mentee_id for pair in pairs])
    for pair in pairs:
        entry = health[pair.program_id]
        entry.matched += 1
        activity = activity_of(pair)
        if activity.is_at_risk(clock.today, clock.zone):
            last_held = activity.last_held_at
            last = last_held.astimezone(clock.zone).date() if last_held else None
            entry.at_risk.append(PairDate(mentorship=pair, on=last))
        review = next_review(pair.mentee, reviewed.get(pair.mentee_id, set()), clock.today)
        if review.is_overdue:
            entry.reviews_overdue.append(PairDue(mentorship=pair, on=review.due_on))
        elif review.is_due_soon:
            entry.reviews_due.append(PairDue(mentorship=pair, on=review.due_on))
    held = held_per_month(
        Session.objects.filter(mentorship__program__in=list(health)),
        clock,
        group_by="mentorship__program_id",
    )
    for entry in health.values():
        entry.at_risk.sort(key=lambda row: row.on or row.mentorship.started_on)
        entry.reviews_due.sort(key=lambda row: row.on)
        entry.reviews_overdue.sort(key=lambda row: row.on)
        entry.chart = chart(
            f"program-{entry.program.pk}",
            f"Sessions held per month in {entry.program.name}",
            held,
            entry.program.pk,
            clock,
        )
    return ManagerDashboard(programs=list(health.values()))
