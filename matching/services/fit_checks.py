"""The fit check: after the pair has met, either person says whether the pair fits."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mentoring.common.guards import check_same_organization
from mentoring.people.selectors import profile_of

from .. import notices
from ..events import pair_has_met
from ..models import FitCheck, Mentorship, MentorshipStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from mentoring.tenancy.models import Organization


def fit_check_answer(
    *,
    organization: Organization,
    actor: User,
    mentorship: Mentorship,
    is_good_fit: bool,
    comment: str = "",
) -> FitCheck:
    """Either person says whether the pair fits; “not a good fit” flags it for re-matching."""
    check_same_organization(organization, mentorship)
    respondent = profile_of(actor)
    if respondent.pk not in (mentorship.mentee.person_id, mentorship.mentor.person_id):
        raise ValidationError(_("Only the two people of this mentorship answer its fit check."))
    if mentorship.status != MentorshipStatus.ACTIVE:
        raise ValidationError(_("The fit check is open while the mentorship is active."))
    if not Mentorship.objects.filter(pk=mentorship.pk).filter(pair_has_met()).exists():
        raise ValidationError(_("The fit check opens once your first session is logged as held."))
    with transaction.atomic():
        check, _created = FitCheck.objects.update_or_create(
            organization=organization,
            mentorship=mentorship,
            respondent=respondent,
            defaults={"is_good_fit": is_good_fit, "comment": comment.strip()},
        )
        if not is_good_fit:  # the managers hear once per respondent (the dedupe key)
            notices.fit_check_concern(organization, check)
        flagged = FitCheck.objects.filter(mentorship=mentorship, is_good_fit=False).exists()
        if mentorship.needs_rematch != flagged:
            mentorship.needs_rematch = flagged
            mentorship.save(update_fields=["needs_rematch", "updated_at"])
    return check
