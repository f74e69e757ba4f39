"""A fixed number of queries per request, whatever the page size or the number of rows:
each endpoint's count is pinned exactly, so a query saved is noticed as well as one added."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.builders.hr import allow_individual_progress, fill

from .endpoints import ENDPOINTS, LISTS, endpoint_id, path_for

# The whole request: the organization, the key, the page (or the figures) and what shapes it.
# Survey figures read the programs' dates (which periods are released), then the answers;
# the per-mentee progress endpoints read whether the organization allows them.
QUERIES = {
    "summary": 10,
    "programs": 9,
    "programs/<int:pk>": 9,
    "enrolments": 3,
    "mentorships": 3,
    "sessions": 3,
    "goals": 4,
    "goal-reviews": 4,
    "skill-progress": 5,
    "skill-progress/aggregates": 7,
    "feedback-statistics": 3,
    "surveys": 4,
}
# A CSV download is an export: one more query writes its audit event.
EXPORT_AUDIT = 1


def queries(api, path, key) -> int:
    api.get(path, key)  # warm: the key's last-used time is written once a minute
    with CaptureQueriesContext(connection) as captured:
        response = api.get(path, key)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured)


@pytest.fixture
def many(world):
    allow_individual_progress(world.acme)
    return fill(world.acme, 7)


def test_every_endpoint_has_a_pinned_count():
    assert set(QUERIES) == {endpoint_id(e) for e in ENDPOINTS}


@pytest.mark.parametrize("endpoint", LISTS, ids=endpoint_id)
def test_a_list_makes_as_many_queries_for_50_rows_as_for_5(api, keys, many, endpoint):
    small = queries(api, endpoint.path() + "?page_size=5", keys.acme)
    large = queries(api, endpoint.path() + "?page_size=50", keys.acme)
    rows = len(api.json(endpoint.path() + "?page_size=50", keys.acme)["results"])
    assert rows > 5, "the test needs more rows than the small page"
    assert (small, large) == (QUERIES[endpoint_id(endpoint)],) * 2


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=endpoint_id)
def test_an_endpoint_makes_as_many_queries_for_many_rows_as_for_few(api, world, keys, endpoint):
    allow_individual_progress(world.acme)
    few = fill(world.acme, 1)
    path = path_for(endpoint, few)
    before = queries(api, path, keys.acme)
    fill(world.acme, 6)
    after = queries(api, path, keys.acme)
    assert (before, after) == (QUERIES[endpoint_id(endpoint)],) * 2


@pytest.mark.parametrize("endpoint", LISTS, ids=endpoint_id)
def test_the_csv_export_makes_a_fixed_number_of_queries_per_chunk(api, keys, many, endpoint):
    # every row fits in one chunk here: the count must not grow with the rows
    count = queries(api, endpoint.path() + "?format=csv", keys.acme)
    assert count == QUERIES[endpoint_id(endpoint)] + EXPORT_AUDIT
