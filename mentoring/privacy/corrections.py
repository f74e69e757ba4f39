"""The right to have one's data corrected, for what only program managers set on a profile
(the department, seniority level and manager that matching relies on): the person asks,
their program managers get an email, and one of them corrects it in the admin."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from mentoring.common.time_zones import time_zone_of
from mentoring.notifications.models import Kind, OutboxMessage
from mentoring.notifications.outbox import Message, enqueue
from mentoring.people.models import Profile
from mentoring.people.selectors import profile_of
from mentoring.tenancy.hosts import organization_link
from mentoring.tenancy.models import Membership, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import QuerySet

    from mentoring.tenancy.models import Organization

CORRECTION_MAX_LENGTH = 1000
ALREADY_ASKED = gettext_noop(
    "You already asked for a correction today, and your program managers have your "
    "message. If there is more to say, you can send another request tomorrow."
)


def _key_prefix(profile: Profile) -> str:
    return f"profile-correction:{profile.pk}:"


def _dedupe_prefix(profile: Profile) -> str:
    """One request per person and calendar day (their own time zone)."""
    day = timezone.localdate(timezone=time_zone_of(profile.time_zone))
    return f"{_key_prefix(profile)}{day.isoformat()}:"


def correction_emails_of(profile: Profile) -> QuerySet[OutboxMessage]:
    """The program managers' emails that carry the person's requests, in their words."""
    return OutboxMessage.objects.filter(
        kind=Kind.PROFILE_CORRECTION, dedupe_key__startswith=_key_prefix(profile)
    )


def _program_managers(organization: Organization, profile: Profile) -> list[Profile]:
    managers = Membership.objects.filter(
        organization=organization, role=Role.MANAGER, is_active=True
    ).values("user_id")
    return list(
        Profile.objects.filter(user_id__in=managers)
        .exclude(pk=profile.pk)
        .select_related("user")
        .order_by("display_name")
    )


def validate_correction_message(message: str) -> str:
    text = message.strip()
    if not text:
        raise ValidationError(
            {
                "message": gettext(
                    "Say what is wrong and what it should be, so a manager can fix it."
                )
            }
        )
    if len(text) > CORRECTION_MAX_LENGTH:
        raise ValidationError(
            {
                "message": gettext(
                    "Please keep it to %(limit)s characters (this one has %(length)s)."
                )
                % {"limit": CORRECTION_MAX_LENGTH, "length": len(text)}
            }
        )
    return text


def profile_correction_request(*, organization: Organization, actor: User, message: str) -> int:
    """Email the organization's program managers the person's request to correct their
    department, seniority level or manager; at most one request a day. Returns how many
    program managers it was sent to."""
    text = validate_correction_message(message)
    profile = profile_of(actor)
    prefix = _dedupe_prefix(profile)
    if OutboxMessage.objects.filter(dedupe_key__startswith=prefix).exists():
        raise ValidationError(gettext(ALREADY_ASKED))
    managers = _program_managers(organization, profile)
    if not managers:
        raise ValidationError(
            gettext(
                "Nobody else manages programs in this organization yet, so there is nobody to "
                "send it to. Program managers change these details in the organization admin."
            )
        )
    context = {
        "member": profile,
        "member_email": profile.user.email,
        "message": text,
        "url": organization_link(
            organization, "admin:mentoring_profile_change", object_id=profile.pk
        ),
    }
    messages = [
        Message(
            kind=Kind.PROFILE_CORRECTION,
            dedupe_key=f"{prefix}{manager.pk}",
            recipient=manager,
            template="profile_correction",
            context=context,
        )
        for manager in managers
    ]
    with transaction.atomic():
        # A request that raced this one and won: the outbox's unique key writes nothing.
        if not enqueue(organization, messages):
            raise ValidationError(gettext(ALREADY_ASKED))
    return len(messages)
