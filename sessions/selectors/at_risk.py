"""The one rule for "this pair is at risk", for every reader: the managers' home, the
program cockpit, the mentorship page, the dispatcher's nudges and alerts, and the digest.

An active pair is quiet from its last held session (or, before the first one, from its
start). It is at risk once its program's check-in cadence (in days) has passed since then,
counted in the reader's dates: ``(today - quiet_since).days >= cadence``. A session planned
ahead counts as activity: a pair that has put its next meeting in the calendar is not at
risk, however long ago it last met. A planned session whose time has passed without being
logged does not count (nobody knows it happened), nor does a cancelled one. Paused pairs
rest on purpose and are never at risk.

``with_activity`` annotates a mentorship queryset with what the rule needs, in the same
query (two subqueries); ``Activity`` decides from those values, so that a reader holding
plain rows (the dispatcher) decides exactly as one holding mentorships. ``with_risk`` is
the same rule in SQL (``quiet_since`` and ``is_at_risk`` as columns), for readers that
count or page through pairs in the database; ``at_risk_pairs`` lists them worst first.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo

from django.db.models import (
    BooleanField,
    DateField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate

from matching.models import Mentorship, MentorshipStatus

from ..models import Session, SessionStatus

ZoneLike = tzinfo | zoneinfo.ZoneInfo


@dataclass(frozen=True)
class Activity:
    """What the rule needs to know about one pair."""

    status: str
    started_on: date
    cadence_days: int
    last_held_at: datetime | None
    next_planned_at: datetime | None  # the next planned session after "now", if any

    def quiet_since(self, zone: ZoneLike = UTC) -> date:
        """The day the check-in clock runs from: the last held session, or the start."""
        if self.last_held_at is None:
            return self.started_on
        return self.last_held_at.astimezone(zone).date()

    def quiet_cadences(self, today: date, zone: ZoneLike = UTC) -> int:
        """How many whole cadences the pair has been quiet (0: not at risk)."""
        if self.status != MentorshipStatus.ACTIVE or self.next_planned_at is not None:
            return 0
        return max(0, (today - self.quiet_since(zone)).days // self.cadence_days)

    def is_at_risk(self, today: date, zone: ZoneLike = UTC) -> bool:
        return self.quiet_cadences(today, zone) >= 1


def with_activity(mentorships: QuerySet[Mentorship], now: datetime) -> QuerySet[Mentorship]:
    """``mentorships`` annotated with ``last_held_at``, ``next_planned_at`` (after ``now``)
    and ``cadence_days``: read them with ``activity_of``."""
    sessions = Session.objects.filter(mentorship=OuterRef("pk"))
    return mentorships.annotate(
        last_held_at=Subquery(
            sessions.filter(status=SessionStatus.HELD)
            .order_by("-starts_at")
            .values("starts_at")[:1]
        ),
        next_planned_at=Subquery(
            sessions.filter(status=SessionStatus.PLANNED, starts_at__gt=now)
            .order_by("starts_at")
            .values("starts_at")[:1]
        ),
        cadence_days=F("program__checkin_cadence_days"),
    )


def activity_of(mentorship: Mentorship) -> Activity:
    """The rule's view of a mentorship annotated by ``with_activity``."""
    return Activity(
        status=mentorship.status,
        started_on=mentorship.started_on,
        cadence_days=mentorship.cadence_days,  # type: ignore[attr-defined]
        last_held_at=mentorship.last_held_at,  # type: ignore[attr-defined]
        next_planned_at=mentorship.next_planned_at,  # type: ignore[attr-defined]
    )


def is_at_risk(mentorship: Mentorship, today: date, zone: ZoneLike = UTC) -> bool:
    """For a mentorship annotated by ``with_activity``."""
    return activity_of(mentorship).is_at_risk(today, zone)


class DaysBetween(Func):
    """``later - earlier`` of two dates, in whole days (PostgreSQL's date subtraction)."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()


def with_risk(
    mentorships: QuerySet[Mentorship], now: datetime, zone: ZoneLike = UTC
) -> QuerySet[Mentorship]:
    """``with_activity`` plus the rule decided in the database, with today and the dates
    taken in ``zone``: ``quiet_since`` (``Activity.quiet_since``), ``quiet_days`` (days
    since then) and ``is_at_risk`` (``Activity.is_at_risk``)."""
    today = now.astimezone(zone).date()
    return with_activity(mentorships, now).annotate(
        quiet_since=Coalesce(
            TruncDate("last_held_at", tzinfo=zone), F("started_on"), output_field=DateField()
        ),
        quiet_days=DaysBetween(Value(today, output_field=DateField()), F("quiet_since")),
        is_at_risk=ExpressionWrapper(
            Q(
                status=MentorshipStatus.ACTIVE,
                next_planned_at__isnull=True,
                quiet_days__gte=F("cadence_days"),
            ),
            output_field=BooleanField(),
        ),
    )


def at_risk_pairs(
    mentorships: QuerySet[Mentorship], now: datetime, zone: ZoneLike = UTC
) -> QuerySet[Mentorship]:
    """The pairs of ``mentorships`` at risk, worst first: quiet the longest, then by id."""
    at_risk = with_risk(mentorships, now, zone).filter(is_at_risk=True)  # type: ignore[misc]
    return at_risk.order_by("quiet_since", "pk")
