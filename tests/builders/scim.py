"""Requests to an organization's SCIM endpoint as an identity provider sends them, and the
resources it sends (tests/directory)."""

from __future__ import annotations

import json

from django.test import Client

from mentoring.api.keys import api_key_create
from mentoring.api.models import KeyPurpose
from mentoring.tenancy import activate
from tests.builders.directory import work_email

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


class Scim:
    """Requests to one organization's SCIM endpoint with one key (``key=None``: no key)."""

    def __init__(self, organization, key: str | None, host: str | None = None) -> None:
        self.client = Client()
        self.organization = organization
        self.host = host or f"{organization.slug}.localhost"
        self.key = key

    def request(self, method: str, path: str, body=None, **headers):
        extra = {"HTTP_HOST": self.host}
        if self.key:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {self.key}"
        extra.update({f"HTTP_{name.upper()}": value for name, value in headers.items()})
        data = body if isinstance(body, str | bytes) or body is None else json.dumps(body)
        return self.client.generic(
            method, f"/scim/v2{path}", data or "", content_type="application/scim+json", **extra
        )

    def get(self, path, **headers):
        return self.request("GET", path, **headers)

    def post(self, path, body, **headers):
        return self.request("POST", path, body, **headers)

    def put(self, path, body, **headers):
        return self.request("PUT", path, body, **headers)

    def patch(self, path, operations, **headers):
        body = {"schemas": [PATCH_OP], "Operations": operations}
        return self.request("PATCH", path, body, **headers)

    def delete(self, path, **headers):
        return self.request("DELETE", path, **headers)


def directory_key(organization, purpose=KeyPurpose.DIRECTORY_SYNC) -> str:
    with activate(organization):
        return api_key_create(organization=organization, name="Entra ID", purpose=purpose)[1]


def new_user(user_name="ada@acme.example", **extra) -> dict:
    return {
        "schemas": [USER, ENTERPRISE],
        "userName": user_name,
        "active": True,
        "name": {"givenName": "Ada", "familyName": "Lovelace"},
        "displayName": "Ada Lovelace",
        "title": "Analyst",
        "emails": work_email(user_name),
        ENTERPRISE: {"employeeNumber": "701", "department": "Research"},
        **extra,
    }


def created(scim, user_name="ada@acme.example", **extra) -> dict:
    response = scim.post("/Users", new_user(user_name, **extra))
    assert response.status_code == 201, response.content
    return response.json()
