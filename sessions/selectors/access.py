"""The rows of one pair a session page starts from: a session, an agenda point, an
experiment. Each is for the members of the mentorship only (``matching.access``): a
row that is missing, of another organization or of another pair is the same 404, for
program managers and HR too. One query each."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, Expression, OuterRef, Q, QuerySet
from django.http import Http404

from matching.access import PAIR_PEOPLE, PairSide, member_filter, side_of
from programs.models import ProgramFormat

from ..members import own_experiments_only
from ..models import ActionItem, AgendaItem, Session, SessionStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from mentoring.tenancy.models import Organization


def _session_query(user: User) -> QuerySet[Session]:
    return Session.objects.filter(member_filter(user, "mentorship__")).select_related(
        *(f"mentorship__{name}" for name in PAIR_PEOPLE)
    )


def access_session(
    *, organization: Organization, user: User, session_id: int
) -> tuple[Session, PairSide]:
    """A session of one of the user's mentorships, with the pair; or 404."""
    session = _session_query(user).filter(pk=session_id).first()
    if session is None:
        raise Http404("No such session.")
    return session, side_of(session.mentorship, user)


def _first_session_flag() -> Expression:
    """Whether no earlier session of the pair took place or is still planned."""
    return ~Exists(
        Session.objects.filter(
            mentorship=OuterRef("mentorship"), starts_at__lt=OuterRef("starts_at")
        ).exclude(status__in=(SessionStatus.CANCELLED, SessionStatus.NO_SHOW))
    )


def access_session_with_flags(*, user: User, session_id: int) -> tuple[Session, PairSide]:
    """``access_session``, the session annotated with ``is_first``, with its plan step."""
    session = (
        _session_query(user)
        .filter(pk=session_id)
        .select_related("plan_step")
        .annotate(is_first=_first_session_flag())
        .first()
    )
    if session is None:
        raise Http404("No such session.")
    return session, side_of(session.mentorship, user)


def access_agenda_item(
    *, organization: Organization, user: User, session_id: int, item_id: int
) -> AgendaItem:
    """A point of the agenda of one of the user's sessions (with its session); or 404."""
    item = (
        AgendaItem.objects.filter(
            member_filter(user, "session__mentorship__"), pk=item_id, session_id=session_id
        )
        .select_related("session")
        .first()
    )
    if item is None:
        raise Http404("No such agenda point.")
    return item


def experiments_of(side: PairSide) -> Q:
    """The experiments ``side``'s person works with: a pair's, or in a circle their own
    (``members.own_experiments_only``)."""
    if own_experiments_only(side.mentorship):
        return Q(mentorship=side.mentorship, owner=side.me)
    return Q(mentorship=side.mentorship)


def access_action_item(
    *, organization: Organization, user: User, mentorship_id: int, item_id: int
) -> ActionItem:
    """An experiment of one of the user's mentorships (in a circle, one of their own); or
    404."""
    item = (
        ActionItem.objects.filter(
            member_filter(user, "mentorship__"), pk=item_id, mentorship_id=mentorship_id
        )
        .filter(~Q(mentorship__program__format=ProgramFormat.CIRCLE) | Q(owner__user=user))
        .select_related("mentorship__program")
        .first()
    )
    if item is None:
        raise Http404("No such experiment.")
    return item
