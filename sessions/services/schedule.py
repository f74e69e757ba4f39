"""Planning, moving and cancelling a session. Each change raises the session's SEQUENCE
and emails both people its calendar invitation (``sessions.notices``); planning over
another planned session of either person is refused with code ``overlap`` unless the
planner confirms (``allow_overlap``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from matching.models import Mentorship
from mentoring.common.guards import check_same_organization
from mentoring.common.locks import refuse_repeat
from mentoring.common.time_zones import time_zone_of
from mentoring.notifications.models import Kind

from .. import notices
from ..members import member_people, own_experiments_only, who_meets
from ..models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    MeetingPlace,
    Session,
    SessionKind,
    SessionStatus,
)
from ..selectors.busy import planned_sessions_between
from .places import check_place
from .plan_prefill import sessions_plan_prefill
from .rules import pair_member, planned

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from mentoring.people.models import Profile
    from mentoring.tenancy.models import Organization

PLAN_AHEAD = timedelta(days=2 * 365)


def _check_when(starts_at: datetime, duration_minutes: int) -> None:
    errors = {}
    if timezone.is_naive(starts_at):
        errors["starts_at"] = _("Give the time with its time zone.")
    elif starts_at <= timezone.now():
        errors["starts_at"] = _(
            "Choose a time in the future: past meetings are logged, not scheduled."
        )
    elif starts_at > timezone.now() + PLAN_AHEAD:
        # A mentorship lasts months; a date years away is a typo (and at the calendar's
        # end it has no local time on some clocks).
        errors["starts_at"] = _("Choose a time within the next two years.")
    if not 5 <= duration_minutes <= 480:
        errors["duration_minutes"] = _("A session lasts between 5 minutes and 8 hours.")
    if errors:
        raise ValidationError(errors)


def check_overlap(
    mentorship: Mentorship,
    starts_at: datetime,
    duration_minutes: int,
    *,
    person: Profile,
    moving: Session | None = None,
) -> None:
    """Refuse, with code ``overlap``, a time that overlaps another planned session of
    either of the pair, named on ``person``'s clock. The pair's own session at the very
    same start is left to ``refuse_repeat`` (a second click is a repeat, not a clash)."""
    ends = starts_at + timedelta(minutes=duration_minutes)
    people = member_people(mentorship)
    clashes = [
        other
        for other in planned_sessions_between(people, starts_at, ends)
        if not (moving and other.pk == moving.pk)
        and not (other.mentorship_id == mentorship.pk and other.starts_at == starts_at)
    ]
    if not clashes:
        return
    zone = time_zone_of(person.time_zone)
    named = "; ".join(
        _("%(when)s with %(who)s")
        % {
            "when": dateformat.format(other.starts_at.astimezone(zone), "D d M H:i"),
            "who": who_meets(other.mentorship),
        }
        for other in clashes[:3]
    )
    raise ValidationError(
        {
            "starts_at": ValidationError(
                _(
                    "That time overlaps another planned session: %(named)s. "
                    "Choose another time, or confirm that you want both."
                )
                % {"named": named},
                code="overlap",
            )
        }
    )


def default_place(mentorship: Mentorship) -> str:
    """Where the pair usually meets (``MeetingPlace``), or nothing."""
    place = MeetingPlace.objects.filter(mentorship=mentorship).first()
    return place.location if place else ""


def session_schedule(
    *,
    organization: Organization,
    actor: User,
    mentorship: Mentorship,
    starts_at: datetime,
    duration_minutes: int = 60,
    kind: str = SessionKind.CHECK_IN,
    location: str | None = None,
    allow_overlap: bool = False,
) -> Session:
    """Plan a session; the pair's open experiments join its agenda as follow-ups. Without
    a ``location``, the pair's usual meeting place."""
    check_same_organization(organization, mentorship)
    person = pair_member(actor, mentorship)
    if not mentorship.is_open:
        raise ValidationError(_("This mentorship has ended: no new sessions."))
    _check_when(starts_at, duration_minutes)
    if kind not in SessionKind.values:
        raise ValidationError({"kind": _("Choose a kind of session.")})
    location = default_place(mentorship) if location is None else check_place(location)
    if not allow_overlap:
        check_overlap(mentorship, starts_at, duration_minutes, person=person)
    with transaction.atomic():
        refuse_repeat(
            Mentorship.objects.filter(pk=mentorship.pk),
            Session.objects.filter(
                mentorship=mentorship, starts_at=starts_at, status=SessionStatus.PLANNED
            ),
            {"starts_at": _("A session of yours is already planned at that time.")},
        )
        session = Session.objects.create(
            organization=organization,
            mentorship=mentorship,
            kind=kind,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            location=location,
            created_by=person,
        )
        _add_follow_ups(organization, session)
        sessions_plan_prefill(organization=organization, sessions=[session])
        notices.session_changed(organization, session, kind=Kind.SESSION_PLANNED, actor=person)
    return session


def _add_follow_ups(organization: Organization, session: Session) -> None:
    """The pair's open experiments join the agenda; a circle's do not: each member's
    experiments are their own, and the agenda is everyone's."""
    if own_experiments_only(session.mentorship):
        return
    open_items = ActionItem.objects.filter(mentorship=session.mentorship, status=ActionStatus.OPEN)
    AgendaItem.objects.bulk_create(
        AgendaItem(
            organization=organization,
            session=session,
            follow_up_of=item,
            position=i,
            text=_("Follow up: %(description)s") % {"description": item.description},
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
    location: str | None = None,
    allow_overlap: bool = False,
) -> Session:
    """Move a session, or change its place (``None``: keep it); both people's calendars
    move the same event."""
    check_same_organization(organization, session)
    with transaction.atomic():
        session = planned(session)
        person = pair_member(actor, session.mentorship)
        place = session.location if location is None else check_place(location)
        is_changed = (session.starts_at, session.duration_minutes, session.location) != (
            starts_at,
            duration_minutes,
            place,
        )
        _check_when(starts_at, duration_minutes)
        if not is_changed:  # the same time sent again (a second click) tells no one twice
            return session
        if not allow_overlap:
            check_overlap(
                session.mentorship, starts_at, duration_minutes, person=person, moving=session
            )
        session.starts_at, session.duration_minutes = starts_at, duration_minutes
        session.location = place
        session.change_note = note.strip()[:500]
        session.sequence += 1
        session.save(
            update_fields=[
                "starts_at",
                "duration_minutes",
                "location",
                "change_note",
                "sequence",
                "updated_at",
            ]
        )
        notices.session_changed(organization, session, kind=Kind.SESSION_MOVED, actor=person)
    return session


def session_cancel(
    *, organization: Organization, actor: User, session: Session, note: str
) -> Session:
    check_same_organization(organization, session)
    if not note.strip():
        raise ValidationError({"note": _("Tell the other person why, in a line.")})
    with transaction.atomic():
        session = planned(session)
        person = pair_member(actor, session.mentorship)
        session.status = SessionStatus.CANCELLED
        session.change_note = note.strip()[:500]
        session.logged_by, session.logged_at = person, timezone.now()
        session.sequence += 1
        session.save(
            update_fields=[
                "status",
                "change_note",
                "logged_by",
                "logged_at",
                "sequence",
                "updated_at",
            ]
        )
        notices.session_changed(organization, session, kind=Kind.SESSION_CANCELLED, actor=person)
    return session
