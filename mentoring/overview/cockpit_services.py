"""The cockpit's one write of its own: a manager nudging a quiet pair (lifecycle moves go
through ``programs.services.programs.program_transition``).

A nudge is an email from the manager to both people of the pair, through the outbox
(``Kind.PAIR_NUDGE``, which each person may turn off), at most once per pair and day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from matching.access import names_sentence
from matching.models import (
    MENTORSHIP_STATUS_IN_A_SENTENCE,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
)
from mentoring.common.locks import locked
from mentoring.notifications.models import Kind, OutboxMessage
from mentoring.notifications.outbox import Message, enqueue
from mentoring.people.models import Profile
from mentoring.tenancy.hosts import organization_link
from mentoring.tenancy.models import Organization

NOTE_MAX_LENGTH = 500
NOTE_TOO_LONG = format_lazy(
    gettext_lazy("Keep the personal line under {max} characters."), max=NOTE_MAX_LENGTH
)


@dataclass(frozen=True)
class NudgeResult:
    sent_to: list[str]  # display names of those who get it
    turned_off: list[str]  # display names of those who turned nudges off


def nudge_prefix(mentorship_id: int, on: date) -> str:
    return f"pair-nudge:{mentorship_id}:{on.isoformat()}:"


def nudge_key(mentorship_id: int, on: date, person_id: int) -> str:
    return f"{nudge_prefix(mentorship_id, on)}{person_id}"


def pair_nudge(
    *, organization: Organization, actor, mentorship: Mentorship, note: str = ""
) -> NudgeResult:
    """Email both people of an active pair a nudge from ``actor`` (a manager) with their
    optional personal ``note``. Refused, with the reason, when the pair is not active any
    more, was nudged today already, or when both people turned such emails off."""
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(NOTE_TOO_LONG)
    today = timezone.localdate()
    with transaction.atomic():
        pair = locked(
            Mentorship.objects.select_related(
                "program", "mentee__person__user", "mentor__person__user"
            ),
            mentorship.pk,
            _("This mentorship is no longer available."),
        )
        if pair.status != MentorshipStatus.ACTIVE:
            raise ValidationError(
                _("This pair is %(status)s: only active pairs are nudged.")
                % {"status": MENTORSHIP_STATUS_IN_A_SENTENCE[pair.status]}
            )
        # every member: both people of a pair, everyone in a circle (the pair first)
        people = [pair.mentee.person, pair.mentor.person]
        people += [
            member.person
            for member in MentorshipMember.objects.filter(mentorship=pair)
            .exclude(person_id__in=[person.pk for person in people])
            .select_related("person__user")
            .order_by("-role", "pk")
        ]
        keys = {person.pk: nudge_key(pair.pk, today, person.pk) for person in people}
        if OutboxMessage.objects.filter(dedupe_key__in=keys.values()).exists():
            raise ValidationError(
                _("This pair has been nudged today already: one nudge a day is plenty.")
            )
        sender = Profile.objects.filter(user=actor).first()
        sender_name = sender.display_name if sender else actor.get_username()
        url = organization_link(organization, "matching:mentorship", mentorship_id=pair.pk)
        messages = [
            Message(
                kind=Kind.PAIR_NUDGE,
                dedupe_key=keys[person.pk],
                recipient=person,
                template="pair_nudge",
                context={
                    "mentorship": pair,
                    "program": pair.program,
                    "partner": people[1] if person.pk == people[0].pk else people[0],
                    "others": [other for other in people if other.pk != person.pk],
                    "other_names": names_sentence(
                        [other.display_name for other in people if other.pk != person.pk]
                    ),
                    "sender_name": sender_name,
                    "note": note,
                    "url": url,
                },
            )
            for person in people
        ]
        written = enqueue(organization, messages)
        sent_keys = set(
            OutboxMessage.objects.filter(dedupe_key__in=keys.values()).values_list(
                "dedupe_key", flat=True
            )
        )
        if not written:
            raise ValidationError(
                _(
                    "Both people have turned off nudges from their program manager, "
                    "so no email was sent. You could contact them directly."
                )
            )
    return NudgeResult(
        sent_to=[p.display_name for p in people if keys[p.pk] in sent_keys],
        turned_off=[p.display_name for p in people if keys[p.pk] not in sent_keys],
    )
