"""Reads of the directory records, shaped for the SCIM HTTP layer.

``directory_users`` brings each person's profile, department, manager, the manager's own
directory record and the person's groups in a constant number of queries, whatever the
page size; ``manager_scim_id`` then reads the prefetched data only.
"""

from __future__ import annotations

import uuid

from django.db.models import Prefetch, QuerySet

from .models import DirectoryGroup, DirectoryUser


def directory_users(*, organization) -> QuerySet[DirectoryUser]:
    return (
        DirectoryUser.objects.filter(organization=organization)
        .select_related("profile", "profile__department", "profile__manager")
        .prefetch_related(
            Prefetch(
                "profile__manager__directory_users",
                queryset=DirectoryUser.objects.filter(organization=organization).only(
                    "pk", "scim_id", "profile_id", "organization_id"
                ),
            ),
            Prefetch("groups", queryset=DirectoryGroup.objects.filter(organization=organization)),
        )
    )


def directory_groups(*, organization) -> QuerySet[DirectoryGroup]:
    return DirectoryGroup.objects.filter(organization=organization).prefetch_related(
        Prefetch("members", queryset=DirectoryUser.objects.filter(organization=organization))
    )


def _uuid(scim_id: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(scim_id))
    except ValueError:
        return None


def directory_user_for(*, organization, scim_id: str) -> DirectoryUser | None:
    """The person with this SCIM id, or None (also for an id that is no UUID)."""
    value = _uuid(scim_id)
    if value is None:
        return None
    return directory_users(organization=organization).filter(scim_id=value).first()


def directory_group_for(*, organization, scim_id: str) -> DirectoryGroup | None:
    value = _uuid(scim_id)
    if value is None:
        return None
    return directory_groups(organization=organization).filter(scim_id=value).first()


def manager_scim_id(directory_user: DirectoryUser) -> str | None:
    """The SCIM id of the person's manager, when the directory provisioned the manager too."""
    manager = directory_user.profile.manager
    if manager is None:
        return None
    records = list(manager.directory_users.all())
    return str(records[0].scim_id) if records else None
