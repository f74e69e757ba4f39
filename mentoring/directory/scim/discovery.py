"""What the SCIM endpoint says about itself (RFC 7644 §4): ServiceProviderConfig,
ResourceTypes and Schemas. Only what we store is advertised."""

from __future__ import annotations

from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    Context,
    ETag,
    Filter,
    Meta,
    Pagination,
    Patch,
    ServiceProviderConfig,
    Sort,
)

from .auth import scim_endpoint
from .protocol import ScimError, scim_response
from .resources import PROVIDER, base_url_of

LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 200

CONFIG = ServiceProviderConfig(
    patch=Patch(supported=True),
    bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
    filter=Filter(supported=True, max_results=MAX_PAGE_SIZE),
    change_password=ChangePassword(supported=False),
    sort=Sort(supported=False),
    etag=ETag(supported=True),
    pagination=Pagination(
        cursor=False,
        index=True,
        default_page_size=DEFAULT_PAGE_SIZE,
        max_page_size=MAX_PAGE_SIZE,
    ),
    authentication_schemes=[
        AuthenticationScheme(
            type=AuthenticationScheme.Type.oauthbearertoken,
            name="Directory sync key",
            description="A directory sync key of the organization, sent as a bearer token.",
            primary=True,
        )
    ],
)


def _dump(item, base_url: str, endpoint: str) -> dict:
    described = item.model_copy(
        update={
            "meta": Meta(
                resource_type=type(item).__name__,
                location=f"{base_url}/{endpoint}/{item.id}"
                if item.id
                else f"{base_url}/{endpoint}",
            )
        }
    )
    return described.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)


def _listed(items: list[dict]) -> dict:
    return {
        "schemas": [LIST_SCHEMA],
        "totalResults": len(items),
        "startIndex": 1,
        "itemsPerPage": len(items),
        "Resources": items,
    }


def _collection(request, items, endpoint: str, item_id: str | None):
    base_url = base_url_of(request)
    if item_id is None:
        return scim_response(_listed([_dump(item, base_url, endpoint) for item in items]))
    for item in items:
        if str(item.id).lower() == item_id.lower():
            return scim_response(_dump(item, base_url, endpoint))
    raise ScimError(404, f"There is no {endpoint[:-1]} {item_id!r} here.")


@scim_endpoint(("GET",))
def service_provider_config(request):
    return scim_response(_dump(CONFIG, base_url_of(request), "ServiceProviderConfig"))


@scim_endpoint(("GET",))
def resource_types(request, item_id: str | None = None):
    return _collection(request, PROVIDER.resource_types, "ResourceTypes", item_id)


@scim_endpoint(("GET",))
def schemas(request, item_id: str | None = None):
    return _collection(request, PROVIDER.schemas, "Schemas", item_id)
