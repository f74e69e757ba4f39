"""Logging a session (once), logging a meeting that happened without being planned here,
the shared notes every member writes afterwards, and the private note each keeps on it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from matching.models import Mentorship
from mentoring.common.guards import check_same_organization
from mentoring.common.locks import lock
from mentoring.common.time_zones import time_zone_of

from ..members import member_people, own_experiments_only
from ..models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    PrivateNote,
    Session,
    SessionAttendance,
    SessionKind,
    SessionStatus,
)
from .experiments import action_item_add
from .rules import check_text, pair_member, planned

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from mentoring.people.models import Profile
    from mentoring.tenancy.models import Organization


def session_log(
    *,
    organization: Organization,
    actor: User,
    session: Session,
    status: str,
    actual_minutes: int | None = None,
    covered_item_ids: Iterable[int] = (),
    absent_ids: Iterable[int] = (),
    shared_notes: str = "",
    private_note: str = "",
    real_situations: str = "",
    action_items: Iterable[dict] = (),
) -> Session:
    """Record what happened, once: a second submission (double click, another member) is
    refused, so nothing is duplicated. Private notes are stored for the author alone. A
    circle's held session records who came, one row per member: everyone but the
    ``absent_ids`` (profile ids; anyone not of the circle is refused)."""
    check_same_organization(organization, session)
    if status not in (SessionStatus.HELD, SessionStatus.CANCELLED, SessionStatus.NO_SHOW):
        raise ValidationError(
            {"status": _("Say whether the session was held, cancelled or missed.")}
        )
    shared_notes = check_text("shared_notes", shared_notes)
    private_note = check_text("private_note", private_note)
    real_situations = check_text("real_situations", real_situations)
    if status == SessionStatus.HELD and (actual_minutes is None or not 1 <= actual_minutes <= 480):
        raise ValidationError({"actual_minutes": _("How long did it last, in minutes (1 to 480)?")})
    with transaction.atomic():
        # the pair before the session, as every write that locks both takes them: the
        # experiments logged with it lock the pair too
        lock(Mentorship.objects.filter(pk=session.mentorship_id))
        session = planned(session)
        person = pair_member(actor, session.mentorship)
        if session.starts_at > timezone.now() + timedelta(hours=1) and status == SessionStatus.HELD:
            raise ValidationError(_("This session has not happened yet: log it afterwards."))
        session.status = status
        session.actual_minutes = actual_minutes if status == SessionStatus.HELD else None
        session.shared_notes, session.real_situations = shared_notes, real_situations
        session.logged_by, session.logged_at = person, timezone.now()
        session.save()
        AgendaItem.objects.filter(session=session, pk__in=list(covered_item_ids)).update(
            is_covered=True
        )
        if session.mentorship.is_circle and status == SessionStatus.HELD:
            _record_attendance(organization, session, set(absent_ids))
        _record_notes(organization, actor, session, person, private_note, action_items)
    return session


def _record_attendance(organization: Organization, session: Session, absent: set[int]) -> None:
    """One row per member of the circle: whether they came (inside the log's transaction,
    the session locked: a second log is refused before it gets here)."""
    people = member_people(session.mentorship)
    unknown = absent - {person.pk for person in people}
    if unknown:
        raise ValidationError({"absent": _("Tick only people of this circle.")})
    SessionAttendance.objects.bulk_create(
        SessionAttendance(
            organization=organization,
            session=session,
            person=person,
            attended=person.pk not in absent,
        )
        for person in people
    )


def _record_notes(
    organization: Organization,
    actor: User,
    session: Session,
    person: Profile,
    private_note: str,
    action_items: Iterable[dict],
) -> None:
    """The author's private note and the experiments of a logged session (inside its
    transaction, with the pair locked)."""
    if private_note:
        PrivateNote.objects.update_or_create(
            organization=organization,
            session=session,
            author=person,
            defaults={"text": private_note},
        )
    open_items = ActionItem.objects.filter(mentorship=session.mentorship, status=ActionStatus.OPEN)
    if own_experiments_only(session.mentorship):
        open_items = open_items.filter(owner=person)  # each member of a circle has their own
    already = set(open_items.values_list("description", flat=True))
    for item in action_items:
        if item["description"].strip() in already:
            continue  # already on the pair's list (or typed twice): not added again
        already.add(item["description"].strip())
        action_item_add(
            organization=organization,
            actor=actor,
            mentorship=session.mentorship,
            session=session,
            **item,
        )


# Two logs of one pair starting less than this apart are taken for the same meeting.
SAME_MEETING = timedelta(hours=1)


class SameMeeting(ValidationError):
    """A meeting of the pair is already stored within the hour: ``session`` is that one."""

    def __init__(self, session: Session, message: str):
        super().__init__(message)
        self.session = session


def _check_past(
    starts_at: datetime, duration_minutes: int, mentorship: Mentorship, person: Profile
) -> None:
    errors = {}
    if timezone.is_naive(starts_at):
        errors["starts_at"] = _("Give the time with its time zone.")
    elif starts_at > timezone.now():
        errors["starts_at"] = _(
            "That time is still to come: plan the session instead, and log it afterwards."
        )
    elif starts_at.astimezone(time_zone_of(person.time_zone)).date() < mentorship.started_on:
        errors["starts_at"] = _("Your mentorship began on %(day)s: choose a date from then on.") % {
            "day": dateformat.format(mentorship.started_on, "j F Y")
        }
    if not 5 <= duration_minutes <= 480:
        errors["duration_minutes"] = _("A session lasts between 5 minutes and 8 hours.")
    if errors:
        raise ValidationError(errors)


def session_log_past(
    *,
    organization: Organization,
    actor: User,
    mentorship: Mentorship,
    starts_at: datetime,
    duration_minutes: int,
    kind: str = SessionKind.CHECK_IN,
    absent_ids: Iterable[int] = (),
    shared_notes: str = "",
    private_note: str = "",
    real_situations: str = "",
    action_items: Iterable[dict] = (),
) -> Session:
    """Record a meeting that took place without being planned here: a held session at
    ``starts_at``, with the notes and experiments of any logged session. A meeting of the
    pair already stored within the hour (a second click, or the other person a moment
    before) raises ``SameMeeting`` with it, and nothing is written twice. A circle's
    records who came, as ``session_log`` does."""
    check_same_organization(organization, mentorship)
    person = pair_member(actor, mentorship)
    if not mentorship.is_open:
        raise ValidationError(_("This mentorship has ended: no new sessions."))
    _check_past(starts_at, duration_minutes, mentorship, person)
    if kind not in SessionKind.values:
        raise ValidationError({"kind": _("Choose a kind of session.")})
    shared_notes = check_text("shared_notes", shared_notes)
    private_note = check_text("private_note", private_note)
    real_situations = check_text("real_situations", real_situations)
    with transaction.atomic():
        # the pair locked first, as every write that adds to it: two logs of one meeting
        # go one at a time, and the second finds the first
        lock(Mentorship.objects.filter(pk=mentorship.pk))
        nearby = list(
            Session.objects.filter(
                mentorship=mentorship,
                status__in=(SessionStatus.HELD, SessionStatus.PLANNED),
                starts_at__gt=starts_at - SAME_MEETING,
                starts_at__lt=starts_at + SAME_MEETING,
            )
        )
        if nearby:
            # a held one before a planned one: what was logged is what the person must see
            same = min(nearby, key=lambda found: found.status != SessionStatus.HELD)
            raise SameMeeting(same, _same_meeting_message(same, person, mentorship))
        now = timezone.now()
        session = Session.objects.create(
            organization=organization,
            mentorship=mentorship,
            kind=kind,
            status=SessionStatus.HELD,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            actual_minutes=duration_minutes,
            shared_notes=shared_notes,
            real_situations=real_situations,
            logged_by=person,
            logged_at=now,
            created_by=person,
        )
        if mentorship.is_circle:
            _record_attendance(organization, session, set(absent_ids))
        _record_notes(organization, actor, session, person, private_note, action_items)
    return session


def _same_meeting_message(session: Session, person: Profile, mentorship: Mentorship) -> str:
    if session.status == SessionStatus.PLANNED:
        return _("You had planned a session at about that time: log that one instead.")
    if session.logged_by_id == person.pk:
        return _("You have already logged a meeting at about that time: nothing was added twice.")
    if mentorship.is_circle:
        return _(
            "Someone in your circle has just logged a meeting at about that time: "
            "open it to add to it rather than logging it twice."
        )
    return _(
        "Your partner has just logged a meeting at about that time: "
        "open it to add to it rather than logging it twice."
    )


def private_note_save(
    *, organization: Organization, actor: User, session: Session, text: str
) -> PrivateNote | None:
    check_same_organization(organization, session)
    person = pair_member(actor, session.mentorship)
    text = check_text("text", text)
    if not text:
        PrivateNote.objects.filter(session=session, author=person).delete()
        return None
    note, _ = PrivateNote.objects.update_or_create(
        organization=organization, session=session, author=person, defaults={"text": text}
    )
    return note


def shared_notes_version(text: str) -> str:
    """A short fingerprint of the shared notes as someone started editing them."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class SharedNotesConflict(ValidationError):
    """The shared notes changed since the editor opened them: ``theirs`` is the text now,
    ``version`` its fingerprint (sending it again replaces it on purpose)."""

    def __init__(self, *, theirs: str, version: str) -> None:
        super().__init__(
            {
                "text": _(
                    "Someone changed the shared notes while you were writing. Their "
                    "version is above; yours is kept here: merge them and save again."
                )
            }
        )
        self.theirs = theirs
        self.version = version


def shared_notes_save(
    *, organization: Organization, actor: User, session: Session, text: str, version: str
) -> Session:
    """Change the shared notes of a logged session: any member writes them (a pair's two,
    everyone of a circle). ``version`` is the fingerprint of the notes the editor started
    from: when they changed meanwhile, ``SharedNotesConflict`` refuses and nothing is
    overwritten."""
    check_same_organization(organization, session)
    text = check_text("text", text)
    with transaction.atomic():
        session = (
            Session.objects.select_for_update(of=("self",))
            .select_related("mentorship__mentee", "mentorship__mentor")
            .get(pk=session.pk)
        )
        pair_member(actor, session.mentorship)
        if not session.is_logged:
            raise ValidationError(_("Log the session first: its shared notes come with the log."))
        if session.shared_notes == text:
            return session  # the same words sent again: nothing to change
        if shared_notes_version(session.shared_notes) != version:
            raise SharedNotesConflict(
                theirs=session.shared_notes, version=shared_notes_version(session.shared_notes)
            )
        session.shared_notes = text
        session.save(update_fields=["shared_notes", "updated_at"])
    return session
