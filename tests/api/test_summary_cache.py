"""The organization summary is computed once a minute per organization, never shared."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mentoring.tenancy import activate
from sessions.models import Session
from tests.builders.hr import fill

pytestmark = pytest.mark.usefixtures("_summary_cached")


@pytest.fixture
def _summary_cached(settings):
    settings.HR_API_SUMMARY_CACHE_SECONDS = 60


def hold_one_more_session(org, filled):
    with activate(org.organization):
        Session.objects.create(
            mentorship=filled.mentorships[0],
            status="held",
            starts_at=timezone.now() - timedelta(days=1),
        )


def test_a_second_summary_within_the_minute_is_served_without_recomputing(api, world, keys):
    filled = fill(world.acme, 1)
    first = api.json("/api/v1/summary/", keys.acme)
    hold_one_more_session(world.acme, filled)
    with CaptureQueriesContext(connection) as captured:
        second = api.json("/api/v1/summary/", keys.acme)
    assert second == first
    # the key's organization and the key itself (its last use was written a moment ago);
    # no figure is read again
    assert len(captured) == 2, [query["sql"][:120] for query in captured]


def test_the_summary_shows_new_figures_once_the_minute_is_over(api, world, keys):
    filled = fill(world.acme, 1)
    before = api.json("/api/v1/summary/", keys.acme)
    hold_one_more_session(world.acme, filled)
    cache.delete(f"hr-summary:{world.acme.organization.pk}")  # what the minute does
    after = api.json("/api/v1/summary/", keys.acme)
    assert after["sessions_held_30d"] == before["sessions_held_30d"] + 1


def test_each_organization_gets_its_own_cached_figures(api, world, keys):
    fill(world.acme, 2)
    fill(world.globex, 1)
    acme = api.json("/api/v1/summary/", keys.acme)
    globex = api.json("/api/v1/summary/", keys.globex, host="globex.localhost")
    assert (acme["programs"], globex["programs"]) == (2, 1)
    assert globex["active_mentorships"] < acme["active_mentorships"]
