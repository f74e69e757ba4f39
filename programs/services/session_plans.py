"""A program's session plan: the default path new programs start with."""

from __future__ import annotations

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
        SessionPlanStep.objects.bulk_create(
            SessionPlanStep(
                organization=organization,
                program=program,
                kind=kind,
                title=title,
                points=points,
                position=position,
            )
            for position, (kind, title, points) in enumerate(DEFAULT_PLAN, start=1)
        )
    return True
