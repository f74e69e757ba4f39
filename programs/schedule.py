"""The one goal-review schedule: reminders, the HR API, stored reviews and dashboards all
count periods from ``goal_review_start_on``. Pure date arithmetic, no database."""

import calendar
from datetime import date, timedelta

REVIEW_WINDOW = timedelta(days=30)


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_due_on(start: date, interval_months: int, period: int) -> date:
    """Review ``period`` (1, 2, …) is due ``period`` intervals after ``start``."""
    return add_months(start, interval_months * period)


def review_period_on(start: date, interval_months: int, on: date) -> int:
    """The review a pair is doing on ``on``: the first whose due date is still ahead or
    passed less than ``REVIEW_WINDOW`` ago (a late review still counts for its period)."""
    period = 1
    while review_due_on(start, interval_months, period) + REVIEW_WINDOW < on:
        period += 1
    return period


def review_start_on(program_starts_on: date, approved_on: date | None) -> date:
    """Reviews are counted from the program's start, or from approval if later."""
    if approved_on and approved_on > program_starts_on:
        return approved_on
    return program_starts_on


def goal_review_start_on(enrollment) -> date:
    """``review_start_on`` of a mentee's enrolment (its program loaded)."""
    decided = enrollment.decided_at.date() if enrollment.decided_at else None
    return review_start_on(enrollment.program.starts_on, decided)


def next_review_period(
    start: date, interval_months: int, reviewed_periods: set[int], on: date
) -> int:
    """The review a mentee should do next: the current period (``review_period_on``), or the
    one after when the mentee has already reviewed it. Every page that names "the next
    goal review" (the enrolment page, both home pages, the manager's) asks this."""
    period = review_period_on(start, interval_months, on)
    return period + 1 if period in reviewed_periods else period


def next_review_of(enrollment, reviewed_periods: set[int], on: date) -> tuple[int, date]:
    """``next_review_period`` of a mentee's enrolment (its program loaded), and its due
    date: (period, due on)."""
    start = goal_review_start_on(enrollment)
    interval = enrollment.program.goal_review_interval_months
    period = next_review_period(start, interval, reviewed_periods, on)
    return period, review_due_on(start, interval, period)


def reviews_due_by(start: date, interval_months: int, on: date) -> int:
    """How many reviews have fallen due by ``on`` (0: none yet): what reminders count."""
    period = 0
    while review_due_on(start, interval_months, period + 1) <= on:
        period += 1
    return period


def reviews_due_sql(start: str, interval: str, end: str) -> str:
    """SQL of how many goal reviews fell due from ``start`` to ``end`` (dates), one every
    ``interval`` months: ``review_due_on`` in SQL. PostgreSQL's
    ``date + interval 'n months'`` clamps to the month's end exactly as ``add_months``.
    The arguments are column references (each is used several times)."""

    def month(day):
        return f"(date_part('year', {day})::int * 12 + date_part('month', {day})::int)"

    periods = f"(GREATEST({month(end)} - {month(start)}, 0) / {interval})"
    # the whole intervals in those months, minus one if the last falls after the end day
    return (
        f"GREATEST({periods} - (({start} + make_interval(months => {periods} * {interval}))"
        f"::date > {end})::int, 0)"
    )


def review_start_sql(program_starts_on: str, decided_at: str) -> str:
    """SQL of ``review_start_on``: the program's start, or the (UTC) day of approval if
    later. The arguments are column references."""
    return f"GREATEST({program_starts_on}, ({decided_at} AT TIME ZONE 'UTC')::date)"
