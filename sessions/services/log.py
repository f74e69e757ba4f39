"""Logging a session (once) and the private notes each of the pair keeps on it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from matching.models import Mentorship
from mentoring.common.guards import check_same_organization
from mentoring.common.locks import lock

from ..models import ActionItem, ActionStatus, AgendaItem, PrivateNote, Session, SessionStatus
from .experiments import action_item_add
from .rules import check_text, pair_member, planned

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from mentoring.tenancy.models import Organization


def session_log(
    *,
    organization: Organization,
    actor: User,
    session: Session,
    status: str,
    actual_minutes: int | None = None,
    covered_item_ids: Iterable[int] = (),
    shared_notes: str = "",
    private_note: str = "",
    real_situations: str = "",
    action_items: Iterable[dict] = (),
) -> Session:
    """Record what happened, once: a second submission (double click, second person) is
    refused, so nothing is duplicated. Private notes are stored for the author alone."""
    check_same_organization(organization, session)
    if status not in (SessionStatus.HELD, SessionStatus.CANCELLED, SessionStatus.NO_SHOW):
        raise ValidationError({"status": "Say whether the session was held, cancelled or missed."})
    shared_notes = check_text("shared_notes", shared_notes)
    private_note = check_text("private_note", private_note)
    real_situations = check_text("real_situations", real_situations)
    if status == SessionStatus.HELD and (actual_minutes is None or not 1 <= actual_minutes <= 480):
        raise ValidationError({"actual_minutes": "How long did it last, in minutes (1 to 480)?"})
    with transaction.atomic():
        # the pair before the session, as every write that locks both takes them: the
        # experiments logged with it lock the pair too
        lock(Mentorship.objects.filter(pk=session.mentorship_id))
        session = planned(session)
        person = pair_member(actor, session.mentorship)
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
        already = set(
            ActionItem.objects.filter(
                mentorship=session.mentorship, status=ActionStatus.OPEN
            ).values_list("description", flat=True)
        )
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
    return session


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
