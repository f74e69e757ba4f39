"""Telling the program managers that a pair's fit check says "not a good fit": an email
through the outbox and a line in their "what's new" list. The respondent's comment stays
on the platform (the managers read it on the mentorship's admin page)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mentoring.notifications.models import Kind
from mentoring.notifications.outbox import Message, enqueue
from mentoring.people.models import Profile
from mentoring.tenancy.hosts import organization_link
from mentoring.tenancy.models import Membership, Role

if TYPE_CHECKING:
    from mentoring.tenancy.models import Organization

    from .models import FitCheck


def program_managers() -> list[Profile]:
    """The active organization's program managers."""
    managers = Membership.objects.filter(role=Role.MANAGER, is_active=True).values("user_id")
    return list(Profile.objects.filter(user_id__in=managers).select_related("user"))


def fit_check_concern(organization: Organization, check: FitCheck) -> int:
    """Call inside the transaction that saved a "not a good fit" answer; each manager
    hears once per respondent (who changes their mind and back again is not news twice)."""
    mentorship = check.mentorship
    url = organization_link(
        organization, "admin:matching_mentorship_change", object_id=mentorship.pk
    )
    messages = [
        Message(
            kind=Kind.FIT_CHECK_CONCERN,
            dedupe_key=f"fit-check-concern:{check.pk}:{manager.pk}",
            recipient=manager,
            template="fit_check_concern",
            context={"mentorship": mentorship, "respondent": check.respondent, "url": url},
        )
        for manager in program_managers()
        if manager.pk != check.respondent_id
    ]
    return enqueue(organization, messages)
