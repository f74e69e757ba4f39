"""Reads of mentor training: a mentor's path through a program's modules, and each
mentor's progress for the program's managers (never their reflections)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.http import Http404

from .models import (
    Enrollment,
    EnrollmentRole,
    EnrollmentStatus,
    Program,
    ProgramStatus,
    TrainingCompletion,
    TrainingModule,
)
from .selectors import ACTIVE_ENROLLMENT

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from mentoring.tenancy.models import Organization


@dataclass
class TrainingStep:
    number: int
    module: TrainingModule
    completion: TrainingCompletion | None

    @property
    def is_finished(self) -> bool:
        return self.completion is not None


@dataclass
class TrainingPath:
    """A mentor's way through the training of their program."""

    enrollment: Enrollment
    steps: list[TrainingStep]

    @property
    def program(self) -> Program:
        return self.enrollment.program

    @property
    def finished(self) -> int:
        return sum(step.is_finished for step in self.steps)

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def is_finished(self) -> bool:
        return self.finished == self.total

    @property
    def can_complete(self) -> bool:
        """Reflections are written once the mentor's application is approved."""
        return self.enrollment.status == EnrollmentStatus.APPROVED

    def next_step(self, after: TrainingStep | None = None) -> TrainingStep | None:
        """The first unfinished step after ``after`` (from the start when not given), or
        the first unfinished one before it."""
        start = after.number if after else 0
        unfinished = [step for step in self.steps if not step.is_finished]
        later = [step for step in unfinished if step.number > start]
        candidates = later or unfinished
        return candidates[0] if candidates else None


def access_training(*, organization: Organization, user: User, program_id: int) -> TrainingPath:
    """The user's training path in a program that requires training, with what they have
    finished, for a mentor enrolled in it (approved or waiting); the same 404 for anyone
    else."""
    enrollment = (
        Enrollment.objects.filter(
            program_id=program_id,
            person__user=user,
            role=EnrollmentRole.MENTOR,
            status__in=ACTIVE_ENROLLMENT,
            program__requires_training=True,
        )
        .exclude(program__status=ProgramStatus.DRAFT)
        .select_related("program", "person")
        .first()
    )
    if enrollment is None:
        raise Http404("No such training.")
    modules = TrainingModule.objects.filter(program_id=program_id).select_related("resource")
    done = {
        completion.module_id: completion
        for completion in TrainingCompletion.objects.filter(
            person=enrollment.person, module__program_id=program_id
        )
    }
    steps = [
        TrainingStep(number=number, module=module, completion=done.get(module.pk))
        for number, module in enumerate(modules.order_by("position", "pk"), start=1)
    ]
    return TrainingPath(enrollment=enrollment, steps=steps)


def access_training_step(
    *, organization: Organization, user: User, program_id: int, module_id: int
) -> tuple[TrainingPath, TrainingStep]:
    """One module of the user's training path (and the path), or 404."""
    path = access_training(organization=organization, user=user, program_id=program_id)
    for step in path.steps:
        if step.module.pk == module_id:
            return path, step
    raise Http404("No such module.")


@dataclass
class MentorTraining:
    """A mentor's progress as the program's managers see it: which modules they finished
    and when (module, finished at), in the path's order; never the reflection text."""

    enrollment: Enrollment
    finished_modules: list[tuple[TrainingModule, datetime]]
    total: int

    @property
    def finished(self) -> int:
        return len(self.finished_modules)

    @property
    def is_finished(self) -> bool:
        return self.finished >= self.total


def training_progress(*, organization: Organization, program: Program) -> list[MentorTraining]:
    """Each mentor of the program (approved or waiting), by name, with the modules they
    finished and when. Three queries, however many mentors and modules."""
    modules = list(
        TrainingModule.objects.filter(program=program)
        .select_related("resource")
        .order_by("position", "pk")
    )
    finished_at: dict[tuple[int, int], datetime] = {
        (person_id, module_id): at
        for person_id, module_id, at in TrainingCompletion.objects.filter(
            module__program=program
        ).values_list("person_id", "module_id", "completed_at")
    }
    mentors = (
        Enrollment.objects.filter(
            program=program, role=EnrollmentRole.MENTOR, status__in=ACTIVE_ENROLLMENT
        )
        .select_related("person")
        .order_by("person__display_name", "pk")
    )
    return [
        MentorTraining(
            enrollment=mentor,
            finished_modules=[
                (module, finished_at[mentor.person_id, module.pk])
                for module in modules
                if (mentor.person_id, module.pk) in finished_at
            ],
            total=len(modules),
        )
        for mentor in mentors
    ]
