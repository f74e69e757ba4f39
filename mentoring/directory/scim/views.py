"""The SCIM Users and Groups endpoints (RFC 7644 §3): thin views over the directory's
services and selectors. Users and Groups share one flow, told apart by a ``Kind``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from scim2_models import Context, Resource, ResponseParameters, SearchRequest

from mentoring.directory import selectors, services
from mentoring.directory.fields import GroupFields, VersionMismatch

from . import resources
from .auth import scim_endpoint
from .discovery import DEFAULT_PAGE_SIZE, LIST_SCHEMA, MAX_PAGE_SIZE
from .filters import GROUP_FILTERS, USER_FILTERS, Filterable, filter_q
from .patching import patched
from .protocol import (
    ScimError,
    error_response,
    etag_of,
    expected_version,
    not_modified,
    read_json,
    scim_response,
)

SEARCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
# The query parameters that choose what a response shows (RFC 7644 §3.9).
SELECTION = ("attributes", "excludedAttributes")
PATCH_ATTEMPTS = 3


@dataclass(frozen=True)
class Kind:
    """One resource type: how it is read, shown, parsed and written."""

    name: str
    model: type[Resource[Any]]
    filterable: Filterable
    listing: Callable
    lookup: Callable
    to_resource: Callable
    to_fields: Callable
    location: Callable
    create: Callable
    replace: Callable
    delete: Callable
    record_argument: str  # the name the replace and delete services give the record

    # Subscripted through the call the syntax stands for: mypy reads a subscript as a type.
    @property
    def search_request(self) -> Any:
        return SearchRequest.__class_getitem__(self.model)

    @property
    def response_parameters(self) -> Any:
        return ResponseParameters.__class_getitem__(self.model)

    def replace_record(self, *, organization, record, fields, expected_version):
        self.replace(
            organization=organization,
            fields=fields,
            expected_version=expected_version,
            **{self.record_argument: record},
        )

    def delete_record(self, *, organization, record) -> None:
        self.delete(organization=organization, **{self.record_argument: record})


USERS = Kind(
    name="User",
    model=resources.EnterpriseUserResource,
    filterable=USER_FILTERS,
    listing=selectors.directory_users,
    lookup=selectors.directory_user_for,
    to_resource=resources.user_resource,
    to_fields=resources.user_fields,
    location=resources.user_location,
    create=services.directory_user_create,
    replace=services.directory_user_replace,
    delete=services.directory_user_delete,
    record_argument="directory_user",
)
GROUPS = Kind(
    name="Group",
    model=resources.Group,
    filterable=GROUP_FILTERS,
    listing=selectors.directory_groups,
    lookup=selectors.directory_group_for,
    to_resource=resources.group_resource,
    to_fields=resources.group_fields,
    location=resources.group_location,
    create=services.directory_group_create,
    replace=services.directory_group_replace,
    delete=services.directory_group_delete,
    record_argument="group",
)


# ---------------------------------------------------------------- collections


@scim_endpoint(("GET", "POST"))
def users(request):
    return _collection(request, USERS)


@scim_endpoint(("GET", "POST"))
def groups(request):
    return _collection(request, GROUPS)


@scim_endpoint(("POST",))
def users_search(request):
    return _search(request, USERS, read_json(request))


@scim_endpoint(("POST",))
def groups_search(request):
    return _search(request, GROUPS, read_json(request))


@scim_endpoint(("POST",))
def root_search(request):
    raise ScimError(501, "Search /Users/.search or /Groups/.search instead.")


def _collection(request, kind: Kind):
    if request.method == "GET":
        return _search(request, kind, _query_parameters(request))
    return _create(request, kind)


def _query_parameters(request) -> dict:
    names = {"filter", "startIndex", "count", *SELECTION}
    parameters = {name: request.GET[name] for name in names if name in request.GET}
    for number in ("startIndex", "count"):
        if number in parameters:
            try:
                parameters[number] = int(parameters[number])
            except ValueError:
                raise ScimError(400, f"{number} must be a whole number.", "invalidValue") from None
    return {"schemas": [SEARCH_SCHEMA], **parameters}


def _search(request, kind: Kind, payload: dict):
    # The filter is parsed by us, over a whitelist: the library would accept any
    # attribute the model declares, and some of them we cannot query.
    text = payload.pop("filter", None)
    if text is not None and not isinstance(text, str):
        raise ScimError(400, "Send the filter as a string.", "invalidFilter")
    condition = filter_q(text, kind.filterable)
    query = kind.search_request.model_validate(
        payload, scim_ctx=Context.SEARCH_REQUEST, scim_provider=resources.PROVIDER
    )
    records = kind.listing(organization=request.organization).filter(condition)
    if text:  # a filter on members joins them: one row per group all the same
        records = records.distinct()
    total = records.count()
    start = query.start_index or 1
    count = DEFAULT_PAGE_SIZE if query.count is None else min(query.count, MAX_PAGE_SIZE)
    page = list(records[start - 1 : start - 1 + count]) if count and start <= total else []
    base_url = resources.base_url_of(request)
    return scim_response(
        {
            "schemas": [LIST_SCHEMA],
            "totalResults": total,
            "startIndex": start,
            "itemsPerPage": len(page),
            "Resources": [
                kind.to_resource(record, base_url=base_url).model_dump(
                    scim_ctx=Context.RESOURCE_QUERY_RESPONSE, response_parameters=query
                )
                for record in page
            ],
        }
    )


def _create(request, kind: Kind):
    resource = _parsed(kind, read_json(request), Context.RESOURCE_CREATION_REQUEST)
    organization = request.organization
    record = kind.create(organization=organization, fields=kind.to_fields(resource))
    return _resource_response(request, kind, record, status=201)


# ---------------------------------------------------------------- one resource


@scim_endpoint(("GET", "PUT", "PATCH", "DELETE"))
def user(request, scim_id: str):
    return _item(request, USERS, scim_id)


@scim_endpoint(("GET", "PUT", "PATCH", "DELETE"))
def group(request, scim_id: str):
    return _item(request, GROUPS, scim_id)


def _item(request, kind: Kind, scim_id: str):
    organization = request.organization
    record = kind.lookup(organization=organization, scim_id=scim_id)
    if record is None:
        raise ScimError(404, f"There is no {kind.name} {scim_id!r} here.")
    if request.method == "GET":
        if not_modified(request, etag_of(record)):
            return scim_response(None, 304, etag=etag_of(record))
        return _resource_response(request, kind, record)
    if request.method == "DELETE":
        kind.delete_record(organization=organization, record=record)
        return scim_response(None, 204)
    version = expected_version(request)
    payload = read_json(request)
    if request.method == "PUT":
        resource = _parsed(kind, payload, Context.RESOURCE_REPLACEMENT_REQUEST)
        kind.replace_record(
            organization=organization,
            record=record,
            fields=kind.to_fields(resource),
            expected_version=version,
        )
        return _resource_response(request, kind, record)
    for attempt in range(PATCH_ATTEMPTS):
        try:
            _patch(request, kind, record, payload, version or record.version)
            break
        except VersionMismatch:
            # Another change came between our read and our write: apply the operations
            # to the newer state, unless the client asked for the version it had read.
            if version is not None or attempt == PATCH_ATTEMPTS - 1:
                raise
            record = kind.lookup(organization=organization, scim_id=scim_id)
            if record is None:
                raise ScimError(404, f"There is no {kind.name} {scim_id!r} here.") from None
    return _resource_response(request, kind, record)


def _patch(request, kind: Kind, record, payload: dict, version: int) -> None:
    """The operations of ``payload`` applied to ``record`` as it is at ``version``."""
    base_url = resources.base_url_of(request)
    if kind is GROUPS:
        _group_patch(request.organization, record, payload, base_url, version)
        return
    resource = patched(kind.to_resource(record, base_url=base_url), payload)
    kind.replace_record(
        organization=request.organization,
        record=record,
        fields=kind.to_fields(resource),
        expected_version=version,
    )


def _group_patch(organization, group, payload, base_url: str, version: int) -> None:
    """Members change through ``directory_group_members_change`` (a group of thousands
    is never rewritten for one member); the name and external id through a replace."""
    before = resources.group_resource(group, base_url=base_url)
    after = resources.group_fields(patched(before, payload))
    current = resources.group_fields(before)
    wanted, present = after.member_ids or [], current.member_ids or []
    add = [member for member in wanted if member not in set(present)]
    remove = [member for member in present if member not in set(wanted)]
    renamed = (after.display_name, after.external_id) != (
        current.display_name,
        current.external_id,
    )
    with transaction.atomic():
        if renamed:
            services.directory_group_replace(
                organization=organization,
                group=group,
                fields=GroupFields(display_name=after.display_name, external_id=after.external_id),
                expected_version=version,
            )
        if add or remove:
            services.directory_group_members_change(
                organization=organization,
                group=group,
                add=add,
                remove=remove,
                # checked by the rename already, which holds the group's lock
                expected_version=None if renamed else version,
            )


def _parsed(kind: Kind, payload: dict, context: Context):
    """The resource ``payload`` describes; what it cannot be is answered by ``scim_endpoint``."""
    return kind.model.model_validate(payload, scim_ctx=context, scim_provider=resources.PROVIDER)


def _resource_response(request, kind: Kind, record, status: int = 200):
    selection = kind.response_parameters.model_validate(
        {name: request.GET[name] for name in SELECTION if name in request.GET}
    )
    organization = request.organization
    fresh = kind.lookup(organization=organization, scim_id=str(record.scim_id))
    base_url = resources.base_url_of(request)
    body = kind.to_resource(fresh, base_url=base_url).model_dump(
        scim_ctx=Context.RESOURCE_QUERY_RESPONSE, response_parameters=selection
    )
    headers = {"Location": kind.location(base_url, fresh.scim_id)} if status == 201 else {}
    return scim_response(body, status, etag=etag_of(fresh), **headers)


def not_found(request, path: str = ""):
    """Anything else under /scim/v2/: a SCIM 404, not an HTML page."""
    return error_response(404, "There is nothing at this address of the SCIM endpoint.")
