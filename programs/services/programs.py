"""A program's life: its settings and focus skills, its status, and copies of it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mentoring.common.guards import check_same_organization

from ..models import (
    ChecklistItem,
    Program,
    ProgramSkill,
    ProgramStatus,
    Resource,
    SessionPlanStep,
    Skill,
    TrainingModule,
)
from .session_plans import session_plan_install_default

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from mentoring.tenancy.models import Organization


def program_skills(program: Program) -> dict[int, Skill]:
    """The program's focus skills by id."""
    return {
        link.skill_id: link.skill
        for link in ProgramSkill.objects.filter(program=program).select_related("skill")
    }


def program_validate(*, program: Program, focus_skills: list[Skill]) -> None:
    """Every rule a program must meet before it is saved; errors are keyed by field."""
    errors = {}
    name = " ".join(program.name.split())
    if Program.objects.filter(name=name).exclude(pk=program.pk).exists():
        errors["name"] = _("Another program is already called “%(name)s”.") % {"name": name}
    if program.starts_on and program.ends_on and program.ends_on <= program.starts_on:
        errors["ends_on"] = _("The program must end after it starts.")
    if program.default_mentees_per_mentor > program.max_mentees_per_mentor:
        errors["default_mentees_per_mentor"] = _(
            "The default (%(usual)s) cannot exceed the maximum of %(most)s mentees per mentor."
        ) % {"usual": program.default_mentees_per_mentor, "most": program.max_mentees_per_mentor}
    if not focus_skills:
        errors["focus_skills"] = _("Choose at least one focus skill.")
    elif any(skill.is_archived for skill in focus_skills):
        errors["focus_skills"] = _("Archived skills cannot be chosen: restore them first.")
    if errors:
        raise ValidationError(errors)


def program_save(
    *, organization: Organization, actor: User, program: Program, focus_skills: Iterable[Skill]
) -> Program:
    """Create or update a program and its focus skills (admin); a new one gets the
    default session plan."""
    focus_skills = list(focus_skills)
    check_same_organization(organization, *focus_skills)
    program_validate(program=program, focus_skills=focus_skills)
    with transaction.atomic():
        is_new = program._state.adding
        program.organization = organization
        program.save()
        if is_new:  # a new program starts with the default session plan
            session_plan_install_default(organization=organization, program=program)
        wanted = {skill.pk for skill in focus_skills}
        ProgramSkill.objects.filter(program=program).exclude(skill_id__in=wanted).delete()
        existing = set(
            ProgramSkill.objects.filter(program=program).values_list("skill_id", flat=True)
        )
        ProgramSkill.objects.bulk_create(
            ProgramSkill(organization=organization, program=program, skill_id=skill_id)
            for skill_id in sorted(wanted - existing)
        )
    return program


TRANSITIONS = {
    ProgramStatus.DRAFT: (ProgramStatus.ENROLLING,),
    ProgramStatus.ENROLLING: (ProgramStatus.MATCHING, ProgramStatus.DRAFT),
    ProgramStatus.MATCHING: (ProgramStatus.RUNNING, ProgramStatus.ENROLLING),
    ProgramStatus.RUNNING: (ProgramStatus.CLOSED,),
    ProgramStatus.CLOSED: (),
}


def program_transition(
    *, organization: Organization, actor: User, program: Program, to_status: str
) -> Program:
    """Move a program along draft → enrolling → matching → running → closed."""
    with transaction.atomic():
        program = Program.objects.select_for_update().get(pk=program.pk)
        current = ProgramStatus(program.status)
        target = ProgramStatus(to_status)
        allowed = TRANSITIONS[current]
        if target not in allowed:
            if not allowed:
                raise ValidationError(
                    _("“%(program)s” is closed: its status cannot change any more.")
                    % {"program": program}
                )
            options = _(" or ").join(str(status.label) for status in allowed)
            raise ValidationError(
                _(
                    "“%(program)s” is %(current)s: it can move to %(options)s, "
                    "not straight to %(target)s."
                )
                % {
                    "program": program,
                    "current": current.label.lower(),
                    "options": options,
                    "target": target.label.lower(),
                }
            )
        opening = target == ProgramStatus.ENROLLING and current == ProgramStatus.DRAFT
        if opening and not ProgramSkill.objects.filter(program=program).exists():
            raise ValidationError(
                _("Give “%(program)s” at least one focus skill first.") % {"program": program}
            )
        program.status = target
        program.save(update_fields=["status", "updated_at"])
    return program


def program_duplicate(*, organization: Organization, actor: User, program: Program) -> Program:
    """A draft copy of a program with its settings, focus skills, checklist and resources."""
    check_same_organization(organization, program)
    with transaction.atomic():
        base = (_("Copy of %(name)s") % {"name": program.name})[:110]
        name, number = base, 2
        while Program.objects.filter(name=name).exists():
            name, number = f"{base} ({number})", number + 1
        copy = Program.objects.get(pk=program.pk)
        copy.pk = None
        copy.name = name
        copy.status = ProgramStatus.DRAFT
        copy.save()
        ProgramSkill.objects.bulk_create(
            ProgramSkill(organization=organization, program=copy, skill_id=link.skill_id)
            for link in ProgramSkill.objects.filter(program=program)
        )
        for model in (ChecklistItem, Resource, SessionPlanStep, TrainingModule):
            rows: list[Any] = list(model.objects.filter(program=program))
            for row in rows:
                row.pk = None
                row.program = copy
            model.objects.bulk_create(rows)
    return copy
