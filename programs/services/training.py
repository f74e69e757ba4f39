"""Mentor training: the default lessons of the resource bank, a program's path made of
them, and a mentor finishing a module with their reflection."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from mentoring.common.guards import check_same_organization
from mentoring.people.selectors import profile_of

from .. import defaults
from ..models import (
    Enrollment,
    EnrollmentRole,
    EnrollmentStatus,
    Program,
    Resource,
    ResourceKind,
    TrainingCompletion,
    TrainingModule,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from mentoring.tenancy.models import Organization

REFLECTION_MIN, REFLECTION_MAX = 20, 4000


def training_lessons_install(*, organization: Organization) -> None:
    """Put the default training lessons in the resource bank, in the organization's
    language, skipping any title it has already (a manager's edits are never overwritten)."""
    lessons = _lessons(organization)
    titles = [title for title, *_rest in lessons]
    existing = set(Resource.objects.filter(title__in=titles).values_list("title", flat=True))
    Resource.objects.bulk_create(
        Resource(
            organization=organization,
            title=title,
            kind=ResourceKind.LESSON,
            description=description,
            body=body,
        )
        for title, description, body, _prompt in lessons
        if title not in existing
    )


def _lessons(organization: Organization) -> list[tuple[str, str, str, str]]:
    with translation.override(organization.language or "en"):
        return defaults.training_lessons()


def training_path_use_defaults(
    *, organization: Organization, actor: User, program: Program
) -> list[TrainingModule]:
    """Give a program without a training path the default lessons as its modules, in
    order, each with its reflection prompt."""
    check_same_organization(organization, program)
    with transaction.atomic():
        program = Program.objects.select_for_update().get(pk=program.pk)
        if TrainingModule.objects.filter(program=program).exists():
            raise ValidationError(
                _("“%(program)s” has a training path already: change its modules instead.")
                % {"program": program}
            )
        training_lessons_install(organization=organization)
        lessons = _lessons(organization)
        resources = {
            r.title: r
            for r in Resource.objects.filter(title__in=[title for title, *_rest in lessons])
        }
        return TrainingModule.objects.bulk_create(
            TrainingModule(
                organization=organization,
                program=program,
                resource=resources[title],
                reflection_prompt=prompt,
                position=position,
            )
            for position, (title, _description, _body, prompt) in enumerate(lessons, start=1)
        )


def training_module_complete(
    *, organization: Organization, actor: User, module: TrainingModule, reflection: str
) -> tuple[TrainingCompletion, bool]:
    """An approved mentor of the module's program finishes it with their reflection; a
    second submit edits the reflection. (completion, whether it was new)."""
    check_same_organization(organization, module)
    text = (reflection or "").strip()
    if len(text) < REFLECTION_MIN:
        raise ValidationError(
            {
                "reflection": _(
                    "Write at least %(least)s characters: a few sentences "
                    "in your own words are enough."
                )
                % {"least": REFLECTION_MIN}
            }
        )
    if len(text) > REFLECTION_MAX:
        raise ValidationError(
            {
                "reflection": _(
                    "Keep your reflection under %(most)s characters "
                    "(it has %(length)s): shorten it a little."
                )
                % {"most": REFLECTION_MAX, "length": len(text)}
            }
        )
    person = profile_of(actor)
    is_mentor = Enrollment.objects.filter(
        program_id=module.program_id,
        person=person,
        role=EnrollmentRole.MENTOR,
        status=EnrollmentStatus.APPROVED,
    ).exists()
    if not is_mentor:
        raise ValidationError(
            _(
                "Only approved mentors of this program finish its training: once your "
                "application is approved, you can write your reflections."
            )
        )
    # The unique constraint makes two submits at once one row: the second updates it.
    return TrainingCompletion.objects.update_or_create(
        organization=organization, module=module, person=person, defaults={"reflection": text}
    )
