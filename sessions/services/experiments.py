"""Action items ("experiments"): small, concrete things to try before the next session,
owned by one of the pair (in a circle, by each member for themselves), marked done with a
reflection or dropped."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.models import Mentorship
from mentoring.common.guards import check_same_organization
from mentoring.common.locks import refuse_repeat
from mentoring.people.selectors import profile_of

from ..members import own_experiments_only
from ..models import ActionItem, ActionStatus, Session
from .rules import check_text, pair_member

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from mentoring.people.models import Profile
    from mentoring.tenancy.models import Organization


def action_item_add(
    *,
    organization: Organization,
    actor: User,
    mentorship: Mentorship,
    description: str,
    due_on: date | None,
    owner: Profile | None = None,
    session: Session | None = None,
) -> ActionItem:
    """A small, concrete experiment with a due date; its owner is one of the pair (in a
    circle, the member who adds it: each keeps their own)."""
    check_same_organization(organization, mentorship, session)
    person = pair_member(actor, mentorship)
    own_only = own_experiments_only(mentorship)
    if own_only:
        owner = owner or person
        if owner.pk != person.pk:
            raise ValidationError(
                {"owner": _("In a circle, each of you adds your own experiments.")}
            )
    else:
        owner = owner or mentorship.mentee.person
        if owner.pk not in (mentorship.mentee.person_id, mentorship.mentor.person_id):
            raise ValidationError({"owner": _("The owner is the mentee or the mentor.")})
    errors = {}
    if not description.strip():
        errors["description"] = _("Describe the experiment: what, where, with whom.")
    elif len(description) > 500:
        errors["description"] = _("Keep it under 500 characters: small experiments are short.")
    if due_on is None or due_on < timezone.localdate():
        errors["due_on"] = _("Choose a due date from today on.")
    if errors:
        raise ValidationError(errors)
    assert due_on is not None  # checked above
    description = description.strip()
    with transaction.atomic():
        refuse_repeat(
            Mentorship.objects.filter(pk=mentorship.pk),
            ActionItem.objects.filter(
                mentorship=mentorship, description=description, status=ActionStatus.OPEN
            ).filter(**({"owner": owner} if own_only else {})),
            {
                "description": _("This experiment is already on your list.")
                if own_only
                else _("This experiment is already on the pair's list.")
            },
        )
        return ActionItem.objects.create(
            organization=organization,
            mentorship=mentorship,
            session=session,
            owner=owner,
            description=description,
            due_on=due_on,
        )


def action_item_complete(
    *, organization: Organization, actor: User, item: ActionItem, reflection: str
) -> ActionItem:
    """Mark an experiment done with what happened; only its owner can."""
    check_same_organization(organization, item)
    person = profile_of(actor)
    if person.pk != item.owner_id:
        raise ValidationError(_("Only the owner of this experiment can mark it done."))
    reflection = check_text("reflection", reflection)
    if not reflection:
        raise ValidationError(
            {"reflection": _("What happened when you tried it? A line is enough.")}
        )
    with transaction.atomic():
        item = ActionItem.objects.select_for_update().get(pk=item.pk)
        if item.status != ActionStatus.OPEN:
            raise ValidationError(_("This experiment is already closed."))
        item.status, item.reflection, item.completed_at = (
            ActionStatus.DONE,
            reflection,
            timezone.now(),
        )
        item.save(update_fields=["status", "reflection", "completed_at", "updated_at"])
    return item


def action_item_drop(*, organization: Organization, actor: User, item: ActionItem) -> ActionItem:
    check_same_organization(organization, item)
    with transaction.atomic():
        item = (
            ActionItem.objects.select_for_update(of=("self",))
            .select_related("mentorship__program", "mentorship__mentee", "mentorship__mentor")
            .get(pk=item.pk)
        )
        person = pair_member(actor, item.mentorship)
        if own_experiments_only(item.mentorship) and item.owner_id != person.pk:
            raise ValidationError(_("Only the owner of this experiment can drop it."))
        if item.status != ActionStatus.OPEN:
            raise ValidationError(_("This experiment is already closed."))
        item.status = ActionStatus.DROPPED
        item.save(update_fields=["status", "updated_at"])
    return item
