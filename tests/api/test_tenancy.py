"""The cross-tenant battery: every HR API route, whoever calls it and however."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mentoring.api.keys import api_key_create, api_key_revoke
from mentoring.api.models import ApiKey
from mentoring.tenancy import activate
from tests.builders.clients import client_for
from tests.builders.hr import new_key

from .endpoints import (
    ENDPOINTS,
    PUBLIC_ROUTES,
    WITH_ROWS,
    api_routes,
    csv_rows,
    endpoint_id,
    own_ids,
    path_for,
)

every_endpoint = pytest.mark.parametrize("endpoint", ENDPOINTS, ids=endpoint_id)


def test_every_api_route_is_in_the_cross_tenant_battery():
    routes = api_routes()
    assert routes - PUBLIC_ROUTES == {endpoint.route for endpoint in ENDPOINTS}
    assert all(route.startswith("api/v1/") for route in routes - PUBLIC_ROUTES)


@pytest.mark.parametrize(
    "endpoint", [e for e in ENDPOINTS if not e.detail_of], ids=endpoint_id
)  # an object by id of the other organization is a 404: the next tests
def test_a_key_of_one_organization_sees_none_of_the_other_organizations_rows(
    api, world, keys, filled, endpoint
):
    acme = api.json(path_for(endpoint, filled.acme), keys.acme)
    globex = api.json(endpoint.path(), keys.globex, host="globex.localhost")
    body = str(globex)
    assert world.acme.sentinel not in body
    if endpoint.has_rows:
        assert own_ids(acme), "the test needs rows of acme to look for"
        assert own_ids(globex), "and of globex"
        assert not own_ids(acme) & own_ids(globex)
    csv = api.csv(endpoint.path(), keys.globex, host="globex.localhost")
    assert world.acme.sentinel not in csv
    assert not own_ids(acme) & own_ids({"results": csv_rows(csv)})


def test_the_summary_counts_only_the_organizations_own_rows(api, world, keys, filled):
    acme = api.json("/api/v1/summary/", keys.acme)
    globex = api.json("/api/v1/summary/", keys.globex, host="globex.localhost")
    # make_pair programs and the filled program: the same shape in both organizations
    assert acme["programs"] == globex["programs"] == 1
    assert acme["active_mentorships"] == globex["active_mentorships"] == 4


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.detail_of], ids=endpoint_id)
def test_an_object_of_another_organization_is_not_found_with_its_id(api, keys, filled, endpoint):
    acme_path = path_for(endpoint, filled.acme)
    assert api.get(acme_path, keys.acme).status_code == 200
    response = api.get(acme_path, keys.globex, host="globex.localhost")
    assert response.status_code == 404
    assert response.json() == {
        "error": {"status": 404, "detail": "No such program in this organization."}
    }


def test_an_id_that_does_not_exist_is_not_found_either(api, keys):
    assert api.get("/api/v1/programs/999999999/", keys.acme).status_code == 404


@every_endpoint
def test_no_key_is_401_with_a_www_authenticate_header(api, world, filled, endpoint):
    response = api.get(path_for(endpoint, filled.acme))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"]["status"] == 401


@every_endpoint
def test_a_revoked_key_is_401(api, world, filled, endpoint):
    with activate(world.acme.organization):
        api_key, key = api_key_create(organization=world.acme.organization, name="Old")
        api_key_revoke(organization=world.acme.organization, api_key=api_key)
    response = api.get(path_for(endpoint, filled.acme), key)
    assert response.status_code == 401
    assert "revoked" in response.json()["error"]["detail"]


@every_endpoint
def test_an_expired_key_is_401(api, world, filled, endpoint):
    key = new_key(world.acme, expires_at=timezone.now() + timedelta(minutes=5))
    with activate(world.acme.organization):
        ApiKey.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = api.get(path_for(endpoint, filled.acme), key)
    assert response.status_code == 401


@every_endpoint
def test_a_key_is_refused_on_another_organizations_host(api, world, keys, filled, endpoint):
    response = api.get(path_for(endpoint, filled.acme), keys.acme, host="globex.localhost")
    assert response.status_code == 401
    response = api.get(endpoint.path(1), keys.acme, host="globex.localhost")
    assert response.status_code == 401


@every_endpoint
def test_a_malformed_authorization_header_is_401_and_says_how(api, world, filled, endpoint):
    response = api.client.get(
        path_for(endpoint, filled.acme), HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION="Token x"
    )
    assert response.status_code == 401
    assert "Bearer" in response.json()["error"]["detail"]


@every_endpoint
def test_an_hr_member_signed_in_can_read(client, world, filled, endpoint):
    client_for(client, world.acme.organization, world.acme.hr)
    response = client.get(path_for(endpoint, filled.acme), HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content[:300]


@every_endpoint
def test_a_mentee_signed_in_is_refused(client, world, filled, endpoint):
    client_for(client, world.acme.organization, world.acme.mentees[0])
    response = client.get(path_for(endpoint, filled.acme), HTTP_ACCEPT="application/json")
    assert response.status_code == 403
    assert "HR role" in response.json()["error"]["detail"]


@every_endpoint
def test_an_hr_member_of_another_organization_is_refused(client, world, filled, endpoint):
    client_for(client, world.globex.organization, world.globex.hr)
    response = client.get(
        path_for(endpoint, filled.acme), HTTP_HOST="acme.localhost", HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 401  # not a member here: as if nobody were signed in
    assert world.acme.sentinel not in response.content.decode()


@every_endpoint
def test_writes_are_refused(api, keys, filled, endpoint):
    path = path_for(endpoint, filled.acme)
    for method in ("post", "put", "patch", "delete"):
        response = getattr(api.client, method)(
            path, HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION=f"Bearer {keys.acme}"
        )
        assert response.status_code == 405, (method, response.status_code)


@pytest.mark.parametrize("endpoint", WITH_ROWS, ids=endpoint_id)
def test_the_browsable_page_renders_for_an_hr_member(client, world, filled, endpoint):
    client_for(client, world.acme.organization, world.acme.hr)
    response = client.get(path_for(endpoint, filled.acme), HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert world.globex.sentinel not in response.content.decode()


@pytest.mark.parametrize(
    "path", ["/api/v1/programs/-1/", "/api/v1/programs/abc/", "/api/v1/nothing/", "/api/v2/"]
)
def test_any_other_api_path_is_a_json_404(api, keys, path):
    response = api.get(path, keys.acme)
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404


def test_a_path_without_its_final_slash_says_so(api, keys):
    response = api.get("/api/v1/sessions", keys.acme)
    assert response.status_code == 404
    assert "/api/v1/sessions/" in response.json()["error"]["detail"]
