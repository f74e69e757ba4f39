"""The test world: real PostgreSQL, with the application connected as its non-owner role.

The test database is created and migrated as the owner (like production's migrate),
then ``default`` reconnects as the application role, so row-level security applies
to every test exactly as it does to the running platform.
"""

import contextlib
import os

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.utils import translation

from tests.builders.world import World, build_world


def pytest_configure(config):
    """Under pytest-xdist each worker has its own cache keys, as it has its own database
    (pytest-django names it ``…_gw0``, ``…_gw1``): ``_clear_cache`` empties this worker's
    keys only, never the rate-limit counters of a test running beside it."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        settings.CACHES["default"]["KEY_PREFIX"] += f"-{worker}"
        with contextlib.suppress(AttributeError):  # not built yet: nothing to forget
            del caches["default"]  # built again, with the prefix, on first use


def _connect_default_as(user: str, password: str) -> None:
    connection = connections["default"]
    connection.close()
    connection.settings_dict["USER"] = user
    connection.settings_dict["PASSWORD"] = password


_app_credentials: dict[str, str] = {}


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Connect as the owner to create and migrate the test database (pytest-django's
    own fixture, replaced here, adds the pytest-xdist suffix to its name: so does this)."""
    default, owner = settings.DATABASES["default"], settings.DATABASES["owner"]
    assert default["USER"] != owner["USER"], "DATABASE_URL must name the app role, not the owner"
    _app_credentials.update(user=default["USER"], password=default.get("PASSWORD", ""))
    _connect_default_as(owner["USER"], owner["PASSWORD"])


# Every test rolls its rows back, so the tables look empty whenever autovacuum looks:
# with "analyzed and empty" statistics PostgreSQL plans joins of tables the test has
# filled as nested loops over whole tables, and one such join ran for minutes. Unanalyzed
# tables are estimated from their real size instead.
NO_AUTOVACUUM = """
DO $$ DECLARE t record; BEGIN
  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() LOOP
    EXECUTE format('ALTER TABLE %I SET (autovacuum_enabled = false)', t.tablename);
  END LOOP;
END $$
"""


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), connections["owner"].cursor() as cursor:
        cursor.execute(NO_AUTOVACUUM)
    owner = connections["owner"].settings_dict
    _connect_default_as(_app_credentials["user"], _app_credentials["password"])
    yield
    connections.close_all()
    _connect_default_as(owner["USER"], owner["PASSWORD"])


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters live in the real Redis cache: every test starts from zero.

    Only this run's keys go (the prefix carries the run id): a shared Redis keeps the rest.
    """
    from django.core.cache import cache

    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(f"{settings.CACHES['default']['KEY_PREFIX']}:*"))
    if keys:
        client.delete(*keys)
    yield
    # A request in German (Django's LocaleMiddleware keeps the browser's language active
    # in the thread) must not make the next test's figures read "3,7".
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def world(db) -> World:
    """Two organizations (acme, globex), each with a manager, HR, mentors and mentees."""
    return build_world()


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run the on-commit side effects (emails) of the block, as a real commit would."""
    return django_capture_on_commit_callbacks(execute=True)
