"""Only a directory sync key of the host's organization opens its SCIM endpoint, and it
opens nothing of another organization."""

from __future__ import annotations

import pytest
from django.test import Client

from mentoring.api.models import KeyPurpose
from mentoring.directory.models import DirectoryGroup, DirectoryUser
from mentoring.tenancy import activate
from tests.builders.scim import Scim, created, directory_key, new_user

GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"


@pytest.fixture
def acme(world) -> Scim:
    return Scim(world.acme.organization, directory_key(world.acme.organization))


@pytest.fixture
def globex(world) -> Scim:
    return Scim(world.globex.organization, directory_key(world.globex.organization))


def refused(response) -> bool:
    return (
        response.status_code == 401
        and response["WWW-Authenticate"] == 'Bearer realm="SCIM"'
        and response.json()["status"] == "401"
    )


def test_no_key_a_wrong_key_or_a_revoked_key_is_refused(world):
    organization = world.acme.organization
    key = directory_key(organization)
    with activate(organization):
        from mentoring.api.keys import api_key_revoke
        from mentoring.api.models import ApiKey

        api_key_revoke(organization=organization, api_key=ApiKey.objects.get())

    assert refused(Scim(organization, None).get("/Users"))
    assert refused(Scim(organization, "mntr_nope_nope").get("/Users"))
    assert refused(Scim(organization, key).get("/Users"))


def test_an_hr_api_key_does_not_open_scim_and_a_directory_key_does_not_open_the_hr_api(world):
    organization = world.acme.organization
    hr_key = directory_key(organization, purpose=KeyPurpose.HR_API)
    sync_key = directory_key(organization)

    assert refused(Scim(organization, hr_key).get("/Users"))
    hr_api = Client().get(
        "/api/v1/summary/", HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION=f"Bearer {sync_key}"
    )
    assert hr_api.status_code == 401


def test_a_key_of_another_organization_is_refused_on_this_host(world):
    globex_key = directory_key(world.globex.organization)

    assert refused(Scim(world.acme.organization, globex_key).get("/Users"))


def test_the_platform_root_host_has_no_scim_endpoint(world):
    key = directory_key(world.acme.organization)

    response = Scim(world.acme.organization, key, host="localhost").get("/Users")

    assert response.status_code == 404


def test_another_organizations_key_reads_and_changes_nothing_of_ours(acme, globex):
    ada = created(acme, "ada@acme.example")
    group = acme.post("/Groups", {"schemas": [GROUP], "displayName": "Mentors"}).json()
    user_path, group_path = f"/Users/{ada['id']}", f"/Groups/{group['id']}"

    assert globex.get(user_path).status_code == 404
    assert globex.get(group_path).status_code == 404
    assert globex.get("/Users").json()["totalResults"] == 0
    assert globex.get(f'/Users?filter=id eq "{ada["id"]}"').json()["totalResults"] == 0
    assert globex.put(user_path, new_user("ada@acme.example")).status_code == 404
    patch = [{"op": "replace", "path": "active", "value": False}]
    assert globex.patch(user_path, patch).status_code == 404
    assert globex.delete(user_path).status_code == 404
    assert globex.delete(group_path).status_code == 404
    own = globex.post("/Groups", {"schemas": [GROUP], "displayName": "Mentors"}).json()
    add = [{"op": "add", "path": "members", "value": [{"value": ada["id"]}]}]
    assert globex.patch(f"/Groups/{own['id']}", add).status_code == 400

    with activate(acme.organization):
        assert DirectoryUser.objects.get().active is True
        assert DirectoryGroup.objects.count() == 1


def test_the_same_user_name_in_two_organizations_is_two_separate_people(acme, globex):
    ours = created(acme, "ada@shared.example")
    theirs = created(globex, "ada@shared.example")

    assert ours["id"] != theirs["id"]
    assert acme.delete(f"/Users/{ours['id']}").status_code == 204
    assert globex.get(f"/Users/{theirs['id']}").status_code == 200


def test_changes_made_through_scim_are_logged_as_made_by_the_key(acme):
    from mentoring.audit.models import AuditEvent

    created(acme, "ada@acme.example")

    with activate(acme.organization):
        labels = set(AuditEvent.objects.values_list("actor_label", flat=True))
    assert "API key Entra ID" in labels
