"""Telling a person they received feedback: an email through the outbox and a line in
their "what's new" list. Neither holds the feedback's text (it stays on the platform,
behind sign-in), only that there is feedback, from whom, and the link."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mentoring.notifications.models import Kind
from mentoring.notifications.outbox import Message, enqueue
from mentoring.tenancy.hosts import organization_link

if TYPE_CHECKING:
    from mentoring.tenancy.models import Organization

    from .models import Feedback


def feedback_received(organization: Organization, feedback: Feedback) -> int:
    """Call inside the transaction that saved ``feedback``; its receiver hears once."""
    url = organization_link(
        organization,
        "feedback:list",
        mentorship_id=feedback.mentorship_id,
        anchor=f"feedback-{feedback.pk}",
    )
    message = Message(
        kind=Kind.FEEDBACK_RECEIVED,
        dedupe_key=f"feedback-received:{feedback.pk}",
        recipient=feedback.receiver,
        template="feedback_received",
        context={"other": feedback.giver, "skill": feedback.skill, "url": url},
    )
    return enqueue(organization, [message])
