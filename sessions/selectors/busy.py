"""When people are already busy on the platform: their planned sessions, in any of their
mentorships. The slot finder reads them (``sessions.calendar_sources.PlatformSessions``),
and planning over one of them warns first (``sessions.services.schedule``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import DurationField, Exists, ExpressionWrapper, F, OuterRef

from matching.models import MentorshipMember

from ..models import Session, SessionStatus

if TYPE_CHECKING:
    from collections.abc import Iterable

    from mentoring.people.models import Profile

_ENDS_AT = F("starts_at") + ExpressionWrapper(
    F("duration_minutes") * timedelta(minutes=1), output_field=DurationField()
)


def _planned_between(people: Iterable[Profile], start: datetime, end: datetime):
    ids = [person.pk for person in people]
    # any member: the pair's two, everyone of a circle (one row per session all the same)
    member = Exists(
        MentorshipMember.objects.filter(mentorship=OuterRef("mentorship"), person__in=ids)
    )
    return (
        Session.objects.filter(member, status=SessionStatus.PLANNED, starts_at__lt=end)
        .alias(ends_at=_ENDS_AT)
        .filter(ends_at__gt=start)
        .order_by("starts_at", "pk")
    )


def planned_sessions_between(
    people: Iterable[Profile], start: datetime, end: datetime
) -> list[Session]:
    """The planned sessions of any of ``people`` that overlap [start, end), each with its
    pair's two people loaded (a circle's program and skill, for its title), soonest
    first."""
    return list(
        _planned_between(people, start, end).select_related(
            "mentorship__mentee__person",
            "mentorship__mentor__person",
            "mentorship__program",
            "mentorship__focus_skill",
        )
    )


def planned_times_between(
    people: Iterable[Profile], start: datetime, end: datetime
) -> list[tuple[datetime, int, int, int]]:
    """The same sessions as bare values, for the slot finder (hundreds of rows: no model
    instances): (start, minutes, the mentee's profile id, the mentor's)."""
    return list(
        _planned_between(people, start, end).values_list(
            "starts_at",
            "duration_minutes",
            "mentorship__mentee__person_id",
            "mentorship__mentor__person_id",
        )
    )
