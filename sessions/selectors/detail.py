"""One session's pages: the session itself (times on both clocks, agenda and prompts,
my private note, the experiments it set) and its log form."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from matching.access import PairSide

from ..models import (
    ActionItem,
    AgendaItem,
    PrivateNote,
    Session,
    SessionAttendance,
    SessionStatus,
)
from .access import access_session, access_session_with_flags, experiments_of
from .agenda import AgendaPanel, build_agenda_panel
from .times import LocalTime, LocationPart, ends_at, local_times, location_parts

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from mentoring.tenancy.models import Organization

# A session can be logged as held from an hour before its start (services.session_log).
LOG_OPENS_BEFORE = timedelta(hours=1)


@dataclass
class SessionPage:
    panel: AgendaPanel
    my_note: PrivateNote | None
    experiments: list[ActionItem]
    times: list[LocalTime] = field(default_factory=list)
    place: list[LocationPart] = field(default_factory=list)
    # who of a circle came to a held session (empty for a pair, and before it is logged)
    attendance: list[SessionAttendance] = field(default_factory=list)

    @property
    def session(self) -> Session:
        return self.panel.session

    @property
    def side(self) -> PairSide:
        return self.panel.side

    @property
    def ends_at(self) -> datetime:
        return ends_at(self.session)

    @property
    def is_planned(self) -> bool:
        return self.session.status == SessionStatus.PLANNED

    @property
    def can_log(self) -> bool:
        return self.is_planned and self.session.starts_at <= timezone.now() + LOG_OPENS_BEFORE

    @property
    def is_past(self) -> bool:
        return self.ends_at <= timezone.now()

    @property
    def logged_by_me(self) -> bool:
        return self.session.logged_by_id == self.side.me.pk


def session_page(*, organization: Organization, user: User, session_id: int) -> SessionPage:
    """One of the user's sessions: its times on each clock, its agenda and prompts, who of
    a circle came to it, the user's own private note (never anyone else's), and the
    experiments it set (in a circle, the user's own)."""
    session, side = access_session_with_flags(user=user, session_id=session_id)
    attendance = []
    if side.is_circle and session.status == SessionStatus.HELD:
        attendance = list(
            SessionAttendance.objects.filter(session=session)
            .select_related("person")
            .order_by("person__display_name", "pk")
        )
    return SessionPage(
        attendance=attendance,
        panel=build_agenda_panel(session, side),
        my_note=PrivateNote.objects.filter(session=session, author=side.me).first(),
        experiments=list(ActionItem.objects.filter(experiments_of(side), session=session)),
        times=local_times(session, side),
        place=location_parts(session.location),
    )


@dataclass
class LogPage:
    session: Session
    side: PairSide
    agenda: list[AgendaItem]


def log_page(*, organization: Organization, user: User, session_id: int) -> LogPage:
    """One of the user's sessions with its agenda, for the log form; or 404."""
    session, side = access_session(organization=organization, user=user, session_id=session_id)
    return LogPage(
        session=session, side=side, agenda=list(AgendaItem.objects.filter(session=session))
    )
