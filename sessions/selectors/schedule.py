"""The sessions section of a mentorship: what is coming, what waits to be logged, what
happened; the agreement and the open experiments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count
from django.utils import timezone

from matching.access import PairSide, access_pair

from ..models import ActionItem, ActionStatus, Agreement, Session, SessionStatus
from .times import ends_at

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from matching.models import Mentorship
    from mentoring.tenancy.models import Organization


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

    @property
    def mentorship(self) -> Mentorship:
        return self.side.mentorship

    @property
    def can_schedule(self) -> bool:
        return self.mentorship.is_open

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
    for session in Session.objects.filter(mentorship=mentorship).annotate(points=Count("agenda")):
        if session.status != SessionStatus.PLANNED:
            past.append(session)
        elif ends_at(session) > now:
            upcoming.append(session)
        else:
            to_log.append(session)
    past.sort(key=lambda session: (session.starts_at, session.pk), reverse=True)
    return PairSessions(
        side=side,
        upcoming=upcoming,
        to_log=to_log,
        past=past,
        agreement=Agreement.objects.filter(mentorship=mentorship).first(),
        open_experiments=list(
            ActionItem.objects.filter(mentorship=mentorship, status=ActionStatus.OPEN)
        ),
    )
