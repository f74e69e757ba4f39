"""The questions someone prepared for one of their sessions: their own list only, never
the other person's (one query after the session's)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import Http404

from matching.access import PairSide, member_filter

from ..models import PreparedQuestion, Session, SessionStatus
from .access import access_session

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from mentoring.tenancy.models import Organization


@dataclass
class PreparedQuestionsPanel:
    session: Session
    side: PairSide
    questions: list[PreparedQuestion]

    @property
    def is_open(self) -> bool:
        """Questions are added while the session is planned; removed at any time."""
        return self.session.status == SessionStatus.PLANNED


def prepared_questions_panel(
    *, organization: Organization, user: User, session_id: int
) -> PreparedQuestionsPanel:
    """One of the user's sessions with the questions the user prepared for it; or 404."""
    session, side = access_session(organization=organization, user=user, session_id=session_id)
    questions = list(PreparedQuestion.objects.filter(session=session, author=side.me))
    return PreparedQuestionsPanel(session=session, side=side, questions=questions)


def access_prepared_question(
    *, organization: Organization, user: User, session_id: int, question_id: int
) -> PreparedQuestion:
    """One of the user's own prepared questions for one of their sessions; or 404, for the
    other person's questions too."""
    question = PreparedQuestion.objects.filter(
        member_filter(user, "session__mentorship__"),
        pk=question_id,
        session_id=session_id,
        author__user=user,
    ).first()
    if question is None:
        raise Http404("No such question.")
    return question
