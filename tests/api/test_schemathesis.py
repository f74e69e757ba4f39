"""Property-based run of the published OpenAPI schema against the app (schemathesis):
for each operation, a few hundred generated requests, valid and invalid; no server error,
and every response, its status code and its content type as the schema documents them.

Run alone with ``make test PYTEST_ARGS="-m schemathesis"``.

(schemathesis' own pytest plugin does not run under pytest 9 yet, so each operation is
driven by Hypothesis directly, with the schema loaded through the Django app.)"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.builders.hr import new_key

from .endpoints import ENDPOINTS, endpoint_id

# Every test here is left out of `make test-fast` (-m "not schemathesis").
pytestmark = pytest.mark.schemathesis

HOST = "acme.localhost"
EXAMPLES_PER_MODE = 100  # valid and invalid requests: 200 per operation


@pytest.fixture
def in_test_transaction():
    """Serve through the plain WSGI handler without closing the test's database
    connection at the end of each request (Django's test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(world, filled, settings, in_test_transaction):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"hr_api": "1000000/min"},
    }
    return schemathesis.openapi.from_wsgi(
        "/api/schema/", get_wsgi_application(), headers={"Host": HOST}
    )


def test_the_schema_loads_through_the_app_with_every_operation(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {op.path for op in operations} == {
        "/" + e.route.replace("<int:pk>", "{id}") for e in ENDPOINTS
    }


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=endpoint_id)
def test_the_api_behaves_as_its_schema_says(api_schema, world, endpoint):
    operation = api_schema["/" + endpoint.route.replace("<int:pk>", "{id}")]["GET"]
    key = new_key(world.acme)
    strategy = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @given(case=strategy)
    @settings(
        max_examples=2 * EXAMPLES_PER_MODE,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def behaves(case):
        case.call_and_validate(
            base_url=f"http://{HOST}",
            headers={"Authorization": f"Bearer {key}"},
            checks=[
                not_a_server_error,
                status_code_conformance,
                content_type_conformance,
                response_schema_conformance,
            ],
        )

    behaves()
