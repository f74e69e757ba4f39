"""The home dashboards: what a mentee, a mentor and a program manager need to see next.

``home_dashboard`` answers for one person, with one part per role they hold (a manager who
also mentors gets both). Its cost is a fixed number of queries whatever the number of
sessions, mentorships or programs: sessions come through sliced prefetches; the last held
session, the at-risk test and the monthly series are computed in the database (Subquery,
Exists, TruncMonth, Count); goal-review dates come from ``programs.schedule`` applied to the
rows of one query (its date arithmetic has no SQL twin worth keeping in step).

Dates are the person's own: "today" and the months of the charts are taken in their time
zone. The manager's part holds counts, names and dates only: never session notes,
feedback or private notes.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import (
    BooleanField,
    Count,
    DateField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.safestring import SafeString

from matching.models import OPEN_MENTORSHIP, Mentorship, MentorshipStatus
from mentoring.charts import keyed_bar_chart
from mentoring.common.time_zones import time_zone_of
from mentoring.people.models import Profile
from programs.models import (
    ChecklistAudience,
    Enrollment,
    EnrollmentRole,
    EnrollmentStatus,
    Goal,
    GoalReview,
    GoalStatus,
    Program,
    ProgramStatus,
)
from programs.schedule import add_months, review_due_on, review_period_on
from programs.selectors import checklists_for
from programs.services import goal_review_start_on

from .models import ActionItem, ActionStatus, AgendaItem, Session, SessionStatus

CHART_MONTHS = 6
REVIEW_SOON = timedelta(days=14)
HEALTH_STATUSES = (ProgramStatus.RUNNING, ProgramStatus.MATCHING)
# Per pair, how many planned sessions the dashboards show ahead and still to log.
UPCOMING_PER_PAIR = 3
TO_LOG_PER_PAIR = 5


# ---------------------------------------------------------------- shared pieces


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


def _held_per_month(sessions, clock: Clock, group_by: str | None = None) -> dict:
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


def _chart(key: str, title: str, counts: dict, group, clock: Clock) -> MonthlyChart:
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


def _checklist_progress(sections, audience: str) -> ChecklistProgress | None:
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
    """The current review period (``review_period_on``), or the next one when the mentee has
    already reviewed the current one. ``enrollment.program`` must be loaded."""
    start = goal_review_start_on(enrollment)
    interval = enrollment.program.goal_review_interval_months
    period = review_period_on(start, interval, today)
    if period in reviewed_periods:
        period += 1
    return ReviewDue(period=period, due_on=review_due_on(start, interval, period), today=today)


def _mentee_reviewed_periods(enrollment_ids) -> dict[int, set[int]]:
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


def _last_held_at():
    return Subquery(
        Session.objects.filter(mentorship=OuterRef("pk"), status=SessionStatus.HELD)
        .order_by("-starts_at")
        .values("starts_at")[:1]
    )


# ---------------------------------------------------------------- mentee and mentor


@dataclass
class MenteePair:
    mentorship: Mentorship
    next_session: Session | None


@dataclass
class GoalsOfEnrollment:
    enrollment: Enrollment
    goals: list[Goal]
    review: ReviewDue


@dataclass
class MenteeDashboard:
    pairs: list[MenteePair]
    experiments: list[ActionItem]
    enrollments: list[GoalsOfEnrollment]
    checklist: ChecklistProgress | None
    chart: MonthlyChart

    @property
    def next_review(self) -> ReviewDue | None:
        reviews = [entry.review for entry in self.enrollments if entry.goals]
        return min(reviews, key=lambda review: review.due_on, default=None)


@dataclass
class MentorDashboard:
    mentorships: list[Mentorship]
    upcoming: list[Session]
    to_log: list[Session]
    awaiting_reflection: list[ActionItem]
    checklist: ChecklistProgress | None


def _my_open_pairs(profile: Profile, clock: Clock) -> list[Mentorship]:
    """The person's open mentorships, either side, with both people, the last held session
    (``last_held_at``), the next planned ones (``upcoming_sessions``) and the planned ones
    whose time has passed (``sessions_to_log``)."""
    planned = Session.objects.filter(status=SessionStatus.PLANNED).order_by("starts_at", "pk")
    return list(
        Mentorship.objects.filter(OPEN_MENTORSHIP)
        .filter(Q(mentee__person=profile) | Q(mentor__person=profile))
        .select_related("program", "mentee__person", "mentor__person")
        .annotate(last_held_at=_last_held_at())
        .prefetch_related(
            Prefetch(
                "sessions",
                queryset=planned.filter(starts_at__gte=clock.now)[:UPCOMING_PER_PAIR],
                to_attr="upcoming_sessions",
            ),
            Prefetch(
                "sessions",
                queryset=planned.filter(starts_at__lt=clock.now)[:TO_LOG_PER_PAIR],
                to_attr="sessions_to_log",
            ),
        )
        .order_by("-started_on", "pk")
    )


def _active_mentee_enrollments(profile: Profile) -> list[Enrollment]:
    """The person's mentee enrolments that are applied or approved, in programs under way,
    with their goals (those set aside left out)."""
    return list(
        Enrollment.objects.filter(
            person=profile,
            role=EnrollmentRole.MENTEE,
            status__in=(EnrollmentStatus.APPLIED, EnrollmentStatus.APPROVED),
        )
        .exclude(program__status__in=(ProgramStatus.DRAFT, ProgramStatus.CLOSED))
        .select_related("program")
        .prefetch_related(
            Prefetch(
                "goals",
                queryset=Goal.objects.exclude(status=GoalStatus.DROPPED)
                .select_related("skill")
                .order_by("created_at", "pk"),
            )
        )
        .order_by("program__name", "pk")
    )


def _mark_overdue(items, today: date):
    for item in items:
        item.is_overdue = item.due_on < today
    return items


def _mentee_dashboard(
    profile, pairs, enrollments, experiments, checklist, clock: Clock
) -> MenteeDashboard:
    reviewed = _mentee_reviewed_periods([enrollment.pk for enrollment in enrollments])
    next_sessions = [pair.upcoming_sessions[0] for pair in pairs if pair.upcoming_sessions]
    prefetch_related_objects(
        next_sessions, Prefetch("agenda", queryset=AgendaItem.objects.order_by("position", "pk"))
    )
    held = _held_per_month(Session.objects.filter(mentorship__mentee__person=profile), clock)
    return MenteeDashboard(
        pairs=[
            MenteePair(
                mentorship=pair,
                next_session=pair.upcoming_sessions[0] if pair.upcoming_sessions else None,
            )
            for pair in pairs
        ],
        experiments=_mark_overdue(experiments, clock.today),
        enrollments=[
            GoalsOfEnrollment(
                enrollment=enrollment,
                goals=list(enrollment.goals.all()),
                review=next_review(enrollment, reviewed.get(enrollment.pk, set()), clock.today),
            )
            for enrollment in enrollments
        ],
        checklist=checklist,
        chart=_chart("mine", "Sessions held per month", held, None, clock),
    )


def _mentor_dashboard(pairs, experiments, checklist, clock: Clock) -> MentorDashboard:
    upcoming = sorted(
        (session for pair in pairs for session in pair.upcoming_sessions),
        key=lambda session: (session.starts_at, session.pk),
    )
    to_log = sorted(
        (session for pair in pairs for session in pair.sessions_to_log),
        key=lambda session: (session.starts_at, session.pk),
    )
    by_pk = {pair.pk: pair for pair in pairs}
    for session in (*upcoming, *to_log):
        session.mentorship = by_pk[session.mentorship_id]  # the pair is already loaded
    for pair in pairs:
        pair.next_session = pair.upcoming_sessions[0] if pair.upcoming_sessions else None
    return MentorDashboard(
        mentorships=pairs,
        upcoming=upcoming,
        to_log=to_log,
        awaiting_reflection=_mark_overdue(experiments, clock.today),
        checklist=checklist,
    )


# ---------------------------------------------------------------- program manager


@dataclass
class PairDate:
    """A pair named with a date: when it last met (at risk), or when a review is due."""

    mentorship: Mentorship
    on: date | None


@dataclass
class ProgramHealth:
    program: Program
    matched: int = 0
    at_risk: list[PairDate] = field(default_factory=list)
    reviews_due: list[PairDate] = field(default_factory=list)
    reviews_overdue: list[PairDate] = field(default_factory=list)
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
    at_risk = Q(status=MentorshipStatus.ACTIVE, started_on__lt=opens_on) & ~Exists(
        held_within_cadence
    )
    return opens_at, at_risk


def _manager_dashboard(clock: Clock) -> ManagerDashboard:
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
        .annotate(last_held_at=_last_held_at(), cadence_opens_at=opens_at)
        .annotate(is_at_risk=ExpressionWrapper(at_risk, output_field=BooleanField()))
        .order_by("pk")
    )
    reviewed = _mentee_reviewed_periods([pair.mentee_id for pair in pairs])
    for pair in pairs:
        entry = health[pair.program_id]
        entry.matched += 1
        if pair.is_at_risk:
            last = pair.last_held_at.astimezone(clock.zone).date() if pair.last_held_at else None
            entry.at_risk.append(PairDate(mentorship=pair, on=last))
        review = next_review(pair.mentee, reviewed.get(pair.mentee_id, set()), clock.today)
        if review.is_overdue:
            entry.reviews_overdue.append(PairDate(mentorship=pair, on=review.due_on))
        elif review.is_due_soon:
            entry.reviews_due.append(PairDate(mentorship=pair, on=review.due_on))
    held = _held_per_month(
        Session.objects.filter(mentorship__program__in=list(health)),
        clock,
        group_by="mentorship__program_id",
    )
    for entry in health.values():
        entry.at_risk.sort(key=lambda row: row.on or row.mentorship.started_on)
        entry.reviews_due.sort(key=lambda row: row.on)
        entry.reviews_overdue.sort(key=lambda row: row.on)
        entry.chart = _chart(
            f"program-{entry.program.pk}",
            f"Sessions held per month in {entry.program.name}",
            held,
            entry.program.pk,
            clock,
        )
    return ManagerDashboard(programs=list(health.values()))


# ---------------------------------------------------------------- the home page


@dataclass
class Dashboard:
    profile: Profile
    clock: Clock
    mentee: MenteeDashboard | None = None
    mentor: MentorDashboard | None = None
    manager: ManagerDashboard | None = None

    @property
    def is_empty(self) -> bool:
        return self.mentee is None and self.mentor is None and self.manager is None

    @property
    def zone_name(self) -> str:
        return str(self.clock.zone)


def home_dashboard(
    *, organization, user, profile: Profile, is_manager: bool, now: datetime | None = None
) -> Dashboard:
    """The parts of the home page the person's roles call for: mentee (an open mentorship
    as mentee, or an active mentee enrolment), mentor (open mentorships as mentor) and
    program manager (programs running or matching)."""
    clock = Clock(now=now or timezone.now(), zone=time_zone_of(profile.time_zone))
    dashboard = Dashboard(profile=profile, clock=clock)
    pairs = _my_open_pairs(profile, clock)
    as_mentee = [pair for pair in pairs if pair.mentee.person_id == profile.pk]
    as_mentor = [pair for pair in pairs if pair.mentor.person_id == profile.pk]
    enrollments = _active_mentee_enrollments(profile)
    if as_mentee or as_mentor or enrollments:
        experiments = list(
            ActionItem.objects.filter(
                Q(mentorship__in=as_mentee) | Q(mentorship__in=as_mentor, due_on__lt=clock.today),
                status=ActionStatus.OPEN,
            )
            .select_related("owner")
            .order_by("due_on", "pk")
        )
        mentee_pair_ids = {pair.pk for pair in as_mentee}
        checklists = checklists_for(organization=organization, user=user, is_manager=False)
        if as_mentee or enrollments:
            dashboard.mentee = _mentee_dashboard(
                profile,
                as_mentee,
                enrollments,
                [item for item in experiments if item.mentorship_id in mentee_pair_ids],
                _checklist_progress(checklists, ChecklistAudience.MENTEE_FIRST_SESSION),
                clock,
            )
        if as_mentor:
            dashboard.mentor = _mentor_dashboard(
                as_mentor,
                [item for item in experiments if item.mentorship_id not in mentee_pair_ids],
                _checklist_progress(checklists, ChecklistAudience.MENTOR_PREPARATION),
                clock,
            )
    if is_manager:
        dashboard.manager = _manager_dashboard(clock)
    return dashboard
