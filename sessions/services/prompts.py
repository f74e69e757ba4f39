"""The organization's guided check-in prompt library, installed once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import translation

from programs.models import Skill

from .. import defaults
from ..models import Prompt

if TYPE_CHECKING:
    from mentoring.tenancy.models import Organization


def organization_sessions_defaults_install(*, organization: Organization) -> None:
    """Give a new organization the guided check-in prompt library (once), in its language
    (empty: English), each prompt tied to the default skill of that name."""
    if Prompt.objects.exists():
        return
    with translation.override(organization.language or "en"):
        prompts = defaults.prompts()
    skills: dict[str | None, Skill] = {skill.name: skill for skill in Skill.objects.all()}
    Prompt.objects.bulk_create(
        Prompt(
            organization=organization, phase=phase, skill=skills.get(skill), text=text, position=i
        )
        for i, (phase, skill, text) in enumerate(prompts)
    )
