"""HR sees counts, dates, ratings and trends: never a note, a feedback text, a reflection,
a goal review's texts, a survey comment or an application's texts."""

import pytest

from tests.builders.clients import client_for
from tests.builders.hr import PRIVATE

from .endpoints import ENDPOINTS, endpoint_id, path_for


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=endpoint_id)
def test_no_private_text_appears_in_any_response(api, client, world, keys, filled, endpoint):
    path = path_for(endpoint, filled.acme)
    bodies = [
        api.get(path, keys.acme).content.decode(),
        api.get(path + "?page_size=500", keys.acme).content.decode(),
        api.csv(path, keys.acme),
    ]
    client_for(client, world.acme.organization, world.acme.hr)
    bodies.append(client.get(path, HTTP_ACCEPT="text/html").content.decode())
    assert len(bodies[2].splitlines()) > 1  # the rows are there, without their texts
    for body in bodies:
        assert PRIVATE not in body
