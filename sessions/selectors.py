"""Reads for the session pages of a mentorship: its sessions, one session with its agenda
and the prompt library, the log form, the agreement and the experiments.

Every selector takes the organization and the signed-in user. A page is for the two people
of the mentorship only: a row that is missing, of another organization or of another pair
is the same 404, for program managers and HR too (STYLE.md: ``access_*``). Each page costs
a fixed number of queries, whatever the number of sessions, agenda points or experiments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from urllib.parse import urlsplit

from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from matching.models import Mentorship
from matching.selectors import MentorshipRow
from mentoring.common.time_zones import time_zone_of
from mentoring.people.models import Profile
from programs.models import EnrollmentSkill

from .models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Agreement,
    PrivateNote,
    Prompt,
    PromptPhase,
    Session,
    SessionKind,
    SessionStatus,
)

# The phase of the prompt library each kind of session draws from; a pair's first session
# draws from the first-session prompts whatever its kind.
PHASE_OF_KIND = {
    SessionKind.CHECK_IN: PromptPhase.CHECK_IN,
    SessionKind.ROLE_PLAY: PromptPhase.ROLE_PLAY,
    SessionKind.DEBRIEF: PromptPhase.DEBRIEF,
    SessionKind.GOAL_REVIEW: PromptPhase.GOAL_REVIEW,
    SessionKind.CLOSING: PromptPhase.CLOSING,
}
# A session can be logged as held from an hour before its start (services.session_log).
LOG_OPENS_BEFORE = timedelta(hours=1)


# ---------------------------------------------------------------- the pair, seen by one of them


@dataclass
class PairSide(MentorshipRow):
    """A mentorship seen from one of its two people: ``me`` and ``other``."""

    @property
    def me(self) -> Profile:
        pair = self.mentorship
        return pair.mentee.person if self.is_mentee else pair.mentor.person


def _of_pair(user, prefix: str = "") -> Q:
    return Q(**{f"{prefix}mentee__person__user": user}) | Q(
        **{f"{prefix}mentor__person__user": user}
    )


_PAIR_PEOPLE = ("program", "mentee__person", "mentor__person")


def _side(mentorship: Mentorship, user) -> PairSide:
    return PairSide(mentorship=mentorship, is_mentee=mentorship.mentee.person.user_id == user.pk)


def access_pair(*, organization, user, mentorship_id: int) -> PairSide:
    """A mentorship of which the user is the mentee or the mentor, with both people; or 404."""
    mentorship = (
        Mentorship.objects.filter(_of_pair(user), pk=mentorship_id)
        .select_related(*_PAIR_PEOPLE)
        .first()
    )
    if mentorship is None:
        raise Http404("No such mentorship.")
    return _side(mentorship, user)


def _session_query(user):
    return Session.objects.filter(_of_pair(user, "mentorship__")).select_related(
        *(f"mentorship__{name}" for name in _PAIR_PEOPLE)
    )


def access_session(*, organization, user, session_id: int) -> tuple[Session, PairSide]:
    """A session of one of the user's mentorships, with the pair; or 404."""
    session = _session_query(user).filter(pk=session_id).first()
    if session is None:
        raise Http404("No such session.")
    return session, _side(session.mentorship, user)


def access_agenda_item(*, organization, user, session_id: int, item_id: int) -> AgendaItem:
    """A point of the agenda of one of the user's sessions (with its session); or 404."""
    item = (
        AgendaItem.objects.filter(
            _of_pair(user, "session__mentorship__"), pk=item_id, session_id=session_id
        )
        .select_related("session")
        .first()
    )
    if item is None:
        raise Http404("No such agenda point.")
    return item


def access_action_item(*, organization, user, mentorship_id: int, item_id: int) -> ActionItem:
    """An experiment of one of the user's mentorships; or 404."""
    item = (
        ActionItem.objects.filter(
            _of_pair(user, "mentorship__"), pk=item_id, mentorship_id=mentorship_id
        )
        .select_related("mentorship")
        .first()
    )
    if item is None:
        raise Http404("No such experiment.")
    return item


# ---------------------------------------------------------------- times and places


def ends_at(session: Session) -> datetime:
    return session.starts_at + timedelta(minutes=session.duration_minutes)


@dataclass
class LocalTime:
    """A session's start and end on one person's clock (naive wall times, so templates
    show them as they are)."""

    person: Profile
    is_me: bool
    starts: datetime
    ends: datetime
    zone: str
    offset: timedelta


def local_times(session: Session, side: PairSide) -> list[LocalTime]:
    """The session on my clock, then on the other person's when their clock reads
    differently at that moment (a different offset, not merely a different zone name)."""
    times = []
    for person, is_me in ((side.me, True), (side.other, False)):
        zone = time_zone_of(person.time_zone)
        starts = session.starts_at.astimezone(zone)
        if not is_me and starts.utcoffset() == times[0].offset:
            continue
        times.append(
            LocalTime(
                person=person,
                is_me=is_me,
                starts=starts.replace(tzinfo=None),
                ends=ends_at(session).astimezone(zone).replace(tzinfo=None),
                zone=person.time_zone,
                offset=starts.utcoffset(),
            )
        )
    return times


@dataclass
class LocationPart:
    text: str
    href: str = ""


_WHITESPACE = re.compile(r"(\s+)")


def location_parts(location: str) -> list[LocationPart]:
    """The place as text, where only http(s) addresses become links: a ``javascript:`` or
    ``data:`` address stays text. Templates escape every part."""
    parts = []
    for token in _WHITESPACE.split(location):
        if not token:
            continue
        href = ""
        if token.lower().startswith(("http://", "https://")):
            address = urlsplit(token)
            if address.scheme in ("http", "https") and address.netloc:
                href = token
        parts.append(LocationPart(text=token, href=href))
    return parts


# ---------------------------------------------------------------- the sessions of a pair


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


def pair_sessions(*, organization, user, mentorship_id: int) -> PairSessions:
    """Every session of the user's mentorship with its number of agenda points, split into
    upcoming (soonest first), waiting to be logged and past (newest first); the agreement
    and the open experiments with their owners."""
    side = access_pair(organization=organization, user=user, mentorship_id=mentorship_id)
    mentorship = side.mentorship
    now = timezone.now()
    upcoming, to_log, past = [], [], []
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


# ---------------------------------------------------------------- one session


@dataclass
class AgendaPanel:
    """A session's agenda and the prompts that fit it."""

    session: Session
    side: PairSide
    agenda: list[AgendaItem]
    prompts: list[Prompt]
    phase: str
    is_first: bool

    @property
    def is_open(self) -> bool:
        """The agenda changes until the session is logged."""
        return self.session.status == SessionStatus.PLANNED

    @property
    def phase_label(self) -> str:
        return PromptPhase(self.phase).label

    @cached_property
    def picked_prompt_ids(self) -> set[int]:
        return {item.prompt_id for item in self.agenda if item.prompt_id}

    @property
    def covered_count(self) -> int:
        return sum(1 for item in self.agenda if item.is_covered)


def _first_session_flag():
    """Whether no earlier session of the pair took place or is still planned."""
    return ~Exists(
        Session.objects.filter(
            mentorship=OuterRef("mentorship"), starts_at__lt=OuterRef("starts_at")
        ).exclude(status__in=(SessionStatus.CANCELLED, SessionStatus.NO_SHOW))
    )


def _agenda_panel(session: Session, side: PairSide) -> AgendaPanel:
    phase = PromptPhase.FIRST_SESSION if session.is_first else PHASE_OF_KIND[session.kind]
    focus_skills = EnrollmentSkill.objects.filter(enrollment_id=side.mentorship.mentee_id).values(
        "skill_id"
    )
    prompts = (
        Prompt.objects.filter(is_active=True, phase=phase)
        .filter(Q(skill__isnull=True) | Q(skill_id__in=focus_skills))
        .select_related("skill")
        .order_by("skill__name", "position", "pk")  # focus-skill prompts first (nulls last)
    )
    return AgendaPanel(
        session=session,
        side=side,
        agenda=list(AgendaItem.objects.filter(session=session)),
        prompts=list(prompts),
        phase=phase,
        is_first=session.is_first,
    )


def _access_session_with_flags(*, user, session_id: int) -> tuple[Session, PairSide]:
    session = (
        _session_query(user).filter(pk=session_id).annotate(is_first=_first_session_flag()).first()
    )
    if session is None:
        raise Http404("No such session.")
    return session, _side(session.mentorship, user)


def agenda_panel(*, organization, user, session_id: int) -> AgendaPanel:
    """The agenda of one of the user's sessions, in order, and the active prompts of its
    phase (first session, or the phase of its kind) for the mentee's focus skills or for
    any skill; or 404."""
    session, side = _access_session_with_flags(user=user, session_id=session_id)
    return _agenda_panel(session, side)


@dataclass
class SessionPage:
    panel: AgendaPanel
    my_note: PrivateNote | None
    experiments: list[ActionItem]
    times: list[LocalTime] = field(default_factory=list)
    place: list[LocationPart] = field(default_factory=list)

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


def session_page(*, organization, user, session_id: int) -> SessionPage:
    """One of the user's sessions: its times on both clocks, its agenda and prompts, the
    user's own private note (never the other person's), and the experiments it set."""
    session, side = _access_session_with_flags(user=user, session_id=session_id)
    return SessionPage(
        panel=_agenda_panel(session, side),
        my_note=PrivateNote.objects.filter(session=session, author=side.me).first(),
        experiments=list(ActionItem.objects.filter(session=session)),
        times=local_times(session, side),
        place=location_parts(session.location),
    )


@dataclass
class LogPage:
    session: Session
    side: PairSide
    agenda: list[AgendaItem]


def log_page(*, organization, user, session_id: int) -> LogPage:
    """One of the user's sessions with its agenda, for the log form; or 404."""
    session, side = access_session(organization=organization, user=user, session_id=session_id)
    return LogPage(
        session=session, side=side, agenda=list(AgendaItem.objects.filter(session=session))
    )


def invite_agenda(session: Session) -> list[str]:
    """The agenda points of a session, in order, for its calendar invite."""
    return list(AgendaItem.objects.filter(session=session).values_list("text", flat=True))


# ---------------------------------------------------------------- the agreement


@dataclass
class AgreementPage:
    side: PairSide
    agreement: Agreement | None

    @property
    def mentorship(self) -> Mentorship:
        return self.side.mentorship

    @property
    def my_confirmed_at(self) -> datetime | None:
        if self.agreement is None:
            return None
        side = "mentee" if self.side.is_mentee else "mentor"
        return getattr(self.agreement, f"{side}_confirmed_at")

    @property
    def other_confirmed_at(self) -> datetime | None:
        if self.agreement is None:
            return None
        side = "mentor" if self.side.is_mentee else "mentee"
        return getattr(self.agreement, f"{side}_confirmed_at")

    @property
    def has_confirmations(self) -> bool:
        return bool(self.my_confirmed_at or self.other_confirmed_at)


def agreement_page(*, organization, user, mentorship_id: int) -> AgreementPage:
    """The working agreement of the user's mentorship (None until written); or 404."""
    side = access_pair(organization=organization, user=user, mentorship_id=mentorship_id)
    return AgreementPage(
        side=side, agreement=Agreement.objects.filter(mentorship=side.mentorship).first()
    )


# ---------------------------------------------------------------- experiments


@dataclass
class ExperimentsPage:
    side: PairSide
    open: list[ActionItem]
    done: list[ActionItem]
    dropped: list[ActionItem]

    @property
    def mentorship(self) -> Mentorship:
        return self.side.mentorship

    @property
    def today(self):
        return timezone.localdate()


def experiments_page(*, organization, user, mentorship_id: int) -> ExperimentsPage:
    """The experiments of the user's mentorship: open ones by due date, then done ones
    (newest first, with their reflections), then dropped ones; each with the session that
    set it. Or 404."""
    side = access_pair(organization=organization, user=user, mentorship_id=mentorship_id)
    items = list(ActionItem.objects.filter(mentorship=side.mentorship).select_related("session"))
    done = [item for item in items if item.status == ActionStatus.DONE]
    done.sort(key=lambda item: (item.completed_at or item.updated_at, item.pk), reverse=True)
    return ExperimentsPage(
        side=side,
        open=[item for item in items if item.status == ActionStatus.OPEN],
        done=done,
        dropped=[item for item in items if item.status == ActionStatus.DROPPED],
    )
