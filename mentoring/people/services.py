"""Writes on people: organization defaults and profile edits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Profile, SeniorityLevel

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from mentoring.tenancy.models import Organization

DEFAULT_SENIORITY_LEVELS = ("Associate", "Professional", "Senior", "Lead", "Principal", "Director")


def organization_people_defaults_install(*, organization: Organization) -> None:
    """Give a new organization level names it can rename in the admin."""
    for rank, name in enumerate(DEFAULT_SENIORITY_LEVELS, start=1):
        SeniorityLevel.objects.get_or_create(
            organization=organization, rank=rank, defaults={"name": name}
        )


PROFILE_FIELDS = frozenset(
    {
        "display_name",
        "department",
        "job_title",
        "seniority",
        "manager",
        "time_zone",
        "languages",
        "bio",
    }
)


def validate_manager(profile: Profile, manager: Profile | None) -> None:
    """A manager is another person of the same organization, and not one of their reports."""
    if manager is None:
        return
    if manager.organization_id != profile.organization_id:
        raise ValidationError("The manager must belong to the same organization.")
    if manager.pk == profile.pk:
        raise ValidationError("A person cannot be their own manager.")
    seen = {profile.pk}
    current: Profile | None = manager
    while current is not None:
        if current.pk in seen:
            raise ValidationError(
                f"{manager} reports to {profile}, directly or not: that would be a loop."
            )
        seen.add(current.pk)
        current = (
            Profile.objects.filter(pk=current.manager_id).first() if current.manager_id else None
        )


def profile_update(
    *, organization: Organization, actor: User | None, profile: Profile, **changes: Any
) -> Profile:
    """Change a profile's own fields; related rows must belong to ``organization``."""
    unknown = set(changes) - PROFILE_FIELDS
    if unknown:
        raise ValidationError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    for field in ("department", "seniority", "manager"):
        related = changes.get(field)
        if related is not None and related.organization_id != organization.pk:
            raise ValidationError({field: "That choice belongs to another organization."})
    try:
        validate_manager(profile, changes.get("manager", profile.manager))
    except ValidationError as error:
        raise ValidationError({"manager": error.messages}) from error
    with transaction.atomic():
        for field, value in changes.items():
            setattr(profile, field, value)
        profile.full_clean()
        profile.save(update_fields=[*changes, "updated_at"])
    return profile
