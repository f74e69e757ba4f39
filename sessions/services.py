"""Every write of the session loop: scheduling, the agreement, the co-created agenda,
logging (once), private notes and action items. The actor must be one of the pair."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from matching.models import Mentorship
from mentoring.common.guards import check_same_organization
from mentoring.people.selectors import profile_of
from programs.models import Skill

from . import defaults
from .models import (
    NOTES_MAX_CHARS,
    ActionItem,
    ActionStatus,
    AgendaItem,
    Agreement,
    PrivateNote,
    Prompt,
    Session,
    SessionKind,
    SessionStatus,
)


def organization_sessions_defaults_install(*, organization) -> None:
    """Give a new organization the guided check-in prompt library (once)."""
    if Prompt.objects.exists():
        return
    skills = {skill.name: skill for skill in Skill.objects.all()}
    Prompt.objects.bulk_create(
        Prompt(
            organization=organization, phase=phase, skill=skills.get(skill), text=text, position=i
        )
        for i, (phase, skill, text) in enumerate(defaults.PROMPTS)
    )


def _pair_member(actor, mentorship: Mentorship):
    """The actor's profile, if they are the mentee or the mentor of the mentorship."""
    person = profile_of(actor)
    if person.pk not in (mentorship.mentee.person_id, mentorship.mentor.person_id):
        raise ValidationError("Only the two people of this mentorship can do this.")
    return person


def _check_text(field: str, text: str) -> str:
    if len(text) > NOTES_MAX_CHARS:
        raise ValidationError(
            {
                field: f"Keep it under {NOTES_MAX_CHARS:,} characters ({len(text):,} now): "
                "notes are for what matters, not transcripts."
            }
        )
    return text.strip()


# ---------------------------------------------------------------- scheduling

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
    organization,
    actor,
    mentorship: Mentorship,
    starts_at: datetime,
    duration_minutes: int = 60,
    kind: str = SessionKind.CHECK_IN,
    location: str = "",
) -> Session:
    """Plan a session; the pair's open experiments join its agenda as follow-ups."""
    check_same_organization(organization, mentorship)
    person = _pair_member(actor, mentorship)
    if not mentorship.is_open:
        raise ValidationError("This mentorship has ended: no new sessions.")
    _check_when(starts_at, duration_minutes)
    if kind not in SessionKind.values:
        raise ValidationError({"kind": "Choose a kind of session."})
    with transaction.atomic():
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
    return session


def _add_follow_ups(organization, session: Session) -> None:
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


def _planned(session: Session) -> Session:
    session = (
        Session.objects.select_for_update()
        .select_related("mentorship__mentee", "mentorship__mentor")
        .get(pk=session.pk)
    )
    if session.status != SessionStatus.PLANNED:
        raise ValidationError(
            f"This session was already logged as {session.get_status_display().lower()}: "
            "its agenda and time can no longer change."
        )
    return session


def session_reschedule(
    *,
    organization,
    actor,
    session: Session,
    starts_at: datetime,
    duration_minutes: int,
    note: str = "",
) -> Session:
    check_same_organization(organization, session)
    with transaction.atomic():
        session = _planned(session)
        _pair_member(actor, session.mentorship)
        _check_when(starts_at, duration_minutes)
        session.starts_at, session.duration_minutes = starts_at, duration_minutes
        session.change_note = note.strip()[:500]
        session.save(update_fields=["starts_at", "duration_minutes", "change_note", "updated_at"])
    return session


def session_cancel(*, organization, actor, session: Session, note: str) -> Session:
    check_same_organization(organization, session)
    if not note.strip():
        raise ValidationError({"note": "Tell the other person why, in a line."})
    with transaction.atomic():
        session = _planned(session)
        person = _pair_member(actor, session.mentorship)
        session.status = SessionStatus.CANCELLED
        session.change_note = note.strip()[:500]
        session.logged_by, session.logged_at = person, timezone.now()
        session.save(
            update_fields=["status", "change_note", "logged_by", "logged_at", "updated_at"]
        )
    return session


# ---------------------------------------------------------------- agreement


AGREEMENT_FIELDS = (
    "goals",
    "cadence",
    "confidentiality",
    "mentee_feedback_style",
    "mentor_feedback_style",
)


def agreement_save(*, organization, actor, mentorship: Mentorship, **fields) -> Agreement:
    """Write the pair's working agreement; any change asks both people to confirm again."""
    check_same_organization(organization, mentorship)
    _pair_member(actor, mentorship)
    missing = [name for name in AGREEMENT_FIELDS if not str(fields.get(name, "")).strip()]
    if missing:
        raise ValidationError({name: "Agree on this too, even in a few words." for name in missing})
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().filter(mentorship=mentorship).first()
        unchanged = agreement is not None and all(
            getattr(agreement, name) == str(fields[name]).strip() for name in AGREEMENT_FIELDS
        )
        if unchanged:
            return agreement  # saving the same words again keeps both confirmations
        agreement = agreement or Agreement(organization=organization, mentorship=mentorship)
        for name in AGREEMENT_FIELDS:
            setattr(agreement, name, str(fields[name]).strip())
        agreement.mentee_confirmed_at = agreement.mentor_confirmed_at = None
        agreement.save()
    return agreement


def agreement_confirm(*, organization, actor, agreement: Agreement) -> Agreement:
    check_same_organization(organization, agreement)
    with transaction.atomic():
        agreement = (
            Agreement.objects.select_for_update()
            .select_related("mentorship__mentee", "mentorship__mentor")
            .get(pk=agreement.pk)
        )
        person = _pair_member(actor, agreement.mentorship)
        side = "mentee" if person.pk == agreement.mentorship.mentee.person_id else "mentor"
        setattr(agreement, f"{side}_confirmed_at", timezone.now())
        agreement.save(update_fields=[f"{side}_confirmed_at", "updated_at"])
    return agreement


# ---------------------------------------------------------------- agenda


def agenda_item_add(
    *, organization, actor, session: Session, text: str = "", prompt: Prompt | None = None
) -> AgendaItem:
    """Add a point, written or picked from the prompt library, at the end of the agenda."""
    check_same_organization(organization, session, prompt)
    if prompt is not None and not prompt.is_active:
        raise ValidationError({"prompt": "That prompt has been switched off: pick another."})
    text = (prompt.text if prompt is not None else text).strip()
    if not text:
        raise ValidationError({"text": "Write the point, or pick a prompt."})
    if len(text) > 600:
        raise ValidationError({"text": "Keep an agenda point under 600 characters."})
    with transaction.atomic():
        session = _planned(session)
        person = _pair_member(actor, session.mentorship)
        last = AgendaItem.objects.filter(session=session).aggregate(last=Max("position"))["last"]
        return AgendaItem.objects.create(
            organization=organization,
            session=session,
            text=text,
            prompt=prompt,
            added_by=person,
            position=(last or 0) + 1,
        )


def agenda_item_edit(*, organization, actor, item: AgendaItem, text: str) -> AgendaItem:
    check_same_organization(organization, item)
    text = text.strip()
    if not text or len(text) > 600:
        raise ValidationError({"text": "An agenda point has 1 to 600 characters."})
    with transaction.atomic():
        session = _planned(item.session)
        _pair_member(actor, session.mentorship)
        item.text = text
        item.save(update_fields=["text"])
    return item


def agenda_item_remove(*, organization, actor, item: AgendaItem) -> None:
    check_same_organization(organization, item)
    with transaction.atomic():
        session = _planned(item.session)
        _pair_member(actor, session.mentorship)
        item.delete()


def agenda_item_move(*, organization, actor, item: AgendaItem, offset: int) -> None:
    """Move a point up (offset -1) or down (+1) by swapping it with its neighbour."""
    check_same_organization(organization, item)
    with transaction.atomic():
        session = _planned(item.session)
        _pair_member(actor, session.mentorship)
        items = list(AgendaItem.objects.select_for_update().filter(session=session))
        index = next(i for i, row in enumerate(items) if row.pk == item.pk)
        target = index + (1 if offset > 0 else -1)
        if not 0 <= target < len(items):
            return
        items[index], items[target] = items[target], items[index]
        for position, row in enumerate(items, start=1):
            row.position = position
        AgendaItem.objects.bulk_update(items, ["position"])


# ---------------------------------------------------------------- logging


def session_log(
    *,
    organization,
    actor,
    session: Session,
    status: str,
    actual_minutes: int | None = None,
    covered_item_ids=(),
    shared_notes: str = "",
    private_note: str = "",
    real_situations: str = "",
    action_items: list[dict] = (),
) -> Session:
    """Record what happened, once: a second submission (double click, second person) is
    refused, so nothing is duplicated. Private notes are stored for the author alone."""
    check_same_organization(organization, session)
    if status not in (SessionStatus.HELD, SessionStatus.CANCELLED, SessionStatus.NO_SHOW):
        raise ValidationError({"status": "Say whether the session was held, cancelled or missed."})
    shared_notes = _check_text("shared_notes", shared_notes)
    private_note = _check_text("private_note", private_note)
    real_situations = _check_text("real_situations", real_situations)
    if status == SessionStatus.HELD and (actual_minutes is None or not 1 <= actual_minutes <= 480):
        raise ValidationError({"actual_minutes": "How long did it last, in minutes (1 to 480)?"})
    with transaction.atomic():
        session = _planned(session)
        person = _pair_member(actor, session.mentorship)
        if session.starts_at > timezone.now() + timedelta(hours=1) and status == SessionStatus.HELD:
            raise ValidationError("This session has not happened yet: log it afterwards.")
        session.status = status
        session.actual_minutes = actual_minutes if status == SessionStatus.HELD else None
        session.shared_notes, session.real_situations = shared_notes, real_situations
        session.logged_by, session.logged_at = person, timezone.now()
        session.save()
        AgendaItem.objects.filter(session=session, pk__in=list(covered_item_ids)).update(
            is_covered=True
        )
        if private_note:
            PrivateNote.objects.update_or_create(
                organization=organization,
                session=session,
                author=person,
                defaults={"text": private_note},
            )
        for item in action_items:
            action_item_add(
                organization=organization,
                actor=actor,
                mentorship=session.mentorship,
                session=session,
                **item,
            )
    return session


def private_note_save(*, organization, actor, session: Session, text: str) -> PrivateNote | None:
    check_same_organization(organization, session)
    person = _pair_member(actor, session.mentorship)
    text = _check_text("text", text)
    if not text:
        PrivateNote.objects.filter(session=session, author=person).delete()
        return None
    note, _ = PrivateNote.objects.update_or_create(
        organization=organization, session=session, author=person, defaults={"text": text}
    )
    return note


# ---------------------------------------------------------------- action items


def action_item_add(
    *,
    organization,
    actor,
    mentorship: Mentorship,
    description: str,
    due_on,
    owner=None,
    session: Session | None = None,
) -> ActionItem:
    """A small, concrete experiment with a due date; its owner is one of the pair."""
    check_same_organization(organization, mentorship, session)
    _pair_member(actor, mentorship)
    owner = owner or mentorship.mentee.person
    if owner.pk not in (mentorship.mentee.person_id, mentorship.mentor.person_id):
        raise ValidationError({"owner": "The owner is the mentee or the mentor."})
    errors = {}
    if not description.strip():
        errors["description"] = "Describe the experiment: what, where, with whom."
    elif len(description) > 500:
        errors["description"] = "Keep it under 500 characters: small experiments are short."
    if due_on is None or due_on < timezone.localdate():
        errors["due_on"] = "Choose a due date from today on."
    if errors:
        raise ValidationError(errors)
    return ActionItem.objects.create(
        organization=organization,
        mentorship=mentorship,
        session=session,
        owner=owner,
        description=description.strip(),
        due_on=due_on,
    )


def action_item_complete(*, organization, actor, item: ActionItem, reflection: str) -> ActionItem:
    """Mark an experiment done with what happened; only its owner can."""
    check_same_organization(organization, item)
    person = profile_of(actor)
    if person.pk != item.owner_id:
        raise ValidationError("Only the owner of this experiment can mark it done.")
    reflection = _check_text("reflection", reflection)
    if not reflection:
        raise ValidationError({"reflection": "What happened when you tried it? A line is enough."})
    with transaction.atomic():
        item = ActionItem.objects.select_for_update().get(pk=item.pk)
        if item.status != ActionStatus.OPEN:
            raise ValidationError("This experiment is already closed.")
        item.status, item.reflection, item.completed_at = (
            ActionStatus.DONE,
            reflection,
            timezone.now(),
        )
        item.save(update_fields=["status", "reflection", "completed_at", "updated_at"])
    return item


def action_item_drop(*, organization, actor, item: ActionItem) -> ActionItem:
    check_same_organization(organization, item)
    with transaction.atomic():
        item = (
            ActionItem.objects.select_for_update()
            .select_related("mentorship__mentee", "mentorship__mentor")
            .get(pk=item.pk)
        )
        _pair_member(actor, item.mentorship)
        if item.status != ActionStatus.OPEN:
            raise ValidationError("This experiment is already closed.")
        item.status = ActionStatus.DROPPED
        item.save(update_fields=["status", "updated_at"])
    return item
