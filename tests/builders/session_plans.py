"""A program's session plan for a test: the default one or steps of the test's own, set
whatever plan the program was built with; and the mentee's focus skills."""

from __future__ import annotations

from mentoring.tenancy import activate
from programs.models import EnrollmentSkill, Program, SessionPlanStep, Skill
from programs.services.session_plans import (
    session_plan_install_default,
    session_plan_steps_add,
)

from .pair import Pair


def program_of(pair: Pair) -> Program:
    with activate(pair.org.organization):
        return Program.objects.get(pk=pair.mentorship.program_id)


def plan_of(program: Program) -> list[SessionPlanStep]:
    with activate(program.organization):
        return list(SessionPlanStep.objects.filter(program=program))


def use_default_plan(program: Program) -> list[SessionPlanStep]:
    """The program follows the default session plan, and only it."""
    organization = program.organization
    with activate(organization):
        SessionPlanStep.objects.filter(program=program).delete()
        session_plan_install_default(organization=organization, program=program)
    return plan_of(program)


def use_plan(program: Program, *steps: tuple[str, str, list[str]]) -> list[SessionPlanStep]:
    """The program follows these (kind, title, points) steps, in order; none: no plan."""
    organization = program.organization
    with activate(organization):
        SessionPlanStep.objects.filter(program=program).delete()
        session_plan_steps_add(organization=organization, program=program, steps=steps)
    return plan_of(program)


def give_focus_skills(pair: Pair, *names: str) -> None:
    """The pair's mentee has these catalogue skills as focus skills, in this order."""
    organization = pair.org.organization
    with activate(organization):
        EnrollmentSkill.objects.filter(enrollment=pair.mentorship.mentee).delete()
        EnrollmentSkill.objects.bulk_create(
            EnrollmentSkill(
                organization=organization,
                enrollment=pair.mentorship.mentee,
                skill=Skill.objects.get(name=name),
            )
            for name in names
        )
