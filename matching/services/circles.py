"""Circles as mentorships: one row per circle (its first mentor and first mentee in
``mentor`` and ``mentee``, so the table's rules hold) and a member row for everyone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from programs.models import Enrollment, EnrollmentRole, Program, Skill

from ..models import OPEN_STATUSES, MatchRun, Mentorship, MentorshipMember

if TYPE_CHECKING:
    from mentoring.tenancy.models import Organization


@dataclass
class NewCircle:
    """A circle to create: mentors and mentees (enrolments of the program, first ones
    first), the shared focus skill, the score and the per-mentee breakdowns."""

    mentors: Sequence[Enrollment]
    mentees: Sequence[Enrollment]
    skill: Skill | None
    score: float | None = None
    breakdown: list[dict[str, Any]] = field(default_factory=list)


def _check(program: Program, circle: NewCircle) -> None:
    if not program.is_circle:
        raise ValidationError(f"“{program}” is not a circle program.")
    if not 1 <= len(circle.mentors) <= program.circle_mentors:
        raise ValidationError(
            f"A circle of “{program}” has 1 to {program.circle_mentors} mentors, "
            f"not {len(circle.mentors)}."
        )
    if not program.circle_min_mentees <= len(circle.mentees) <= program.circle_max_mentees:
        raise ValidationError(
            f"A circle of “{program}” has {program.circle_min_mentees} to "
            f"{program.circle_max_mentees} mentees, not {len(circle.mentees)}."
        )
    for enrollment in (*circle.mentors, *circle.mentees):
        if enrollment.program_id != program.pk:
            raise ValidationError(f"{enrollment.person} is not enrolled in “{program}”.")
    for enrollment in circle.mentors:
        if enrollment.role != EnrollmentRole.MENTOR:
            raise ValidationError(f"{enrollment.person} is not a mentor of “{program}”.")
    for enrollment in circle.mentees:
        if enrollment.role != EnrollmentRole.MENTEE:
            raise ValidationError(f"{enrollment.person} is not a mentee of “{program}”.")


def circles_create(
    organization: Organization,
    program: Program,
    circles: Sequence[NewCircle],
    run: MatchRun | None = None,
) -> list[Mentorship]:
    """The circles as open mentorships of the program, from today (or its start) to its
    end, in two inserts. A mentee already in an open circle of the program is refused."""
    started_on = max(timezone.localdate(), program.starts_on)
    if program.ends_on <= started_on:
        raise ValidationError(f"“{program}” ends on {program.ends_on}: extend it before pairing.")
    for circle in circles:
        _check(program, circle)
    mentee_ids = [e.pk for circle in circles for e in circle.mentees]
    if len(set(mentee_ids)) < len(mentee_ids):
        raise ValidationError("A mentee can sit in one circle only.")
    with transaction.atomic():
        taken = (
            MentorshipMember.objects.filter(
                enrollment_id__in=mentee_ids, mentorship__status__in=OPEN_STATUSES
            )
            .select_related("person")
            .first()
        )
        if taken is not None:
            raise ValidationError(f"{taken.person} is already in an open circle of “{program}”.")
        mentorships = Mentorship.objects.bulk_create(
            Mentorship(
                organization=organization,
                program=program,
                mentor=circle.mentors[0],
                mentee=circle.mentees[0],
                focus_skill=circle.skill,
                started_on=started_on,
                ends_on=program.ends_on,
                score=circle.score,
                breakdown=circle.breakdown,
                match_run=run,
            )
            for circle in circles
        )
        # the first mentor and mentee are members already (the trigger of migration 0006)
        MentorshipMember.objects.bulk_create(
            MentorshipMember(
                organization=organization,
                mentorship=mentorship,
                enrollment=enrollment,
                person_id=enrollment.person_id,
                role=enrollment.role,
            )
            for mentorship, circle in zip(mentorships, circles, strict=True)
            for enrollment in (*circle.mentors[1:], *circle.mentees[1:])
        )
    return mentorships
