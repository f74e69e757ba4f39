"""SCIM Groups over HTTP: created with members, members added and removed as Entra ID and
Okta patch them, renamed, filtered, deleted."""

from __future__ import annotations

from tests.builders.scim import created

GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"


def new_group(scim, name="Mentors", members=()) -> dict:
    body = {"schemas": [GROUP], "displayName": name, "members": [{"value": m} for m in members]}
    response = scim.post("/Groups", body)
    assert response.status_code == 201, response.content
    return response.json()


def member_ids(scim, group) -> list[str]:
    body = scim.get(f"/Groups/{group['id']}").json()
    return sorted(member["value"] for member in body.get("members", []))


def test_a_group_is_created_with_its_members_and_they_see_it(scim):
    ada = created(scim, "ada@acme.example")

    group = new_group(scim, members=[ada["id"]])

    assert group["members"] == [
        {"value": ada["id"], "$ref": f"http://acme.localhost/scim/v2/Users/{ada['id']}"}
    ]
    groups_of_ada = scim.get(f"/Users/{ada['id']}").json()["groups"]
    assert [g["display"] for g in groups_of_ada] == ["Mentors"]


def test_entra_adds_and_removes_members_one_patch_at_a_time(scim):
    ada, grace = created(scim, "ada@acme.example"), created(scim, "grace@acme.example")
    group = new_group(scim, members=[ada["id"]])
    path = f"/Groups/{group['id']}"

    added = scim.patch(path, [{"op": "Add", "path": "members", "value": [{"value": grace["id"]}]}])
    removed = scim.patch(
        path, [{"op": "Remove", "path": "members", "value": [{"value": ada["id"]}]}]
    )

    assert added.status_code == removed.status_code == 200, removed.content
    assert member_ids(scim, group) == [grace["id"]]


def test_okta_removes_a_member_by_filter_and_renames_the_group(scim):
    ada, grace = created(scim, "ada@acme.example"), created(scim, "grace@acme.example")
    group = new_group(scim, members=[ada["id"], grace["id"]])

    response = scim.patch(
        f"/Groups/{group['id']}",
        [
            {"op": "remove", "path": f'members[value eq "{ada["id"]}"]'},
            {"op": "replace", "value": {"displayName": "Coaches"}},
        ],
    )

    assert response.status_code == 200, response.content
    assert response.json()["displayName"] == "Coaches"
    assert member_ids(scim, group) == [grace["id"]]


def test_a_member_that_is_no_user_here_is_refused(scim):
    group = new_group(scim)

    response = scim.patch(
        f"/Groups/{group['id']}",
        [{"op": "add", "path": "members", "value": [{"value": "not-a-user"}]}],
    )

    assert response.status_code == 400, response.content
    assert member_ids(scim, group) == []


def test_groups_are_found_by_name_and_member(scim):
    ada, grace = created(scim, "ada@acme.example"), created(scim, "grace@acme.example")
    new_group(scim, "Mentors", members=[ada["id"], grace["id"]])
    new_group(scim, "Mentees")

    def names(query):
        return [g["displayName"] for g in scim.get(f"/Groups?{query}").json()["Resources"]]

    assert names('filter=displayName eq "mentees"') == ["Mentees"]
    assert names(f'filter=members.value eq "{ada["id"]}"') == ["Mentors"]
    either = f'members.value eq "{ada["id"]}" or members.value eq "{grace["id"]}"'
    assert names(f"filter={either}") == ["Mentors"]


def test_a_replaced_group_has_exactly_the_members_sent(scim):
    ada, grace = created(scim, "ada@acme.example"), created(scim, "grace@acme.example")
    group = new_group(scim, members=[ada["id"]])

    response = scim.put(
        f"/Groups/{group['id']}",
        {"schemas": [GROUP], "displayName": "Mentors", "members": [{"value": grace["id"]}]},
    )

    assert response.status_code == 200, response.content
    assert member_ids(scim, group) == [grace["id"]]


def test_a_deleted_group_is_gone_and_its_members_stay(scim):
    ada = created(scim, "ada@acme.example")
    group = new_group(scim, members=[ada["id"]])

    assert scim.delete(f"/Groups/{group['id']}").status_code == 204
    assert scim.get(f"/Groups/{group['id']}").status_code == 404
    assert scim.get(f"/Users/{ada['id']}").status_code == 200
