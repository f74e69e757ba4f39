"""The pair's working agreement: written together, confirmed by each."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.models import Mentorship
from mentoring.common.guards import check_same_organization
from mentoring.common.locks import lock

from ..models import Agreement
from .rules import pair_member

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from mentoring.tenancy.models import Organization

AGREEMENT_FIELDS = (
    "goals",
    "cadence",
    "confidentiality",
    "mentee_feedback_style",
    "mentor_feedback_style",
)


def agreement_save(
    *, organization: Organization, actor: User, mentorship: Mentorship, **fields: str
) -> Agreement:
    """Write the pair's working agreement; any change asks both people to confirm again."""
    check_same_organization(organization, mentorship)
    pair_member(actor, mentorship)
    missing = [name for name in AGREEMENT_FIELDS if not str(fields.get(name, "")).strip()]
    if missing:
        message = _("Agree on this too, even in a few words.")
        raise ValidationError({name: message for name in missing})
    with transaction.atomic():
        lock(Mentorship.objects.filter(pk=mentorship.pk))  # a first agreement has no row yet
        agreement = Agreement.objects.select_for_update().filter(mentorship=mentorship).first()
        if agreement is not None and all(
            getattr(agreement, name) == str(fields[name]).strip() for name in AGREEMENT_FIELDS
        ):
            return agreement  # saving the same words again keeps both confirmations
        agreement = agreement or Agreement(organization=organization, mentorship=mentorship)
        for name in AGREEMENT_FIELDS:
            setattr(agreement, name, str(fields[name]).strip())
        agreement.mentee_confirmed_at = agreement.mentor_confirmed_at = None
        agreement.save()
    return agreement


def agreement_confirm(
    *, organization: Organization, actor: User, agreement: Agreement
) -> Agreement:
    check_same_organization(organization, agreement)
    with transaction.atomic():
        agreement = (
            Agreement.objects.select_for_update(of=("self",))
            .select_related("mentorship__mentee", "mentorship__mentor")
            .get(pk=agreement.pk)
        )
        person = pair_member(actor, agreement.mentorship)
        side = "mentee" if person.pk == agreement.mentorship.mentee.person_id else "mentor"
        setattr(agreement, f"{side}_confirmed_at", timezone.now())
        agreement.save(update_fields=[f"{side}_confirmed_at", "updated_at"])
    return agreement
