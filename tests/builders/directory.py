"""Directory sync in tests: people and groups provisioned as an identity provider would.

``provision(org, **fields)`` creates a directory user through the services (``fields`` are
``UserFields``; ``user_name`` and the email default to a fresh address of ``org``), and
``provision_group(org, name, members=[...], role=...)`` a group of them. ``org`` is a
``world`` organization (``world.acme``) or an ``Organization``.
"""

from __future__ import annotations

import itertools

from mentoring.directory.fields import GroupFields, UserFields
from mentoring.directory.models import DirectoryGroup, DirectoryUser
from mentoring.directory.services import (
    directory_group_create,
    directory_group_role_set,
    directory_user_create,
)
from mentoring.tenancy import activate
from mentoring.tenancy.models import Organization

_numbers = itertools.count(1)


def _organization(org) -> Organization:
    return org if isinstance(org, Organization) else org.organization


def work_email(address: str, *, primary: bool = True) -> list[dict]:
    """The ``emails`` of a person with one work address."""
    return [{"value": address, "type": "work", "primary": primary}]


def provision(org, **fields) -> DirectoryUser:
    """A person the directory of ``org`` provisioned (a fresh ``dir<n>@<slug>.example`` unless
    ``user_name`` is given; its email is the user name unless ``emails`` is given)."""
    organization = _organization(org)
    fields.setdefault("user_name", f"dir{next(_numbers)}@{organization.slug}.example")
    with activate(organization):
        return directory_user_create(organization=organization, fields=UserFields(**fields))


def provision_group(org, name: str, *, members=(), role: str = "", actor=None) -> DirectoryGroup:
    """A directory group of ``org`` with ``members`` (DirectoryUsers) and, if given, the
    ``role`` a program manager (``actor``, the organization's manager by default) set."""
    organization = _organization(org)
    with activate(organization):
        group = directory_group_create(
            organization=organization,
            fields=GroupFields(display_name=name, member_ids=[str(m.scim_id) for m in members]),
        )
        if role:
            actor = actor or getattr(org, "manager", None)
            group = directory_group_role_set(
                organization=organization, actor=actor, group=group, role=role
            )
    return group
