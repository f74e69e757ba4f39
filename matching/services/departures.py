"""A member leaves the organization (``hooks.MEMBER_LEFT``): their mentoring here ends, and
the program managers hear once what ended. What happened in it (sessions, notes, goals and
their reviews, feedback) stays as it was."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from mentoring.people.models import Profile
from programs.models import Enrollment, EnrollmentStatus, ProgramStatus
from programs.services.enrolments import enrollment_withdraw

from .. import emails
from ..access import person_filter
from ..models import OPEN_MENTORSHIP, Mentorship, MentorshipStatus
from ..privacy import leave_open_circles
from .mentorships import mentorship_set_status

if TYPE_CHECKING:
    from mentoring.tenancy.models import Organization

LEFT = "Left the organization"
# How a ``membership_end`` reason reads in an end reason and the managers' email.
REASON_WORDS = {"directory": "directory sync"}


def reason_words(reason: str) -> str:
    """What ended the membership, in words: "directory sync"; "" when not said."""
    return REASON_WORDS.get(reason, reason.strip())


def end_reason(reason: str) -> str:
    """The end reason of the mentorships a departure ends: "Left the organization
    (directory sync)"."""
    words = reason_words(reason)
    return f"{LEFT} ({words})" if words else LEFT


@dataclass
class Departure:
    """What a person's departure ended."""

    person: Profile
    reason: str
    ended: list[Mentorship] = field(default_factory=list)  # pairs and circles, ended early
    circles_left: list[Mentorship] = field(default_factory=list)  # they go on without them
    withdrawn: list[Enrollment] = field(default_factory=list)

    @property
    def reason_words(self) -> str:
        return reason_words(self.reason)

    @property
    def ended_pairs(self) -> list[Mentorship]:
        return [mentorship for mentorship in self.ended if not mentorship.is_circle]

    @property
    def ended_circles(self) -> list[Mentorship]:
        return [mentorship for mentorship in self.ended if mentorship.is_circle]

    @property
    def ended_anything(self) -> bool:
        return bool(self.ended or self.circles_left or self.withdrawn)


def departure_end_mentoring(
    *, organization: Organization, person: Profile, reason: str
) -> Departure:
    """End what ``person`` takes part in (the platform acts): they leave their open circles;
    their other open mentorships (pairs of every format, and circles they are the only
    mentor or last mentee of) end early with "Left the organization (<reason>)"; their
    active enrolments of programs not closed are withdrawn, so that no later run matches
    them. Each program manager gets one email listing it, if anything ended; a second call
    finds nothing open, so it ends and sends nothing. ``membership_end`` calls it once."""
    with transaction.atomic():
        departure = Departure(person=person, reason=reason)
        departure.circles_left = leave_open_circles(person, timezone.now())
        departure.ended = list(
            Mentorship.objects.filter(person_filter(person), OPEN_MENTORSHIP).select_related(
                "program", "mentee__person", "mentor__person", "focus_skill"
            )
        )
        why = end_reason(reason)
        for mentorship in departure.ended:
            mentorship_set_status(
                organization=organization,
                actor=None,
                mentorship=mentorship,
                status=MentorshipStatus.ENDED_EARLY,
                reason=why,
            )
        departure.withdrawn = list(
            Enrollment.objects.filter(
                person=person, status__in=[EnrollmentStatus.APPLIED, EnrollmentStatus.APPROVED]
            )
            .exclude(program__status=ProgramStatus.CLOSED)
            .select_related("program")
        )
        for enrollment in departure.withdrawn:
            # The one rule of withdrawing, as if they had withdrawn themselves.
            enrollment_withdraw(organization=organization, actor=person.user, enrollment=enrollment)
        if departure.ended_anything:
            emails.member_left(organization, departure)
    return departure
