"""The pair's experiments: open ones, done ones with their reflections, dropped ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.utils import timezone

from matching.access import PairSide, access_pair

from ..models import ActionItem, ActionStatus
from .access import experiments_of

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from matching.models import Mentorship
    from mentoring.tenancy.models import Organization


@dataclass
class ExperimentsPage:
    side: PairSide
    open: list[ActionItem]
    done: list[ActionItem]
    dropped: list[ActionItem]

    @property
    def mentorship(self) -> Mentorship:
        return self.side.mentorship

    @property
    def today(self) -> date:
        return timezone.localdate()


def experiments_page(
    *, organization: Organization, user: User, mentorship_id: int
) -> ExperimentsPage:
    """The experiments of the user's mentorship (in a circle, the user's own): open ones by
    due date, then done ones (newest first, with their reflections), then dropped ones;
    each with the session that set it. Or 404."""
    side = access_pair(organization=organization, user=user, mentorship_id=mentorship_id)
    items = list(ActionItem.objects.filter(experiments_of(side)).select_related("session"))
    done = [item for item in items if item.status == ActionStatus.DONE]
    done.sort(key=lambda item: (item.completed_at or item.updated_at, item.pk), reverse=True)
    return ExperimentsPage(
        side=side,
        open=[item for item in items if item.status == ActionStatus.OPEN],
        done=done,
        dropped=[item for item in items if item.status == ActionStatus.DROPPED],
    )
