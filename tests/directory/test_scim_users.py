"""SCIM Users over HTTP, as an identity provider provisions people: create, read, list and
filter, replace, patch (as Entra ID and Okta send it), delete, ETags."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from mentoring.directory.models import DirectoryUser
from mentoring.tenancy import activate
from tests.builders.directory import provision, work_email
from tests.builders.scim import ENTERPRISE, USER, Scim, created, directory_key, new_user


def test_an_identity_provider_creates_a_user_and_reads_it_back(scim):
    created = scim.post("/Users", new_user())

    assert created.status_code == 201, created.content
    body = created.json()
    assert created["Location"] == f"http://acme.localhost/scim/v2/Users/{body['id']}"
    assert created["ETag"] == body["meta"]["version"] == 'W/"1"'
    assert body["userName"] == "ada@acme.example"
    assert body[ENTERPRISE] == {"employeeNumber": "701", "department": "Research"}
    read = scim.get(f"/Users/{body['id']}")
    assert read.status_code == 200
    assert read.json() == body
    assert read["Content-Type"] == "application/scim+json"


def listed(scim, query: str) -> list[str]:
    response = scim.get(f"/Users?{query}")
    assert response.status_code == 200, response.content
    return [user["userName"] for user in response.json()["Resources"]]


def test_a_user_is_found_by_user_name_in_any_case_and_by_external_id(scim):
    created(scim, "ada@acme.example", externalId="E-1")
    created(scim, "grace@acme.example", externalId="E-2")

    assert listed(scim, 'filter=userName eq "ADA@acme.example"') == ["ada@acme.example"]
    assert listed(scim, 'filter=externalId eq "E-2"') == ["grace@acme.example"]
    assert listed(scim, 'filter=externalId eq "e-2"') == []
    assert listed(scim, 'filter=emails.value eq "grace@acme.example"') == ["grace@acme.example"]
    assert listed(scim, 'filter=userName sw "g" or not (active eq true)') == ["grace@acme.example"]


def test_a_delta_sync_asks_for_what_changed_since_a_moment(scim):
    first = created(scim, "ada@acme.example")
    since = first["meta"]["lastModified"]
    created(scim, "grace@acme.example")

    assert listed(scim, f'filter=meta.lastModified gt "{since}"') == ["grace@acme.example"]


def test_a_list_comes_in_pages_of_at_most_two_hundred(scim):
    for number in range(3):
        created(scim, f"person{number}@acme.example")

    page = scim.get("/Users?startIndex=2&count=1").json()
    assert (page["totalResults"], page["startIndex"], page["itemsPerPage"]) == (3, 2, 1)
    assert [user["userName"] for user in page["Resources"]] == ["person1@acme.example"]
    assert scim.get("/Users?count=5000").json()["itemsPerPage"] == 3


def test_a_list_shows_only_the_attributes_asked_for(scim):
    created(scim)

    (only,) = scim.get("/Users?attributes=userName").json()["Resources"]
    (without,) = scim.get("/Users?excludedAttributes=emails,title").json()["Resources"]

    assert set(only) == {"schemas", "id", "userName"}
    assert "emails" not in without and "title" not in without and "userName" in without


def test_users_search_by_post_finds_the_same_people(scim):
    created(scim, "ada@acme.example")
    created(scim, "grace@acme.example")

    response = scim.post(
        "/Users/.search",
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
            "filter": 'userName eq "grace@acme.example"',
        },
    )

    assert response.status_code == 200, response.content
    assert [user["userName"] for user in response.json()["Resources"]] == ["grace@acme.example"]


def test_a_replacement_clears_what_it_leaves_out(scim):
    user = created(scim)

    replaced = scim.put(
        f"/Users/{user['id']}",
        {
            "schemas": [USER],
            "userName": "ada@acme.example",
            "active": True,
            "emails": work_email("ada@acme.example"),
        },
    )

    assert replaced.status_code == 200, replaced.content
    body = replaced.json()
    assert "title" not in body and "name" not in body
    assert body["meta"]["version"] == replaced["ETag"] == 'W/"2"'


def test_entra_deactivates_a_user_with_a_capitalised_op_and_a_string_boolean(scim):
    user = created(scim)

    response = scim.patch(
        f"/Users/{user['id']}", [{"op": "Replace", "path": "active", "value": "False"}]
    )

    assert response.status_code == 200, response.content
    assert response.json()["active"] is False
    with activate(scim.organization):
        assert DirectoryUser.objects.get().active is False


def test_entra_and_okta_patches_change_names_emails_and_enterprise_attributes(scim):
    user = created(scim)

    response = scim.patch(
        f"/Users/{user['id']}",
        [
            {"op": "replace", "value": {"title": "Lead", "name.givenName": "Augusta"}},
            {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "ada@lab.example"},
            {"op": "Add", "path": f"{ENTERPRISE}:department", "value": "Engines"},
        ],
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "Lead"
    assert body["name"]["givenName"] == "Augusta"
    assert body["emails"][0]["value"] == "ada@lab.example"
    assert body[ENTERPRISE]["department"] == "Engines"


def test_a_manager_is_set_by_id_and_shown_with_its_address(scim):
    boss = created(scim, "boss@acme.example")
    user = created(scim)

    response = scim.patch(
        f"/Users/{user['id']}",
        [{"op": "add", "path": f"{ENTERPRISE}:manager", "value": {"value": boss["id"]}}],
    )

    assert response.status_code == 200, response.content
    assert response.json()[ENTERPRISE]["manager"] == {
        "value": boss["id"],
        "$ref": f"http://acme.localhost/scim/v2/Users/{boss['id']}",
    }


def test_entra_sets_a_manager_by_the_bare_id(scim):
    boss = created(scim, "boss@acme.example")
    user = created(scim)

    response = scim.patch(
        f"/Users/{user['id']}",
        [{"op": "Replace", "path": f"{ENTERPRISE}:manager", "value": boss["id"]}],
    )

    assert response.status_code == 200, response.content
    assert response.json()[ENTERPRISE]["manager"]["value"] == boss["id"]
    with activate(scim.organization):
        profile = DirectoryUser.objects.get(scim_id=user["id"]).profile
        assert profile.manager.display_name == "Ada Lovelace"
        assert "manager" in profile.synced_fields


def test_a_stale_if_match_is_refused_and_a_current_if_none_match_answers_304(scim):
    user = created(scim)
    path = f"/Users/{user['id']}"

    stale = scim.patch(path, [{"op": "replace", "path": "title", "value": "X"}])
    assert stale.status_code == 200
    refused = scim.request("PUT", path, new_user(), if_match='W/"1"')
    unchanged = scim.get(path, if_none_match='W/"2"')

    assert refused.status_code == 412, refused.content
    assert refused.json()["status"] == "412"
    assert unchanged.status_code == 304


def test_a_deleted_user_is_gone(scim):
    user = created(scim)

    deleted = scim.delete(f"/Users/{user['id']}")

    assert deleted.status_code == 204
    assert scim.get(f"/Users/{user['id']}").status_code == 404
    assert scim.delete(f"/Users/{user['id']}").status_code == 404


def test_a_second_user_with_the_same_user_name_is_a_conflict(scim):
    created(scim, "ada@acme.example")

    again = scim.post("/Users", new_user("ADA@acme.example"))

    assert again.status_code == 409, again.content
    assert again.json()["scimType"] == "uniqueness"


def test_listing_users_costs_the_same_queries_for_five_and_fifty(scim, django_assert_num_queries):
    for number in range(5):
        provision(scim.organization, emails=work_email(f"few{number}@acme.example"))
    scim.get("/Users")  # the key's last use is stamped once a minute: not in the count
    with CaptureQueriesContext(connection) as few:
        assert len(scim.get("/Users?count=200").json()["Resources"]) == 5
    for number in range(45):
        provision(scim.organization, emails=work_email(f"many{number}@acme.example"))

    with django_assert_num_queries(len(few)):
        assert len(scim.get("/Users?count=200").json()["Resources"]) == 50


def _at_once(send, times: int = 3) -> list[int]:
    """The status codes of ``send()`` run by ``times`` threads released together, each
    with its own database connection."""
    barrier = threading.Barrier(times)
    statuses: list[int] = []

    def run():
        try:
            barrier.wait()
            statuses.append(send().status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


@pytest.mark.django_db(transaction=True)
def test_the_same_user_created_three_times_at_once_is_created_once(world):
    organization = world.acme.organization
    key = directory_key(organization)

    statuses = _at_once(lambda: Scim(organization, key).post("/Users", new_user()))

    assert statuses == [201, 409, 409]
    with activate(organization):
        assert DirectoryUser.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_patch_sent_three_times_at_once_applies_cleanly(world):
    organization = world.acme.organization
    key = directory_key(organization)
    user = created(Scim(organization, key))
    patch = [{"op": "replace", "path": "title", "value": "Lead"}]

    statuses = _at_once(lambda: Scim(organization, key).patch(f"/Users/{user['id']}", patch))

    assert statuses == [200, 200, 200]
    assert Scim(organization, key).get(f"/Users/{user['id']}").json()["title"] == "Lead"


@pytest.mark.django_db(transaction=True)
def test_two_patches_of_different_attributes_at_once_both_apply(world):
    organization = world.acme.organization
    key = directory_key(organization)
    user = created(Scim(organization, key))
    patches = iter(
        [
            [{"op": "replace", "path": "title", "value": "Lead"}],
            [{"op": "replace", "path": "displayName", "value": "Countess"}],
        ]
    )

    statuses = _at_once(
        lambda: Scim(organization, key).patch(f"/Users/{user['id']}", next(patches)), times=2
    )

    assert statuses == [200, 200]
    body = Scim(organization, key).get(f"/Users/{user['id']}").json()
    assert (body["title"], body["displayName"]) == ("Lead", "Countess")
