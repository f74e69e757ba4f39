"""Mentor training: a program that requires it, with the default path of four modules, and
mentors finishing modules through the real service."""

from __future__ import annotations

from mentoring.tenancy import activate
from programs.models import Program, TrainingCompletion, TrainingModule
from programs.services.training import training_module_complete, training_path_use_defaults

from .cohort import Cohort, make_cohort
from .world import Org

REFLECTION = (
    "I jump in with advice too soon; next time I will summarise first and ask one more question."
)


def use_default_path(org: Org, program: Program) -> list[TrainingModule]:
    with activate(org.organization):
        return training_path_use_defaults(
            organization=org.organization, actor=org.manager, program=program
        )


def training_cohort(org: Org, **program_fields) -> Cohort:
    """Every mentee and mentor of ``org`` approved in a program in matching that requires
    the default training path (nobody has finished a module yet)."""
    cohort = make_cohort(org, requires_training=True, **program_fields)
    use_default_path(org, cohort.program)
    return cohort


def modules_of(org: Org, program: Program) -> list[TrainingModule]:
    with activate(org.organization):
        return list(TrainingModule.objects.filter(program=program).select_related("resource"))


def finish(org: Org, user, module: TrainingModule, reflection: str = REFLECTION):
    with activate(org.organization):
        return training_module_complete(
            organization=org.organization, actor=user, module=module, reflection=reflection
        )


def finish_modules(org: Org, user, program: Program, count: int | None = None) -> None:
    """``user`` finishes the first ``count`` modules of the program (all when not given)."""
    for module in modules_of(org, program)[:count]:
        finish(org, user, module)


def completions(org: Org) -> list[TrainingCompletion]:
    with activate(org.organization):
        return list(TrainingCompletion.objects.order_by("pk"))
