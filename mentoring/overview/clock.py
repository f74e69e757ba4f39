"""What every home dashboard shares: the person's clock, monthly charts of held sessions,
checklist progress and the next goal review."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Greatest, TruncDate, TruncMonth
from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString

from mentoring.charts import keyed_bar_chart
from programs.models import (
    Enrollment,
    EnrollmentRole,
    GoalReview,
    ProgramStatus,
)
from programs.schedule import REVIEW_WINDOW, add_months, next_review_of, reviews_due_sql
from sessions.models import Session, SessionStatus

CHART_MONTHS = 6
REVIEW_SOON = timedelta(days=14)
HEALTH_STATUSES = (ProgramStatus.RUNNING, ProgramStatus.MATCHING)
# Per pair, how many planned sessions the dashboards show ahead and still to log.
UPCOMING_PER_PAIR = 3
TO_LOG_PER_PAIR = 5


@dataclass(frozen=True)
class Clock:
    """The moment a dashboard is drawn, and the person's own date and zone at it."""

    now: datetime
    zone: zoneinfo.ZoneInfo

    @property
    def today(self) -> date:
        return self.now.astimezone(self.zone).date()

    def months(self, count: int = CHART_MONTHS) -> list[date]:
        """The first days of the last ``count`` months, this one included, oldest first."""
        this_month = self.today.replace(day=1)
        return [add_months(this_month, -back) for back in range(count - 1, -1, -1)]

    def start_of(self, day: date) -> datetime:
        return datetime.combine(day, time.min, tzinfo=self.zone)


@dataclass
class MonthlyChart:
    """Sessions held per month: the SVG (its description names every value) and the same
    numbers for a table."""

    key: str
    title: str
    labels: list[str]
    values: list[int]

    @property
    def svg(self) -> SafeString:
        return keyed_bar_chart(self.key, self.title, self.labels, self.values)

    @property
    def rows(self) -> list[tuple[str, int]]:
        return list(zip(self.labels, self.values, strict=True))

    @property
    def total(self) -> int:
        return sum(self.values)


def held_per_month(sessions, clock: Clock, group_by: str | None = None) -> dict:
    """{(group or None, first day of month): sessions held} over the chart's months, counted
    in the database and bucketed in the person's time zone."""
    months = clock.months()
    since = clock.start_of(months[0])
    until = clock.start_of(add_months(months[-1], 1))
    fields = ["month", group_by] if group_by else ["month"]
    rows = (
        sessions.filter(status=SessionStatus.HELD, starts_at__gte=since, starts_at__lt=until)
        .annotate(month=TruncMonth("starts_at", tzinfo=clock.zone))
        .values(*fields)
        .annotate(held=Count("pk"))
        .order_by()
    )
    return {
        (row[group_by] if group_by else None, row["month"].astimezone(clock.zone).date()): row[
            "held"
        ]
        for row in rows
    }


def chart(key: str, title: str, counts: dict, group, clock: Clock) -> MonthlyChart:
    months = clock.months()
    return MonthlyChart(
        key=key,
        title=title,
        labels=[date_format(month, "M Y") for month in months],
        values=[counts.get((group, month), 0) for month in months],
    )


@dataclass
class ChecklistProgress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def is_complete(self) -> bool:
        return self.total > 0 and self.done == self.total


def checklist_progress(sections, audience: str) -> ChecklistProgress | None:
    mine = [section for section in sections if section.audience == audience]
    if not mine:
        return None
    return ChecklistProgress(
        done=sum(section.done_count for section in mine),
        total=sum(section.total for section in mine),
    )


@dataclass(frozen=True)
class ReviewDue:
    """The goal review a mentee is expected to do next, per ``programs.schedule``."""

    period: int
    due_on: date
    today: date

    @property
    def is_overdue(self) -> bool:
        return self.due_on < self.today

    @property
    def is_due_soon(self) -> bool:
        return self.today <= self.due_on <= self.today + REVIEW_SOON


def next_review(enrollment: Enrollment, reviewed_periods: set[int], today: date) -> ReviewDue:
    """The next review per ``programs.schedule.next_review_of`` (the enrolment page asks
    the same function). ``enrollment.program`` must be loaded."""
    period, due_on = next_review_of(enrollment, reviewed_periods, today)
    return ReviewDue(period=period, due_on=due_on, today=today)


class ScheduleSql(Func):
    """SQL written by a ``programs.schedule`` helper (``build``) over compiled arguments,
    each of which the helper may use several times (the parameters follow suit)."""

    def __init__(self, build: Callable[..., str], *expressions, output_field) -> None:
        super().__init__(*expressions, output_field=output_field)
        self.build = build

    def as_sql(self, compiler, connection, **extra_context):
        compiled = [compiler.compile(arg) for arg in self.get_source_expressions()]
        text = self.build(*(f"__arg{index}__" for index in range(len(compiled))))
        sql, params = [], []
        for piece in re.split(r"(__arg\d+__)", text):
            token = re.fullmatch(r"__arg(\d+)__", piece)
            if token is None:
                sql.append(piece)
                continue
            arg_sql, arg_params = compiled[int(token.group(1))]
            sql.append(f"({arg_sql})")
            params.extend(arg_params)
        return "".join(sql), params


def _review_due_on_sql(start: str, interval: str, period: str) -> str:
    """``programs.schedule.review_due_on`` in SQL (PostgreSQL clamps to the month's end
    exactly as ``add_months``)."""
    return f"({start} + make_interval(months => {period} * {interval}))::date"


def with_next_review(mentorships: QuerySet, today: date) -> QuerySet:
    """``mentorships`` annotated with ``review_due_on``: the due date of the mentee's next
    goal review (``next_review``) computed in the database. The period is the first whose
    due date has not passed by more than ``REVIEW_WINDOW`` (``review_period_on``), or the
    one after if the mentee has reviewed it (``next_review_period``)."""
    interval = F("mentee__program__goal_review_interval_months")
    reviewed = GoalReview.objects.filter(
        goal__enrollment=OuterRef("mentee_id"),
        author_role=EnrollmentRole.MENTEE,
        period=OuterRef("review_period"),
    )
    return mentorships.annotate(
        # programs.schedule.review_start_on: the program's start, or the (UTC) day of approval
        review_start=Greatest(
            F("mentee__program__starts_on"),
            TruncDate("mentee__decided_at", tzinfo=UTC),
            output_field=DateField(),
        ),
        # periods due more than REVIEW_WINDOW ago are behind the pair, the next one is current
        review_period=ScheduleSql(
            lambda start, every, until: f"{reviews_due_sql(start, every, until)} + 1",
            F("review_start"),
            interval,
            Value(today - REVIEW_WINDOW - timedelta(days=1), output_field=DateField()),
            output_field=IntegerField(),
        ),
        review_next_period=F("review_period")
        + Case(When(Exists(reviewed), then=Value(1)), default=Value(0)),
        review_due_on=ScheduleSql(
            _review_due_on_sql,
            F("review_start"),
            interval,
            F("review_next_period"),
            output_field=DateField(),
        ),
    )


def mentee_reviewed_periods(enrollment_ids) -> dict[int, set[int]]:
    """{mentee enrolment id: periods for which the mentee wrote at least one goal review}."""
    periods: dict[int, set[int]] = {}
    if not enrollment_ids:
        return periods
    rows = (
        GoalReview.objects.filter(
            goal__enrollment__in=enrollment_ids, author_role=EnrollmentRole.MENTEE
        )
        .values_list("goal__enrollment_id", "period")
        .order_by()  # the model's ordering would add created_at to the DISTINCT
        .distinct()
    )
    for enrollment_id, period in rows:
        periods.setdefault(enrollment_id, set()).add(period)
    return periods


def last_held_at():
    return Subquery(
        Session.objects.filter(mentorship=OuterRef("pk"), status=SessionStatus.HELD)
        .order_by("-starts_at")
        .values("starts_at")[:1]
    )
