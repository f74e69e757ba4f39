"""Enrolments: applying as mentee or mentor, a mentor's capacity, withdrawing, a manager's
decisions, and the automatic enrolment of new members in onboarding programs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentoring import hooks
from mentoring.common.guards import check_same_organization
from mentoring.common.locks import lock
from mentoring.people.models import Profile
from mentoring.people.selectors import profile_of

from .. import emails
from ..events import ENROLLMENT_APPROVED
from ..models import (
    Enrollment,
    EnrollmentMode,
    EnrollmentRole,
    EnrollmentSkill,
    EnrollmentStatus,
    Goal,
    GoalStatus,
    Program,
    ProgramStatus,
    Skill,
)
from .goals import goal_statement_problem
from .programs import program_skills

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from mentoring.tenancy.models import Organization


def _check_can_apply(program: Program, person: Profile) -> Enrollment | None:
    if program.status == ProgramStatus.CLOSED:
        raise ValidationError(
            _("“%(program)s” is closed and takes no more applications.") % {"program": program}
        )
    if not program.is_open_for_applications:
        if program.enrollment_mode == EnrollmentMode.INVITATION:
            raise ValidationError(
                _("“%(program)s” is by invitation only: ask its program manager to enrol you.")
                % {"program": program}
            )
        raise ValidationError(
            _("“%(program)s” is not taking applications at the moment.") % {"program": program}
        )
    # The person's row, locked, puts their applications in a row: a first application has
    # no enrolment yet to lock, and two sent at once must not both insert one.
    lock(Profile.objects.filter(pk=person.pk))
    existing = Enrollment.objects.select_for_update().filter(program=program, person=person).first()
    if existing is not None and existing.is_active:
        raise ValidationError(
            _("You already applied to “%(program)s” as %(role)s.")
            % {"program": program, "role": existing.get_role_display().lower()}
        )
    return existing


@dataclass(frozen=True)
class EnrollmentRow:
    """One person to enrol as a manager decided: role, skills and (mentors) capacity."""

    person: Profile
    role: str
    skills: list[Skill]
    capacity: int | None


# What an approved enrolment written for a person sets when it reuses their old row.
REUSED_FIELDS = [
    "role",
    "status",
    "situations",
    "capacity",
    "growth_story",
    "decision_reason",
    "decided_by",
    "decided_at",
]


def save_enrollment(existing: Enrollment | None, **fields: Any) -> Enrollment:
    """Reuse a withdrawn or declined enrolment (one row per person and program)."""
    enrollment = existing or Enrollment(**fields)
    for key, value in fields.items():
        setattr(enrollment, key, value)
    enrollment.decision_reason = ""
    enrollment.decided_by = None
    enrollment.decided_at = None
    enrollment.save()
    EnrollmentSkill.objects.filter(enrollment=enrollment).delete()
    return enrollment


def enrollments_write_approved(
    *,
    organization: Organization,
    program: Program,
    rows: list[EnrollmentRow],
    existing: dict[int, Enrollment],
    decided_by: Profile | None,
    decided_at: datetime,
) -> list[Enrollment]:
    """Write approved, decided enrolments for many people in a constant number of queries:
    new rows in one insert, withdrawn or declined ones (``existing``, by person id) reused
    in one update, their old skills deleted and the chosen ones inserted at once. The
    database's audit triggers log every row as for a single save."""
    fresh: list[Enrollment] = []
    reused: list[Enrollment] = []
    written: list[Enrollment] = []
    for row in rows:
        fields = {
            "organization": organization,
            "program": program,
            "person": row.person,
            "role": row.role,
            "status": EnrollmentStatus.APPROVED,
            "situations": [],
            "capacity": row.capacity,
            "growth_story": "",
            "decision_reason": "",
            "decided_by": decided_by,
            "decided_at": decided_at,
        }
        found = existing.get(row.person.pk)
        if found is None:
            enrollment = Enrollment(**fields)
            fresh.append(enrollment)
        else:
            enrollment = found
            for key, value in fields.items():
                setattr(enrollment, key, value)
            reused.append(enrollment)
        written.append(enrollment)
    if fresh:
        Enrollment.objects.bulk_create(fresh)
    if reused:
        Enrollment.objects.bulk_update(reused, REUSED_FIELDS)
        EnrollmentSkill.objects.filter(enrollment__in=[e.pk for e in reused]).delete()
    EnrollmentSkill.objects.bulk_create(
        EnrollmentSkill(organization=organization, enrollment=enrollment, skill=skill)
        for enrollment, row in zip(written, rows, strict=True)
        for skill in row.skills
    )
    return written


def _status_for_new_application(program: Program) -> str:
    if program.enrollment_mode == EnrollmentMode.OPEN:
        return EnrollmentStatus.APPROVED
    return EnrollmentStatus.APPLIED


def enrollment_apply_mentee(
    *,
    organization: Organization,
    actor: User,
    program: Program,
    focus_skills: Iterable[Skill],
    goal_statement: str,
    goal_skill: Skill | None = None,
    situations: list[str],
) -> Enrollment:
    """Apply as mentee: one or two focus skills, one concrete goal, two or three situations."""
    check_same_organization(organization, program, *focus_skills)
    person = profile_of(actor)
    errors = {}
    allowed = program_skills(program)
    chosen = list(dict.fromkeys(focus_skills))
    if not 1 <= len(chosen) <= 2:
        errors["focus_skills"] = _(
            "Choose one or two focus skills: focus is what makes progress visible."
        )
    elif any(skill.pk not in allowed for skill in chosen):
        errors["focus_skills"] = _("Choose focus skills among this program's skills.")
    goal_skill = goal_skill or (chosen[0] if chosen else None)
    if goal_skill is not None and goal_skill not in chosen and "focus_skills" not in errors:
        errors["goal_skill"] = _("The goal's skill must be one of your focus skills.")
    problem = goal_statement_problem(goal_statement)
    if problem:
        errors["goal_statement"] = problem
    situations = [text.strip() for text in situations if text and text.strip()]
    if not 2 <= len(situations) <= 3:
        errors["situations"] = _("Describe two or three real, recent situations.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        existing = _check_can_apply(program, person)
        enrollment = save_enrollment(
            existing,
            organization=organization,
            program=program,
            person=person,
            role=EnrollmentRole.MENTEE,
            status=_status_for_new_application(program),
            situations=situations,
            capacity=None,
            growth_story="",
        )
        EnrollmentSkill.objects.bulk_create(
            EnrollmentSkill(organization=organization, enrollment=enrollment, skill=skill)
            for skill in chosen
        )
        assert goal_skill is not None  # no focus skill was an error above
        Goal.objects.create(
            organization=organization,
            enrollment=enrollment,
            statement=" ".join(goal_statement.split()),
            skill=goal_skill,
        )
    return enrollment


def enrollment_apply_mentor(
    *,
    organization: Organization,
    actor: User,
    program: Program,
    skills: Iterable[Skill],
    capacity: int | None,
    growth_story: str,
) -> Enrollment:
    """Offer to mentor: the skills one can help with, a capacity within the program's
    maximum, and a short story of one's own growth."""
    check_same_organization(organization, program, *skills)
    person = profile_of(actor)
    errors = {}
    skills = list(dict.fromkeys(skills))
    if not skills:
        errors["skills"] = _("Choose at least one skill you can help with.")
    elif any(skill.is_archived for skill in skills):
        errors["skills"] = _("Archived skills cannot be chosen.")
    if capacity is None or not 1 <= capacity <= program.max_mentees_per_mentor:
        errors["capacity"] = _(
            "Choose between 1 and %(most)s mentees: that is this program's maximum per mentor."
        ) % {"most": program.max_mentees_per_mentor}
    if not growth_story.strip():
        errors["growth_story"] = _("Tell mentees briefly how you grew these skills yourself.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        existing = _check_can_apply(program, person)
        enrollment = save_enrollment(
            existing,
            organization=organization,
            program=program,
            person=person,
            role=EnrollmentRole.MENTOR,
            status=_status_for_new_application(program),
            situations=[],
            capacity=capacity,
            growth_story=growth_story.strip(),
        )
        EnrollmentSkill.objects.bulk_create(
            EnrollmentSkill(organization=organization, enrollment=enrollment, skill=skill)
            for skill in skills
        )
    return enrollment


def enrollment_set_capacity(
    *, organization: Organization, actor: User, enrollment: Enrollment, capacity: int | None
) -> Enrollment:
    """Change a mentor's capacity within the program's maximum."""
    check_same_organization(organization, enrollment)
    if enrollment.role != EnrollmentRole.MENTOR:
        raise ValidationError(_("Only a mentor's enrolment has a capacity."))
    maximum = enrollment.program.max_mentees_per_mentor
    if capacity is None or not 1 <= capacity <= maximum:
        raise ValidationError(
            {
                "capacity": _(
                    "Choose between 1 and %(most)s mentees: that is the maximum per mentor "
                    "of “%(program)s”."
                )
                % {"most": maximum, "program": enrollment.program}
            }
        )
    enrollment.capacity = capacity
    enrollment.save(update_fields=["capacity", "updated_at"])
    return enrollment


def enrollment_withdraw(
    *, organization: Organization, actor: User, enrollment: Enrollment
) -> Enrollment:
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if enrollment.person.user_id != actor.pk:
            raise ValidationError(_("Only the applicant can withdraw an application."))
        if not enrollment.is_active:
            raise ValidationError(_("This application is no longer active."))
        enrollment.status = EnrollmentStatus.WITHDRAWN
        enrollment.save(update_fields=["status", "updated_at"])
        _close_goals([enrollment])
    return enrollment


def _close_goals(enrollments: Iterable[Enrollment]) -> None:
    """Goals still in progress when their enrolment ends (declined, withdrawn) are not
    pursued: they no longer show as "In progress"."""
    Goal.objects.filter(enrollment__in=list(enrollments), status=GoalStatus.ACTIVE).update(
        status=GoalStatus.CLOSED, updated_at=timezone.now()
    )


def _decide(
    organization: Organization,
    actor: User,
    enrollments: Iterable[Enrollment],
    status: str,
    reason: str,
) -> int:
    decider = profile_of(actor)
    ids = [enrollment.pk for enrollment in enrollments]
    with transaction.atomic():
        rows = list(
            Enrollment.objects.select_for_update(of=("self",))
            .select_related("person__user", "program")
            .filter(
                pk__in=ids,
                status__in=[
                    EnrollmentStatus.APPLIED,
                    EnrollmentStatus.DECLINED,
                    EnrollmentStatus.APPROVED,
                ],
            )
            .exclude(status=status)
        )
        now = timezone.now()
        reopened = [e.pk for e in rows if e.status == EnrollmentStatus.DECLINED]
        for enrollment in rows:
            enrollment.status = status
            enrollment.decision_reason = reason
            enrollment.decided_by = decider
            enrollment.decided_at = now
        decided = ["status", "decision_reason", "decided_by", "decided_at"]
        Enrollment.objects.bulk_update(rows, decided)  # the database logs and stamps it
        if status == EnrollmentStatus.DECLINED:
            _close_goals(rows)
        elif reopened:  # a decline reversed: its goals are pursued again
            Goal.objects.filter(enrollment__in=reopened, status=GoalStatus.CLOSED).update(
                status=GoalStatus.ACTIVE, updated_at=now
            )
        emails.application_decided(organization, rows)
    return len(rows)


def enrollments_approve(
    *, organization: Organization, actor: User, enrollments: Iterable[Enrollment]
) -> int:
    """Approve applications (or reverse a decline); returns how many changed."""
    return _decide(organization, actor, enrollments, EnrollmentStatus.APPROVED, "")


def enrollments_decline(
    *, organization: Organization, actor: User, enrollments: Iterable[Enrollment], reason: str
) -> int:
    """Decline applications with a reason the applicant will see."""
    if not reason.strip():
        raise ValidationError(_("Give a reason: applicants see it."))
    return _decide(organization, actor, enrollments, EnrollmentStatus.DECLINED, reason.strip())


def onboarding_enroll_new_member(
    *, organization: Organization, person: Profile
) -> list[Enrollment]:
    """Enrol a person who just joined as mentee of every onboarding program taking people;
    ENROLLMENT_APPROVED lets matching pair them at once where the program runs already."""
    created = []
    programs = Program.objects.filter(
        is_onboarding=True,
        status__in=[ProgramStatus.ENROLLING, ProgramStatus.MATCHING, ProgramStatus.RUNNING],
    )
    for program in programs:
        if Enrollment.objects.filter(program=program, person=person).exists():
            continue
        enrollment = Enrollment.objects.create(
            organization=organization,
            program=program,
            person=person,
            role=EnrollmentRole.MENTEE,
            status=EnrollmentStatus.APPROVED,
        )
        skills = list(program_skills(program).values())[:2]
        EnrollmentSkill.objects.bulk_create(
            EnrollmentSkill(organization=organization, enrollment=enrollment, skill=skill)
            for skill in skills
        )
        hooks.run(ENROLLMENT_APPROVED, organization=organization, enrollment=enrollment)
        created.append(enrollment)
    return created
