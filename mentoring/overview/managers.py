"""The program manager's part of the home page: program health, counts, names and dates
only (never session notes, feedback or private notes).

Every figure is computed in the database, so the page costs the same few queries at ten
pairs or ten thousand: one query (``HEALTH``) counts per program (pairs, at risk, goal
reviews due and overdue) and picks each program's first ``SHOWN`` rows of each list, one
names those pairs, and the chart counts held sessions per month. The at-risk rule is
``sessions.selectors.at_risk.with_risk``, the goal-review schedule ``clock.with_next_review``.
A program's every pair at risk is on its own page (``program_at_risk_page``), worst first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext

from matching.models import OPEN_MENTORSHIP, Mentorship
from programs.models import Program
from sessions.models import Session
from sessions.selectors.at_risk import at_risk_pairs, with_risk

from .clock import (
    HEALTH_STATUSES,
    REVIEW_SOON,
    Clock,
    MonthlyChart,
    chart,
    held_per_month,
    with_next_review,
)

SHOWN = 10  # rows of each list on the home page; the rest are counted
AT_RISK_PER_PAGE = 50
OVERDUE, DUE_SOON = "overdue", "due soon"


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
    # the first SHOWN of each list (worst or earliest first) and how many there are in all
    at_risk: list[PairDate] = field(default_factory=list)
    reviews_due: list[PairDue] = field(default_factory=list)
    reviews_overdue: list[PairDue] = field(default_factory=list)
    at_risk_count: int = 0
    reviews_due_count: int = 0
    reviews_overdue_count: int = 0
    chart: MonthlyChart | None = None

    @property
    def at_risk_more(self) -> int:
        return self.at_risk_count - len(self.at_risk)

    @property
    def reviews_due_more(self) -> int:
        return self.reviews_due_count - len(self.reviews_due)

    @property
    def reviews_overdue_more(self) -> int:
        return self.reviews_overdue_count - len(self.reviews_overdue)


@dataclass
class ManagerDashboard:
    programs: list[ProgramHealth]


def _health_pairs(program_ids: list[int], clock: Clock) -> QuerySet[Mentorship]:
    """The programs' open pairs with the at-risk rule and the next goal review as columns."""
    open_pairs = Mentorship.objects.filter(OPEN_MENTORSHIP, program__in=program_ids)
    return with_next_review(with_risk(open_pairs, clock.now, clock.zone), clock.today)


# Per program, its counts and the first SHOWN pairs of each list, from the pairs' figures
# computed once (the CTE, materialized: the rule's subqueries run once per pair, not once
# per use, and the planner's estimate stays small enough not to compile the query). The
# inner query is the ORM's own (``with_risk``, ``with_next_review``), pinned to the
# active organization by its scoped manager; the dates are parameters. Every program
# with a pair returns at least one row (its first pair), which carries the counts.
# The planner prices each pair's subqueries at every use; past its JIT threshold (a few
# thousand pairs) compiling the query would take seconds, for a query that runs in a
# tenth of one: JIT is off for this statement's transaction. (The statement starts with
# SELECT so that ``mentoring.tenancy.database`` puts the organization's row-level security
# setting before it, in the same transaction.)
HEALTH = """SELECT set_config('jit', 'off', true);
WITH health AS MATERIALIZED ({pairs}),
     listed AS (
         SELECT id, program_id, quiet_since, last_held_at, is_at_risk, review_due_on,
                CASE WHEN review_due_on < %(today)s THEN %(overdue)s
                     WHEN review_due_on <= %(soon)s THEN %(due_soon)s END AS due_state
           FROM health),
     ranked AS (
         SELECT listed.*,
                row_number() OVER (PARTITION BY program_id ORDER BY id) AS program_rank,
                row_number() OVER (PARTITION BY program_id, is_at_risk
                                   ORDER BY quiet_since, id) AS risk_rank,
                row_number() OVER (PARTITION BY program_id, due_state
                                   ORDER BY review_due_on, id) AS due_rank,
                count(*) OVER (PARTITION BY program_id) AS matched,
                count(*) FILTER (WHERE is_at_risk) OVER (PARTITION BY program_id) AS at_risk,
                count(*) FILTER (WHERE due_state = %(overdue)s)
                    OVER (PARTITION BY program_id) AS overdue,
                count(*) FILTER (WHERE due_state = %(due_soon)s)
                    OVER (PARTITION BY program_id) AS due_soon
           FROM listed)
SELECT id, program_id, is_at_risk AND risk_rank <= %(shown)s,
       CASE WHEN due_rank <= %(shown)s THEN due_state END, review_due_on,
       CASE WHEN last_held_at IS NULL THEN NULL ELSE quiet_since END,
       matched, at_risk, overdue, due_soon
  FROM ranked
 WHERE program_rank = 1 OR (is_at_risk AND risk_rank <= %(shown)s)
       OR (due_state IS NOT NULL AND due_rank <= %(shown)s)
 ORDER BY program_id, quiet_since, id
"""


@dataclass(frozen=True)
class Listed:
    """A pair on the home page's lists (or only its program's first), with the counts of
    its program."""

    mentorship_id: int
    program_id: int
    is_at_risk: bool  # on the at-risk list
    due_state: str | None  # on the overdue (OVERDUE) or due soon (DUE_SOON) list, or None
    due_on: date | None
    last_met_on: date | None
    counts: tuple[int, int, int, int]  # matched, at risk, reviews overdue, due soon


def _listed(pairs: QuerySet[Mentorship], today: date) -> list[Listed]:
    """Each program's counts and its first ``SHOWN`` pairs in each list (at risk, worst
    first; goal review overdue or due soon, earliest first): one query."""
    # the annotations of with_risk and with_next_review, which django-stubs cannot see
    figures = pairs.values(  # type: ignore[misc]
        "id", "program_id", "quiet_since", "last_held_at", "is_at_risk", "review_due_on"
    ).order_by()
    inner, inner_params = figures.query.sql_with_params()
    # the inner query's own placeholders are positional: name them for the outer ones
    names = {f"inner{index}": value for index, value in enumerate(inner_params)}
    inner = inner.replace("%%", "%%%%") % tuple(f"%({name})s" for name in names)
    params = {
        **names,
        "today": today,
        "soon": today + REVIEW_SOON,
        "overdue": OVERDUE,
        "due_soon": DUE_SOON,
        "shown": SHOWN,
    }
    with connection.cursor() as cursor:
        cursor.execute(HEALTH.format(pairs=inner), params)
        rows = cursor.fetchall()
    return [
        Listed(pk, program_id, bool(is_at_risk), due_state, due_on, last_met_on, tuple(counts))
        for pk, program_id, is_at_risk, due_state, due_on, last_met_on, *counts in rows
    ]


def manager_dashboard(clock: Clock) -> ManagerDashboard:
    programs = list(
        Program.objects.filter(status__in=HEALTH_STATUSES).order_by("-starts_on", "name", "pk")
    )
    if not programs:
        return ManagerDashboard(programs=[])
    health = {program.pk: ProgramHealth(program=program) for program in programs}
    pairs = _health_pairs(list(health), clock)
    today = clock.today
    listed = _listed(pairs, today)
    for row in listed:
        entry = health[row.program_id]
        matched, at_risk, overdue, due_soon = row.counts
        entry.matched, entry.at_risk_count = matched, at_risk
        entry.reviews_overdue_count, entry.reviews_due_count = overdue, due_soon
    named = Mentorship.objects.select_related(
        "program", "focus_skill", "mentee__person", "mentor__person"
    ).in_bulk([row.mentorship_id for row in listed if row.is_at_risk or row.due_state])
    for row in listed:  # in order: quiet the longest first
        if row.is_at_risk:
            pair = PairDate(mentorship=named[row.mentorship_id], on=row.last_met_on)
            health[row.program_id].at_risk.append(pair)
    for row in sorted(listed, key=lambda row: (row.due_on or today, row.mentorship_id)):
        if row.due_state is None or row.due_on is None:
            continue
        due = PairDue(mentorship=named[row.mentorship_id], on=row.due_on)
        entry = health[row.program_id]
        (entry.reviews_overdue if row.due_state == OVERDUE else entry.reviews_due).append(due)
    held = held_per_month(
        Session.objects.filter(mentorship__program__in=list(health)),
        clock,
        group_by="mentorship__program_id",
    )
    for entry in health.values():
        entry.chart = chart(
            f"program-{entry.program.pk}",
            gettext("Sessions held per month in %(name)s") % {"name": entry.program.name},
            held,
            entry.program.pk,
            clock,
        )
    return ManagerDashboard(programs=list(health.values()))


@dataclass
class AtRiskPage:
    """One page of a program's pairs at risk, worst first."""

    program: Program
    page: Page
    rows: list[PairDate]


def program_at_risk_page(
    program: Program, clock: Clock, page_number: str | int | None
) -> AtRiskPage:
    """The pairs of ``program`` at risk (the one rule), quiet the longest first,
    ``AT_RISK_PER_PAGE`` a page: two queries (the count and the page). A page number that
    is not one shows the first page, one past the end the last."""
    pairs = at_risk_pairs(
        Mentorship.objects.filter(OPEN_MENTORSHIP, program=program), clock.now, clock.zone
    ).select_related("program", "focus_skill", "mentee__person", "mentor__person")
    page = Paginator(pairs, AT_RISK_PER_PAGE).get_page(page_number)
    rows = [
        PairDate(
            mentorship=pair,
            on=pair.quiet_since if pair.last_held_at else None,
        )
        for pair in page.object_list
    ]
    return AtRiskPage(program=program, page=page, rows=rows)
