"""Bad input to the SCIM endpoint gets a SCIM Error body with a reason, never a 500 nor
an HTML page."""

from __future__ import annotations

import pytest

from tests.builders.scim import ENTERPRISE, USER, created, new_user


def scim_error(response, status: int, scim_type: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/scim+json"
    body = response.json()
    assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert body["status"] == str(status) and body["detail"]
    if scim_type is not None:
        assert body.get("scimType") == scim_type, body
    return body


@pytest.mark.parametrize(
    "body",
    [
        new_user(nickName="Ada"),
        {**new_user(), "schemas": ["urn:example:not:a:schema"]},
        {**new_user(), ENTERPRISE: {"costCenter": "4"}},
        {**new_user(), "active": "perhaps"},
        {"schemas": [USER], "userName": "ada@acme.example"},
    ],
    ids=["unknown attribute", "wrong schema", "unknown enterprise", "not a boolean", "no email"],
)
def test_a_user_the_schema_does_not_allow_is_refused(scim, body):
    scim_error(scim.post("/Users", body), 400)


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b"[1, 2]",
        b"\xff\xfe",
        b'{"userName": "a\\u0000b"}',
        b'{"userName": "\\ud800"}',
    ],
    ids=["not json", "not an object", "not utf-8", "nul byte", "lone surrogate"],
)
def test_a_body_that_is_no_json_object_of_storable_text_is_refused(scim, raw):
    scim_error(scim.post("/Users", raw), 400)


def test_a_body_over_two_mebibytes_is_refused(scim):
    huge = b'{"userName": "' + b"a" * (2 * 1024 * 1024) + b'"}'

    scim_error(scim.post("/Users", huge), 400, "invalidSyntax")


@pytest.mark.parametrize(
    "query",
    [
        'filter=nickName eq "Ada"',
        "filter=userName eq",
        "filter=" + " or ".join(['userName eq "a"'] * 21),
        "filter=userName eq " + '"' + "a" * 1001 + '"',
        'filter=active gt "yes"',
        'filter=meta.lastModified gt "yesterday"',
    ],
    ids=["unknown attribute", "syntax", "too many", "too long", "wrong operator", "bad date"],
)
def test_a_filter_we_cannot_answer_is_refused_as_invalid(scim, query):
    scim_error(scim.get(f"/Users?{query}"), 400, "invalidFilter")


def test_an_unknown_id_a_wrong_method_and_an_unknown_path_get_scim_errors(scim):
    user = created(scim)

    scim_error(scim.get("/Users/no-such-id"), 404)
    scim_error(scim.get("/Users/00000000-0000-0000-0000-000000000000"), 404)
    scim_error(scim.request("POST", f"/Users/{user['id']}", new_user()), 405)
    scim_error(scim.get("/Pets"), 404)
    scim_error(scim.post("/.search", {}), 501)


def test_a_patch_that_cannot_apply_is_refused(scim):
    user = created(scim)
    path = f"/Users/{user['id']}"

    scim_error(scim.patch(path, [{"op": "explode", "path": "title", "value": "x"}]), 400)
    scim_error(scim.patch(path, [{"op": "replace", "path": "nickName", "value": "x"}]), 400)
    scim_error(scim.patch(path, []), 400)
    scim_error(scim.request("PATCH", path, {"schemas": [USER]}), 400)


def test_paging_numbers_that_are_not_numbers_are_refused(scim):
    scim_error(scim.get("/Users?count=many"), 400)
    scim_error(scim.get("/Users?startIndex=1e9999"), 400)


def test_a_page_far_past_the_end_is_empty(scim):
    created(scim)

    page = scim.get("/Users?startIndex=99999999999999999999&count=99999999999999999999").json()

    assert (page["totalResults"], page["itemsPerPage"], page["Resources"]) == (1, 0, [])


@pytest.mark.parametrize(
    "extra",
    [
        {"userName": "a" * 300 + "@acme.example"},
        {"title": "t" * 5000},
        {"name": {"givenName": "g" * 5000}},
        {"externalId": "e" * 5000},
        {"emails": [{"value": "not an address", "type": "work"}]},
    ],
    ids=["long userName", "long title", "long givenName", "long externalId", "bad email"],
)
def test_values_too_long_or_malformed_to_keep_are_refused(scim, extra):
    scim_error(scim.post("/Users", {**new_user(), **extra}), 400)


def test_a_group_name_too_long_to_keep_is_refused(scim):
    body = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "g" * 500}

    scim_error(scim.post("/Groups", body), 400)
