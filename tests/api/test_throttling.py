"""Each key has its own request budget; past it, 429 with Retry-After."""

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache


def clear_throttle_counters():
    """This run's throttle counters only (a shared Redis keeps everything else)."""
    client = cache._cache.get_client(write=True)
    prefix = django_settings.CACHES["default"]["KEY_PREFIX"]
    keys = list(client.scan_iter(f"{prefix}:*throttle_hr_api_*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def two_per_minute(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"hr_api": "2/min"},
    }
    clear_throttle_counters()
    yield
    clear_throttle_counters()


def test_a_key_over_its_rate_gets_429_with_retry_after(api, keys, two_per_minute):
    assert api.get("/api/v1/summary/", keys.acme).status_code == 200
    assert api.get("/api/v1/sessions/", keys.acme).status_code == 200
    response = api.get("/api/v1/sessions/", keys.acme)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    error = response.json()["error"]
    assert error["status"] == 429 and "throttled" in error["detail"].lower()


def test_another_key_has_its_own_budget(api, world, keys, two_per_minute):
    from tests.builders.hr import new_key

    for _ in range(2):
        api.get("/api/v1/summary/", keys.acme)
    assert api.get("/api/v1/summary/", keys.acme).status_code == 429
    assert api.get("/api/v1/summary/", new_key(world.acme)).status_code == 200
    globex = api.get("/api/v1/summary/", keys.globex, host="globex.localhost")
    assert globex.status_code == 200
