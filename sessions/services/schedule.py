"""Planning, moving and cancelling a session."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from matching.models import Mentorship
from mentoring.common.guards import check_same_organization
from mentoring.common.locks import refuse_repeat
from mentoring.notifications.models import Kind

from .. import notices
from ..models import ActionItem, ActionStatus, AgendaItem, Session, SessionKind, SessionStatus
from .rules import pair_member, planned

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from mentoring.tenancy.models import Organization

PLAN_AHEAD = timedelta(days=2 * 365)


def _check_when(starts_at: datetime, duration_minutes: int) -> None:
    errors = {}
    if timezone.is_naive(starts_at):
        errors["starts_at"] = "Give the time with its time zone."
    elif starts_at <= timezone.now():
        errors["starts_at"] = (
            "Choose a time in the future: past meetings are logged, not scheduled."
        )
    elif starts_at > timezone.now() + PLAN_AHEAD:
        # A mentorship lasts months; a date years away is a typo (and at the calendar's
        # end it has no local time on some clocks).
        errors["starts_at"] = "Choose a time within the next two years."
    if not 5 <= duration_minutes <= 480:
        errors["duration_minutes"] = "A session lasts between 5 minutes and 8 hours."
    if errors:
        raise ValidationError(errors)


def session_schedule(
    *,
    organization: Organization,
    actor: User,
    mentorship: Mentorship,
    starts_at: datetime,
    duration_minutes: int = 60,
    kind: str = SessionKind.CHECK_IN,
    location: str = "",
) -> Session:
    """Plan a session; the pair's open experiments join its agenda as follow-ups."""
    check_same_organization(organization, mentorship)
    person = pair_member(actor, mentorship)
    if not mentorship.is_open:
        raise ValidationError("This mentorship has ended: no new sessions.")
    _check_when(starts_at, duration_minutes)
    if kind not in SessionKind.values:
        raise ValidationError({"kind": "Choose a kind of session."})
    with transaction.atomic():
        refuse_repeat(
            Mentorship.objects.filter(pk=mentorship.pk),
            Session.objects.filter(
                mentorship=mentorship, starts_at=starts_at, status=SessionStatus.PLANNED
            ),
            {"starts_at": "A session of yours is already planned at that time."},
        )
        session = Session.objects.create(
            organization=organization,
            mentorship=mentorship,
            kind=kind,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            location=location.strip(),
            created_by=person,
        )
        _add_follow_ups(organization, session)
        notices.session_changed(
            organization, session, kind=Kind.SESSION_PLANNED, actor=person, event="planned"
        )
    return session


def _add_follow_ups(organization: Organization, session: Session) -> None:
    open_items = ActionItem.objects.filter(mentorship=session.mentorship, status=ActionStatus.OPEN)
    AgendaItem.objects.bulk_create(
        AgendaItem(
            organization=organization,
            session=session,
            follow_up_of=item,
            position=i,
            text=f"Follow up: {item.description}",
        )
        for i, item in enumerate(open_items)
    )


def session_reschedule(
    *,
    organization: Organization,
    actor: User,
    session: Session,
    starts_at: datetime,
    duration_minutes: int,
    note: str = "",
) -> Session:
    check_same_organization(organization, session)
    with transaction.atomic():
        session = planned(session)
        person = pair_member(actor, session.mentorship)
        _check_when(starts_at, duration_minutes)
        is_moved = (session.starts_at, session.duration_minutes) != (starts_at, duration_minutes)
        session.starts_at, session.duration_minutes = starts_at, duration_minutes
        session.change_note = note.strip()[:500]
        session.save(update_fields=["starts_at", "duration_minutes", "change_note", "updated_at"])
        if is_moved:  # the same time sent again (a second click) tells no one twice
            notices.session_changed(
                organization,
                session,
                kind=Kind.SESSION_MOVED,
                actor=person,
                event=session.updated_at.isoformat(),
            )
    return session


def session_cancel(
    *, organization: Organization, actor: User, session: Session, note: str
) -> Session:
    check_same_organization(organization, session)
    if not note.strip():
        raise ValidationError({"note": "Tell the other person why, in a line."})
    with transaction.atomic():
        session = planned(session)
        person = pair_member(actor, session.mentorship)
        session.status = SessionStatus.CANCELLED
        session.change_note = note.strip()[:500]
        session.logged_by, session.logged_at = person, timezone.now()
        session.save(
            update_fields=["status", "change_note", "logged_by", "logged_at", "updated_at"]
        )
        notices.session_changed(
            organization, session, kind=Kind.SESSION_CANCELLED, actor=person, event="cancelled"
        )
    return session
