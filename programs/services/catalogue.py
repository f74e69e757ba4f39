"""The organization's catalogues: the default skills and prep checklists, archiving a
skill, and ticking a checklist item."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import translation

from mentoring.common.guards import check_same_organization
from mentoring.people.selectors import profile_of

from .. import defaults
from ..models import (
    ChecklistAudience,
    ChecklistCompletion,
    ChecklistItem,
    EnrollmentRole,
    EnrollmentSkill,
    Goal,
    ProgramSkill,
    Skill,
)
from .training import training_lessons_install

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from mentoring.tenancy.models import Organization

CHECKLIST_FOR_ROLE: dict[str, str] = {
    EnrollmentRole.MENTEE: ChecklistAudience.MENTEE_FIRST_SESSION,
    EnrollmentRole.MENTOR: ChecklistAudience.MENTOR_PREPARATION,
}


def organization_programs_defaults_install(*, organization: Organization) -> None:
    """Give a new organization the skill catalogue, prep checklists and training lessons,
    in its language (empty: English); each skipped when it has some already, so it never
    overwrites a manager's edits."""
    with translation.override(organization.language or "en"):
        if not Skill.objects.exists():
            Skill.objects.bulk_create(
                Skill(organization=organization, name=name, description=text, behaviours=behaviours)
                for name, text, behaviours in defaults.skills()
            )
        if not ChecklistItem.objects.filter(program__isnull=True).exists():
            ChecklistItem.objects.bulk_create(
                ChecklistItem(organization=organization, audience=audience, text=text, position=i)
                for audience, texts in defaults.checklists().items()
                for i, text in enumerate(texts, start=1)
            )
        training_lessons_install(organization=organization)


def skill_set_archived(
    *, organization: Organization, actor: User, skill: Skill, archived: bool
) -> Skill:
    check_same_organization(organization, skill)
    skill.is_archived = archived
    skill.save(update_fields=["is_archived"])
    return skill


def skill_is_used(skill: Skill) -> bool:
    return (
        ProgramSkill.objects.filter(skill=skill).exists()
        or EnrollmentSkill.objects.filter(skill=skill).exists()
        or Goal.objects.filter(skill=skill).exists()
    )


def checklist_item_set_done(
    *, organization: Organization, actor: User, item: ChecklistItem, done: bool
) -> bool:
    check_same_organization(organization, item)
    person = profile_of(actor)
    if done:
        ChecklistCompletion.objects.get_or_create(
            organization=organization, item=item, person=person
        )
    else:
        ChecklistCompletion.objects.filter(item=item, person=person).delete()
    return done
