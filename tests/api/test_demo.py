"""HR can pull every figure of both demo organizations with a key (each mentee's progress
only where the organization allows it: the demo keeps the default, off)."""

from io import StringIO

import pytest
from django.core.management import call_command

from mentoring.tenancy.models import Organization

from .endpoints import ENDPOINTS, endpoint_id

INDIVIDUAL = ("skill-progress/", "goals/", "goal-reviews/")


@pytest.fixture
def demo_keys(db):
    call_command("seed_demo", stdout=StringIO())
    keys = {}
    for organization in Organization.objects.filter(slug__in=["acme", "globex"]):
        out = StringIO()
        call_command("create_api_key", organization.slug, "--name", "BI", stdout=out)
        keys[organization.slug] = out.getvalue().splitlines()[-1]
    return keys


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=endpoint_id)
def test_every_endpoint_answers_for_both_demo_organizations(api, demo_keys, endpoint):
    assert set(demo_keys) == {"acme", "globex"}
    for slug, key in demo_keys.items():
        host = f"{slug}.localhost"
        path = endpoint.path()
        if endpoint.detail_of:
            first = api.json("/api/v1/programs/", key, host)["results"][0]
            path = endpoint.path(first["id"])
        if endpoint.route.endswith(INDIVIDUAL):
            assert api.get(path, key, host).status_code == 403
            assert api.get(path + "?format=csv", key, host).status_code == 403
            continue
        data = api.json(path, key, host)
        if endpoint.route.endswith(("programs/", "enrolments/", "mentorships/")):
            assert data["results"], (slug, path)
        assert api.get(path + "?format=csv", key, host).status_code == 200


def test_the_demo_serves_each_mentees_progress_once_the_organization_allows_it(api, demo_keys):
    Organization.objects.filter(slug="acme").update(hr_sees_individual_progress=True)
    for route in INDIVIDUAL:
        assert api.json(f"/api/v1/{route}", demo_keys["acme"], "acme.localhost")["results"]
        globex = api.get(f"/api/v1/{route}", demo_keys["globex"], "globex.localhost")
        assert globex.status_code == 403


def test_the_demo_summary_has_people_and_pairs(api, demo_keys):
    for slug, key in demo_keys.items():
        summary = api.json("/api/v1/summary/", key, f"{slug}.localhost")
        assert summary["programs"] >= 3
        assert summary["people_enrolled"]["mentors"] > 0
        assert summary["matched_mentees"] > 0 and summary["active_mentorships"] > 0
