"""A session's co-created agenda and the prompts of the library that fit it: the
session's phase (its kind, or the first session) and the mentee's focus skills."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import BigIntegerField, CharField, F, Func, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.http import Http404

from matching.access import PairSide, member_filter
from programs.models import EnrollmentSkill

from ..models import AgendaItem, Prompt, PromptPhase, Session, SessionKind, SessionStatus
from .access import access_session_with_flags

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django_stubs_ext import StrOrPromise

    from mentoring.tenancy.models import Organization

# The phase of the prompt library each kind of session draws from; a pair's first session
# draws from the first-session prompts whatever its kind.
PHASE_OF_KIND: dict[str, str] = {
    SessionKind.CHECK_IN: PromptPhase.CHECK_IN,
    SessionKind.ROLE_PLAY: PromptPhase.ROLE_PLAY,
    SessionKind.DEBRIEF: PromptPhase.DEBRIEF,
    SessionKind.GOAL_REVIEW: PromptPhase.GOAL_REVIEW,
    SessionKind.CLOSING: PromptPhase.CLOSING,
}


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _agenda_etag(user_id: int, status: str, stamps: list[str]) -> str:
    """The version of what a person sees of an agenda: its points (each ``id:updated_at``
    in microseconds, which PostgreSQL renews on every change of the row), the session's
    state and the viewer. The page and the poll compute it the same way."""
    state = f"{user_id}|{status}|{','.join(stamps)}"
    return '"' + hashlib.sha256(state.encode()).hexdigest()[:32] + '"'


def _stamp(item: AgendaItem) -> str:
    return f"{item.pk}:{(item.updated_at - _EPOCH) // timedelta(microseconds=1)}"


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
    def phase_label(self) -> StrOrPromise:
        return PromptPhase(self.phase).label

    @cached_property
    def picked_prompt_ids(self) -> set[int]:
        """Prompts on the agenda: picked from the library, or written with the same words."""
        texts = {" ".join(item.text.split()).casefold() for item in self.agenda}
        picked = {item.prompt_id for item in self.agenda if item.prompt_id}
        return picked | {
            prompt.pk
            for prompt in self.prompts
            if " ".join(prompt.text.split()).casefold() in texts
        }

    @property
    def focus_prompts(self) -> list[Prompt]:
        """Prompts for the mentee's focus skills, offered first."""
        return [p for p in self.prompts if p.skill_id and p.pk not in self.picked_prompt_ids]

    @property
    def general_prompts(self) -> list[Prompt]:
        """Prompts that suit any skill, offered after the focus-skill ones."""
        return [p for p in self.prompts if not p.skill_id and p.pk not in self.picked_prompt_ids]

    @property
    def prompts_on_agenda(self) -> list[Prompt]:
        return [p for p in self.prompts if p.pk in self.picked_prompt_ids]

    @property
    def offered_count(self) -> int:
        return len(self.prompts) - len(self.prompts_on_agenda)

    @property
    def live_etag(self) -> str:
        """The version of this agenda as its viewer sees it, the one the live poll
        compares (``agenda_live_etag``)."""
        stamps = [_stamp(item) for item in sorted(self.agenda, key=lambda item: item.pk)]
        return _agenda_etag(self.side.me.user_id, self.session.status, stamps)

    @property
    def covered_count(self) -> int:
        return sum(1 for item in self.agenda if item.is_covered)


def build_agenda_panel(session: Session, side: PairSide) -> AgendaPanel:
    """The panel of a session already read with ``access_session_with_flags``."""
    is_first: bool = session.is_first  # type: ignore[attr-defined]  # annotated on reading
    phase = PromptPhase.FIRST_SESSION if is_first else PHASE_OF_KIND[session.kind]
    focus_skills: object = EnrollmentSkill.objects.filter(
        enrollment_id=side.mentorship.mentee_id
    ).values("skill_id")
    if side.is_circle:  # a circle's points are about the skill it shares
        focus_skills = [side.mentorship.focus_skill_id] if side.mentorship.focus_skill_id else []
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
        is_first=is_first,
    )


def agenda_panel(*, organization: Organization, user: User, session_id: int) -> AgendaPanel:
    """The agenda of one of the user's sessions, in order, and the active prompts of its
    phase (first session, or the phase of its kind) for the mentee's focus skills or for
    any skill; or 404."""
    session, side = access_session_with_flags(user=user, session_id=session_id)
    return build_agenda_panel(session, side)


def agenda_live_etag(*, organization: Organization, user: User, session_id: int) -> str:
    """The version of one of the user's agendas, in one indexed query (the poll answers
    304 when it is what the page shows); 404 for anyone else's session."""
    # Not ``Extract``: it would shift the timestamp into the current time zone first.
    micros = Func(
        F("updated_at"),
        template="(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint",
        output_field=BigIntegerField(),
    )
    stamps = (
        AgendaItem.objects.filter(session=OuterRef("pk"))
        .order_by("pk")
        .annotate(
            stamp=Concat(
                Cast("pk", CharField()),
                Value(":"),
                Cast(micros, CharField()),
                output_field=CharField(),
            )
        )
        .values("stamp")
    )
    row = (
        Session.objects.filter(member_filter(user, "mentorship__"), pk=session_id)
        .annotate(stamps=ArraySubquery(stamps))
        .values("status", "stamps")
        .first()
    )
    if row is None:
        raise Http404("No such session.")
    return _agenda_etag(user.pk, row["status"], list(row["stamps"]))


def invite_agenda(session: Session) -> list[str]:
    """The agenda points of a session, in order, for its calendar invite."""
    return list(AgendaItem.objects.filter(session=session).values_list("text", flat=True))
