"""The co-created agenda of a planned session: points added (written or picked from the
prompt library), edited, moved and removed by either of the pair."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from mentoring.common.guards import check_same_organization
from mentoring.common.locks import locked

from ..models import AgendaItem, Prompt, Session
from .rules import pair_member, planned

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from mentoring.tenancy.models import Organization

GONE = "That point has just been removed from the agenda."


def _current(item: AgendaItem, session: Session) -> AgendaItem:
    """The point again, locked; refused when someone removed it meanwhile (the
    session lock taken by ``planned`` puts every change of one agenda in a row)."""
    return locked(AgendaItem.objects.filter(session=session), item.pk, GONE)


def agenda_item_add(
    *,
    organization: Organization,
    actor: User,
    session: Session,
    text: str = "",
    prompt: Prompt | None = None,
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
        session = planned(session)
        person = pair_member(actor, session.mentorship)
        last = AgendaItem.objects.filter(session=session).aggregate(last=Max("position"))["last"]
        return AgendaItem.objects.create(
            organization=organization,
            session=session,
            text=text,
            prompt=prompt,
            added_by=person,
            position=(last or 0) + 1,
        )


def agenda_item_edit(
    *, organization: Organization, actor: User, item: AgendaItem, text: str
) -> AgendaItem:
    check_same_organization(organization, item)
    text = text.strip()
    if not text or len(text) > 600:
        raise ValidationError({"text": "An agenda point has 1 to 600 characters."})
    with transaction.atomic():
        session = planned(item.session)
        pair_member(actor, session.mentorship)
        item = _current(item, session)
        item.text = text
        item.save(update_fields=["text"])
    return item


def agenda_item_remove(*, organization: Organization, actor: User, item: AgendaItem) -> None:
    check_same_organization(organization, item)
    with transaction.atomic():
        session = planned(item.session)
        pair_member(actor, session.mentorship)
        _current(item, session).delete()


def agenda_item_move(
    *, organization: Organization, actor: User, item: AgendaItem, offset: int
) -> None:
    """Move a point up (offset -1) or down (+1) by swapping it with its neighbour."""
    check_same_organization(organization, item)
    with transaction.atomic():
        session = planned(item.session)
        pair_member(actor, session.mentorship)
        items = list(AgendaItem.objects.select_for_update().filter(session=session))
        index = next((i for i, row in enumerate(items) if row.pk == item.pk), None)
        if index is None:
            raise ValidationError(GONE)
        target = index + (1 if offset > 0 else -1)
        if not 0 <= target < len(items):
            return
        items[index], items[target] = items[target], items[index]
        for position, row in enumerate(items, start=1):
            row.position = position
        AgendaItem.objects.bulk_update(items, ["position"])
