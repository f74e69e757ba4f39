"""A session's co-created agenda and the prompts of the library that fit it: the
session's phase (its kind, or the first session) and the mentee's focus skills."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from django.db.models import Q

from matching.access import PairSide
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
        return {item.prompt_id for item in self.agenda if item.prompt_id}

    @property
    def covered_count(self) -> int:
        return sum(1 for item in self.agenda if item.is_covered)


def build_agenda_panel(session: Session, side: PairSide) -> AgendaPanel:
    """The panel of a session already read with ``access_session_with_flags``."""
    is_first: bool = session.is_first  # type: ignore[attr-defined]  # annotated on reading
    phase = PromptPhase.FIRST_SESSION if is_first else PHASE_OF_KIND[session.kind]
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
        is_first=is_first,
    )


def agenda_panel(*, organization: Organization, user: User, session_id: int) -> AgendaPanel:
    """The agenda of one of the user's sessions, in order, and the active prompts of its
    phase (first session, or the phase of its kind) for the mentee's focus skills or for
    any skill; or 404."""
    session, side = access_session_with_flags(user=user, session_id=session_id)
    return build_agenda_panel(session, side)


def invite_agenda(session: Session) -> list[str]:
    """The agenda points of a session, in order, for its calendar invite."""
    return list(AgendaItem.objects.filter(session=session).values_list("text", flat=True))
