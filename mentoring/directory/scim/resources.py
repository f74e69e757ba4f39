"""The SCIM resources we serve, as scim2-models classes that declare only what we store,
and the translation between them and the directory's records.

The standard ``User`` declares some thirty attributes; a service provider that advertises
one it drops fails every client that reads it back. These classes are what ``/Schemas``
publishes, what requests are validated against and what PATCH operations run on.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field
from scim2_models import (
    URN,
    AnyExtension,
    CaseExact,
    ComplexAttribute,
    Context,
    Extension,
    Meta,
    Mutability,
    Reference,
    Required,
    Resource,
    ResourceType,
    ScimPolicy,
    ScimProvider,
    Uniqueness,
)

from mentoring.directory.fields import GroupFields, UserFields
from mentoring.directory.selectors import manager_scim_id

from .protocol import etag_of

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"


class Name(ComplexAttribute):
    family_name: str | None = None
    given_name: str | None = None


class Email(ComplexAttribute):
    value: Annotated[str | None, Required.true] = None
    type: str | None = None
    primary: bool | None = None


class GroupMembership(ComplexAttribute):
    value: Annotated[str | None, Mutability.read_only, CaseExact.true] = None
    ref: Annotated[Reference[Any] | None, Mutability.read_only] = Field(
        None, serialization_alias="$ref", validation_alias="$ref"
    )
    display: Annotated[str | None, Mutability.read_only] = None


class User(Resource[AnyExtension]):
    __schema__ = URN(USER_SCHEMA)

    user_name: Annotated[str | None, Uniqueness.server, Required.true] = None
    name: Name | None = None
    display_name: str | None = None
    title: str | None = None
    active: Annotated[bool | None, Required.true] = None
    emails: Annotated[list[Email] | None, Required.true] = None
    groups: Annotated[list[GroupMembership] | None, Mutability.read_only] = None


class Manager(ComplexAttribute):
    value: Annotated[str | None, CaseExact.true] = None
    ref: Reference[User] | None = Field(None, serialization_alias="$ref", validation_alias="$ref")


class EnterpriseUser(Extension):
    __schema__ = URN(ENTERPRISE_SCHEMA)

    employee_number: str | None = None
    department: str | None = None
    manager: Manager | None = None


class GroupMember(ComplexAttribute):
    """A person in the group (groups hold people only, not other groups)."""

    value: Annotated[str | None, CaseExact.true] = None
    # Sent back as we address the person; what a client sends is not read.
    ref: Reference[User] | None = Field(None, serialization_alias="$ref", validation_alias="$ref")


class Group(Resource[Any]):
    __schema__ = URN(GROUP_SCHEMA)

    display_name: Annotated[str | None, Required.true] = None
    members: list[GroupMember] | None = None


EnterpriseUserResource = User[EnterpriseUser]

# What identity providers send that the RFC does not allow (Entra's ``remove`` with a
# value naming the member, its filters on entries that do not exist yet) is accepted.
POLICY = ScimPolicy(
    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
)

PROVIDER = ScimProvider(
    models=[User, EnterpriseUser, Group],
    resource_types=[
        ResourceType.from_resource(EnterpriseUserResource),
        ResourceType.from_resource(Group),
    ],
    policy=POLICY,
)


def user_location(base_url: str, scim_id) -> str:
    return f"{base_url}/Users/{scim_id}"


def group_location(base_url: str, scim_id) -> str:
    return f"{base_url}/Groups/{scim_id}"


def user_resource(directory_user, *, base_url: str) -> User:
    """The SCIM User of ``directory_user``; its groups and manager come prefetched."""
    profile = directory_user.profile

    def sent(field: str):
        """The profile's value if the directory set it (a manager may have set it by hand
        before the directory took over: that is not the directory's to read back)."""
        return getattr(profile, field) if field in profile.synced_fields else None

    department = sent("department")
    manager_id = manager_scim_id(directory_user) if sent("manager") else None
    name = None
    if directory_user.given_name or directory_user.family_name:
        name = Name(
            given_name=directory_user.given_name or None,
            family_name=directory_user.family_name or None,
        )
    resource = EnterpriseUserResource(
        id=str(directory_user.scim_id),
        external_id=directory_user.external_id or None,
        user_name=directory_user.user_name,
        name=name,
        display_name=sent("display_name") or None,
        title=sent("job_title") or None,
        active=directory_user.active,
        emails=[Email(**email) for email in directory_user.emails] or None,
        groups=[
            GroupMembership.model_validate(
                {
                    "value": str(group.scim_id),
                    "$ref": group_location(base_url, group.scim_id),
                    "display": group.display_name,
                }
            )
            for group in directory_user.groups.all()
        ]
        or None,
        meta=_meta("User", directory_user, user_location(base_url, directory_user.scim_id)),
    )
    resource[EnterpriseUser] = EnterpriseUser(
        employee_number=directory_user.employee_number or None,
        department=department.name if department else None,
        manager=(
            Manager.model_validate(
                {"value": manager_id, "$ref": user_location(base_url, manager_id)}
            )
            if manager_id
            else None
        ),
    )
    return resource


def group_resource(group, *, base_url: str) -> Group:
    """The SCIM Group of ``group``; its members come prefetched."""
    return Group(
        id=str(group.scim_id),
        external_id=group.external_id or None,
        display_name=group.display_name,
        members=[
            GroupMember.model_validate(
                {"value": str(member.scim_id), "$ref": user_location(base_url, member.scim_id)}
            )
            for member in group.members.all()
        ]
        or None,
        meta=_meta("Group", group, group_location(base_url, group.scim_id)),
    )


def _meta(resource_type: str, record, location: str) -> Meta:
    return Meta(
        resource_type=resource_type,
        created=record.created_at,
        last_modified=record.updated_at,
        location=location,
        version=etag_of(record),
    )


def user_fields(resource: User) -> UserFields:
    """Everything a full User carries; what it leaves out is cleared (a PUT, or a PATCH
    applied to the current resource)."""
    name = resource.name or Name()
    enterprise = resource[EnterpriseUser] or EnterpriseUser()
    return UserFields(
        user_name=resource.user_name or "",
        external_id=resource.external_id or "",
        active=True if resource.active is None else resource.active,
        display_name=resource.display_name or "",
        given_name=name.given_name or "",
        family_name=name.family_name or "",
        emails=[
            email.model_dump(exclude_none=True, by_alias=False) for email in resource.emails or []
        ],
        title=resource.title or "",
        department=enterprise.department or "",
        employee_number=enterprise.employee_number or "",
        manager_id=(enterprise.manager.value if enterprise.manager else None) or "",
    )


def group_fields(resource: Group) -> GroupFields:
    return GroupFields(
        display_name=resource.display_name or "",
        external_id=resource.external_id or "",
        member_ids=[member.value for member in resource.members or [] if member.value],
    )


def dump(resource: Resource, **kwargs) -> dict:
    return resource.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE, **kwargs)


def base_url_of(request) -> str:
    """The endpoint's address on the request's host, e.g. ``https://acme.example/scim/v2``."""
    return request.build_absolute_uri("/scim/v2")
