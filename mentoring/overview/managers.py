"""The program manager's part of the home page: program health, counts, names and dates
only (never session notes, feedback or private notes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import (
    BooleanField,
    DateField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Value,
)

from matching.models import OPEN_MENTORSHIP, Mentorship, MentorshipStatus
from programs.models import (
    Program,
)
from sessions.models import Session, SessionStatus

from .clock import (
    HEALTH_STATUSES,
    Clock,
    MonthlyChart,
    chart,
    held_per_month,
    last_held_at,
    mentee_reviewed_periods,
    next_review,
)


@dataclass
class PairDate:
    """A pair at risk named with the date it last met (None: it has not met yet)."""

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


def _at_risk(clock: Clock) -> tuple[ExpressionWrapper, Q]:
    """An active pair is at risk when its program's check-in cadence (in days) has passed
    since its last held session or, before the first one, since its start: the rule of the
    managers' weekly digest (``(today - since).days >= cadence``), in the person's dates.
    Paused pairs rest on purpose and are not at risk.

    Returns the moment the pair's window opens (annotate it as ``cadence_opens_at``) and
    the condition. Built per call: the scoped manager filters by the active organization.
    """
    cadence = F("program__checkin_cadence_days") * Value(timedelta(days=1))
    tomorrow = clock.today + timedelta(days=1)
    opens_at = ExpressionWrapper(
        Value(clock.start_of(tomorrow)) - cadence, output_field=DateTimeField()
    )
    opens_on = ExpressionWrapper(Value(tomorrow) - cadence, output_field=DateField())
    held_within_cadence = Session.objects.filter(
        mentorship=OuterRef("pk"),
        status=SessionStatus.HELD,
        starts_at__gte=OuterRef("cadence_opens_at"),
    )
    # django-stubs types Q.__and__ for a Q only; Django takes any conditional expression
    # and returns a Q.
    at_risk: Q = Q(status=MentorshipStatus.ACTIVE, started_on__lt=opens_on) & ~Exists(  # type: ignore[assignment]
        held_within_cadence
    )
    return opens_at, at_risk


def manager_dashboard(clock: Clock) -> ManagerDashboard:
    programs = list(
        Program.objects.filter(status__in=HEALTH_STATUSES).order_by("-starts_on", "name", "pk")
    )
    if not programs:
        return ManagerDashboard(programs=[])
    health = {program.pk: ProgramHealth(program=program) for program in programs}
    opens_at, at_risk = _at_risk(clock)
    pairs = list(
        Mentorship.objects.filter(OPEN_MENTORSHIP, program__in=list(health))
        .select_related("mentee__person", "mentee__program", "mentor__person")
        .annotate(last_held_at=last_held_at(), cadence_opens_at=opens_at)
        .annotate(is_at_risk=ExpressionWrapper(at_risk, output_field=BooleanField()))
        .order_by("pk")
    )
    reviewed = mentee_reviewed_periods([pair.mentee_id for pair in pairs])
    for pair in pairs:
        entry = health[pair.program_id]
        entry.matched += 1
        if pair.is_at_risk:
            last = pair.last_held_at.astimezone(clock.zone).date() if pair.last_held_at else None
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
