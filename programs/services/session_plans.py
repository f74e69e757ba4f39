"""A program's session plan: the default path new programs start with."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction

from mentoring.common.guards import check_same_organization
from mentoring.common.locks import lock

from ..models import Program, SessionPlanStep
from ..session_plans import DEFAULT_PLAN

if TYPE_CHECKING:
    from mentoring.tenancy.models import Organization


def session_plan_install_default(*, organization: Organization, program: Program) -> bool:
    """Give ``program`` the default session plan, unless it has a plan already: a
    manager's own steps are never replaced. Whether it was installed."""
    check_same_organization(organization, program)
    with transaction.atomic():
        # two requests at once go in a row: the second finds the steps
        lock(Program.objects.filter(pk=program.pk))
        if SessionPlanStep.objects.filter(program=program).exists():
            return False
        session_plan_steps_add(organization=organization, program=program, steps=DEFAULT_PLAN)
    return True


def session_plan_steps_add(
    *, organization: Organization, program: Program, steps: Iterable[tuple[str, str, list[str]]]
) -> list[SessionPlanStep]:
    """Write (kind, title, points) steps as the plan of a program that has none, numbered
    from 1 in their order (the caller holds the program's lock when others may write)."""
    return SessionPlanStep.objects.bulk_create(
        SessionPlanStep(
            organization=organization,
            program=program,
            kind=kind,
            title=title,
            points=points,
            position=position,
        )
        for position, (kind, title, points) in enumerate(steps, start=1)
    )
