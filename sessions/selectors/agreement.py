"""The pair's working agreement and who of them confirmed it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from matching.access import PairSide, access_pair

from ..models import Agreement

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from matching.models import Mentorship
    from mentoring.tenancy.models import Organization


@dataclass
class AgreementPage:
    side: PairSide
    agreement: Agreement | None

    @property
    def mentorship(self) -> Mentorship:
        return self.side.mentorship

    @property
    def my_confirmed_at(self) -> datetime | None:
        if self.agreement is None:
            return None
        side = "mentee" if self.side.is_mentee else "mentor"
        return getattr(self.agreement, f"{side}_confirmed_at")

    @property
    def other_confirmed_at(self) -> datetime | None:
        if self.agreement is None:
            return None
        side = "mentor" if self.side.is_mentee else "mentee"
        return getattr(self.agreement, f"{side}_confirmed_at")

    @property
    def has_confirmations(self) -> bool:
        return bool(self.my_confirmed_at or self.other_confirmed_at)


def agreement_page(*, organization: Organization, user: User, mentorship_id: int) -> AgreementPage:
    """The working agreement of the user's mentorship (None until written); or 404."""
    side = access_pair(organization=organization, user=user, mentorship_id=mentorship_id)
    return AgreementPage(
        side=side, agreement=Agreement.objects.filter(mentorship=side.mentorship).first()
    )
