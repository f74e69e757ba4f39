"""Liveness and readiness: is the process up, and can it serve requests right now?

``readiness()`` checks PostgreSQL (``SELECT 1``), Redis (a cache read), the Celery broker
(a connection) and that no migration is waiting. No check reads tenant data. Each fails
fast: the connections carry short timeouts, and the migration check, which reads every
migration file, is remembered for ``READINESS_MIGRATIONS_CACHE_SECONDS``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import kombu
from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

logger = logging.getLogger(__name__)

OK = "ok"
PROBE_TIMEOUT_SECONDS = 2
# Remembered per database alias: (when it was checked, how many migrations were unapplied).
_migrations_checked: dict[str, tuple[float, int]] = {}
_migrations_lock = threading.Lock()


def check_database(connection) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        connection.close()  # the next probe connects afresh
        raise


def check_cache(cache) -> None:
    cache.get("readyz-probe")


def check_broker(broker_url: str, timeout: float = PROBE_TIMEOUT_SECONDS) -> None:
    options = {"socket_timeout": timeout, "socket_connect_timeout": timeout}
    with kombu.Connection(
        broker_url, connect_timeout=timeout, transport_options=options
    ) as connection:
        connection.ensure_connection(max_retries=1, timeout=int(timeout) or 1)
        connection.default_channel  # noqa: B018  (opening the channel talks to the broker)


def unapplied_migrations(connection) -> int:
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def check_migrations(connection, cache_seconds: float) -> None:
    alias = connection.alias
    now = time.monotonic()
    with _migrations_lock:
        checked = _migrations_checked.get(alias)
        if checked is None or now - checked[0] > cache_seconds:
            checked = (now, unapplied_migrations(connection))
            _migrations_checked[alias] = checked
    if checked[1]:
        raise RuntimeError(f"{checked[1]} migrations are not applied")


def readiness(
    *,
    database=None,
    migrations_database=None,
    cache=None,
    broker_url: str | None = None,
    migrations_cache_seconds: float | None = None,
) -> dict[str, str]:
    """{check: "ok" or what failed}; the defaults are the running platform's own (the
    migrations are read from ``database`` unless ``migrations_database`` is given)."""
    database = database if database is not None else connections["default"]
    migrations_database = migrations_database if migrations_database is not None else database
    cache = cache if cache is not None else caches["default"]
    broker_url = broker_url if broker_url is not None else settings.CELERY_BROKER_URL
    if migrations_cache_seconds is None:
        migrations_cache_seconds = settings.READINESS_MIGRATIONS_CACHE_SECONDS
    checks: dict[str, Callable[[], None]] = {
        "database": lambda: check_database(database),
        "redis": lambda: check_cache(cache),
        "broker": lambda: check_broker(broker_url),
        "migrations": lambda: check_migrations(migrations_database, migrations_cache_seconds),
    }
    states: dict[str, str] = {}
    for name, check in checks.items():
        if name == "migrations" and states["database"] != OK:
            states[name] = "unknown: the database is unreachable"
            continue
        try:
            check()
        except Exception as error:
            states[name] = f"failing: {type(error).__name__}"
            logger.warning("readiness: %s is failing (%s)", name, type(error).__name__)
        else:
            states[name] = OK
    return states


def is_ready(states: dict[str, str]) -> bool:
    return all(state == OK for state in states.values())
