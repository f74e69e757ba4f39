"""What HR sees of each mentee's progress is the organization's choice: off by default,
the per-mentee endpoints (skill-progress, goals, goal-reviews) answer 403 and say where the
figures are, while the aggregates stay open; a manager turns it on in the organization
settings, for that organization only."""

from types import SimpleNamespace

import pytest
from django.test import Client

from mentoring.tenancy import activate
from mentoring.tenancy.models import Organization
from tests.builders.clients import client_for
from tests.builders.hr import fill

INDIVIDUAL = ("/api/v1/skill-progress/", "/api/v1/goals/", "/api/v1/goal-reviews/")
SETTINGS = "/admin/organization-settings/"


@pytest.fixture
def rows(world):
    """Both organizations with one program full of rows, as they are by default."""
    return SimpleNamespace(acme=fill(world.acme, 1), globex=fill(world.globex, 1))


@pytest.mark.parametrize("path", INDIVIDUAL)
@pytest.mark.parametrize("as_csv", [False, True], ids=["json", "csv"])
def test_by_default_hr_reads_no_mentees_ratings_goals_or_reviews(
    api, world, keys, rows, path, as_csv
):
    response = api.get(path + ("?format=csv" if as_csv else ""), keys.acme)
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["status"] == 403
    assert "does not let HR see each mentee's progress" in error["detail"]
    assert "/api/v1/skill-progress/aggregates/" in error["detail"]
    assert world.acme.sentinel not in response.content.decode()  # no goal statement


def test_an_hr_person_signed_in_is_refused_the_same(world, rows):
    hr = client_for(Client(), world.acme.organization, world.acme.hr)
    for path in INDIVIDUAL:
        assert hr.get(path, HTTP_ACCEPT="application/json").status_code == 403


def test_the_aggregates_stay_open_by_default(api, keys, rows):
    for path in ("/api/v1/skill-progress/aggregates/", "/api/v1/summary/", "/api/v1/programs/"):
        assert api.get(path, keys.acme).status_code == 200


def test_a_manager_lets_hr_see_each_mentees_progress_for_their_organization_only(
    api, world, keys, rows
):
    manager = client_for(Client(), world.acme.organization, world.acme.manager)
    page = manager.get(SETTINGS).content.decode()
    assert "HR may see each mentee" in page
    response = manager.post(SETTINGS, {"hr_sees_individual_progress": "on"})
    assert response.status_code == 302
    assert Organization.objects.get(pk=world.acme.organization.pk).hr_sees_individual_progress
    for path in INDIVIDUAL:
        assert api.json(path, keys.acme)["results"]
        globex = api.get(path, keys.globex, host="globex.localhost")
        assert globex.status_code == 403  # globex has not chosen it
    goals = api.json("/api/v1/goals/", keys.acme)["results"]
    assert goals[0]["statement"] == f"Speak up in planning {world.acme.sentinel}"
    progress = api.json("/api/v1/skill-progress/", keys.acme)["results"]
    assert progress[0]["person_id"] and progress[0]["ratings"]


def test_the_default_is_off_for_a_new_organization(world):
    assert not Organization.objects.get(pk=world.acme.organization.pk).hr_sees_individual_progress
    with activate(world.globex.organization):
        assert not world.globex.organization.hr_sees_individual_progress
