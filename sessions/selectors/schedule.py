"""The sessions section of a mentorship: what is coming, what waits to be logged, what
happened; the agreement and the open experiments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from matching.access import PairSide, access_pair

from ..models import ActionItem, ActionStatus, Agreement, MeetingPlace, Session, SessionStatus
from .access import experiments_of
from .times import LocationPart, ends_at, location_parts

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from matching.models import Mentorship
    from mentoring.tenancy.models import Organization


# "2 of 6": an occurrence's place in its series, in the order the series planned them
_SERIES_NUMBER = Window(RowNumber(), partition_by=[F("series")], order_by=F("series_start").asc())


@dataclass
class PairSessions:
    """A mentorship's sessions section: what is coming, what waits to be logged, what
    happened; the agreement; the open experiments."""

    side: PairSide
    upcoming: list[Session]
    to_log: list[Session]
    past: list[Session]
    agreement: Agreement | None
    open_experiments: list[ActionItem]
    meeting_place: str = ""

    @property
    def mentorship(self) -> Mentorship:
        return self.side.mentorship

    @property
    def can_schedule(self) -> bool:
        return self.mentorship.is_open

    @property
    def meeting_place_parts(self) -> list[LocationPart]:
        return location_parts(self.meeting_place)

    @property
    def has_sessions(self) -> bool:
        return bool(self.upcoming or self.to_log or self.past)


def pair_sessions(*, organization: Organization, user: User, mentorship_id: int) -> PairSessions:
    """Every session of the user's mentorship with its number of agenda points, split into
    upcoming (soonest first), waiting to be logged and past (newest first); the agreement
    and the open experiments with their owners."""
    side = access_pair(organization=organization, user=user, mentorship_id=mentorship_id)
    mentorship = side.mentorship
    now = timezone.now()
    upcoming: list[Session] = []
    to_log: list[Session] = []
    past: list[Session] = []
    sessions = Session.objects.filter(mentorship=mentorship).select_related("series")
    for session in sessions.annotate(points=Count("agenda"), series_number=_SERIES_NUMBER):
        if session.status != SessionStatus.PLANNED:
            past.append(session)
        elif ends_at(session) > now:
            upcoming.append(session)
        else:
            to_log.append(session)
    places = MeetingPlace.objects.filter(mentorship=mentorship)
    past.sort(key=lambda session: (session.starts_at, session.pk), reverse=True)
    return PairSessions(
        side=side,
        upcoming=upcoming,
        to_log=to_log,
        past=past,
        agreement=Agreement.objects.filter(mentorship=mentorship).first(),
        open_experiments=list(
            ActionItem.objects.filter(experiments_of(side), status=ActionStatus.OPEN)
        ),
        meeting_place=next(iter(places.values_list("location", flat=True)), ""),
    )
