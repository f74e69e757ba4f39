"""Writes on people: organization defaults, profile edits and the end of a membership."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from mentoring import hooks
from mentoring.tenancy.models import Membership, Role

from .models import SYNCABLE_FIELDS, Profile, SeniorityLevel

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


# What the matching rules rely on (the reporting line, cross-functional pairs, the
# seniority gap): set by program managers (and directory sync), never by the person.
MANAGED_FIELDS = frozenset({"department", "seniority", "manager"})
PROFILE_FIELDS = MANAGED_FIELDS | {
    "display_name",
    "job_title",
    "time_zone",
    "languages",
    "bio",
    "language",
}
MANAGED_BY_PROGRAM_MANAGERS = gettext_noop(
    "Your department, seniority level and manager are set by your program managers, "
    "because matching relies on them. Ask them for a correction from your profile page."
)


def validate_manager(profile: Profile, manager: Profile | None) -> None:
    """A manager is another person of the same organization, and not one of their reports."""
    if manager is None:
        return
    if manager.organization_id != profile.organization_id:
        raise ValidationError(gettext("The manager must belong to the same organization."))
    if manager.pk == profile.pk:
        raise ValidationError(gettext("A person cannot be their own manager."))
    seen = {profile.pk}
    current: Profile | None = manager
    while current is not None:
        if current.pk in seen:
            raise ValidationError(
                gettext("%(manager)s reports to %(person)s, directly or not: that would be a loop.")
                % {"manager": manager, "person": profile}
            )
        seen.add(current.pk)
        current = (
            Profile.objects.filter(pk=current.manager_id).first() if current.manager_id else None
        )


def _may_set_managed_fields(*, organization: Organization, actor: User | None) -> bool:
    """Program managers of ``organization`` may, and the platform itself (``actor`` None:
    the demo, directory sync); members and HR may not, not even on their own profile."""
    if actor is None:
        return True
    return Membership.objects.filter(
        organization=organization, user=actor, role=Role.MANAGER, is_active=True
    ).exists()


def _managed_changes(profile: Profile, changes: dict[str, Any]) -> set[str]:
    """The managed fields ``changes`` would give another value."""
    changed = set()
    for field in MANAGED_FIELDS & set(changes):
        value = changes[field]
        if getattr(profile, f"{field}_id") != (value.pk if value is not None else None):
            changed.add(field)
    return changed


def _synced_changes(profile: Profile, changes: dict[str, Any]) -> list[str]:
    """The fields the directory sets that ``changes`` would give another value."""
    changed = []
    for field in SYNCABLE_FIELDS:
        if field in changes and field in profile.synced_fields:
            value = changes[field]
            if field in MANAGED_FIELDS:
                value = value.pk if value is not None else None
                field_value = getattr(profile, f"{field}_id")
            else:
                field_value = getattr(profile, field)
            if value != field_value:
                changed.append(field)
    return changed


def profile_update(
    *, organization: Organization, actor: User | None, profile: Profile, **changes: Any
) -> Profile:
    """Change a profile's own fields; related rows must belong to ``organization``. The
    department, seniority level and manager change only for a program manager or the
    platform; what the organization's directory sets changes only through it (``actor``
    None)."""
    unknown = set(changes) - PROFILE_FIELDS
    if unknown:
        raise ValidationError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    synced = _synced_changes(profile, changes) if actor is not None else []
    if synced:
        names = ", ".join(name.replace("_", " ") for name in synced)
        raise ValidationError(SYNCED_BY_DIRECTORY % {"fields": names})
    if _managed_changes(profile, changes) and not _may_set_managed_fields(
        organization=organization, actor=actor
    ):
        raise ValidationError(gettext(MANAGED_BY_PROGRAM_MANAGERS))
    for field in ("department", "seniority", "manager"):
        related = changes.get(field)
        if related is not None and related.organization_id != organization.pk:
            raise ValidationError({field: gettext("That choice belongs to another organization.")})
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


SYNCED_BY_DIRECTORY = _(
    "Your organization's directory sets these, so they cannot be changed here: %(fields)s."
)


def membership_end(*, organization: Organization, profile: Profile, reason: str) -> bool:
    """End ``profile``'s membership of ``organization`` (they can no longer sign in here) and
    tell the apps (``hooks.MEMBER_LEFT``), which end what the person takes part in. Their
    history stays. False when the membership had ended already (nothing is told twice)."""
    with transaction.atomic():
        ended = Membership.objects.filter(
            organization=organization, user_id=profile.user_id, is_active=True
        ).update(is_active=False)
        if ended:
            for hook in hooks.get_hooks(hooks.MEMBER_LEFT):
                hook(organization=organization, person=profile, reason=reason)
    return bool(ended)
