"""Fixtures of the notification tests. ``workers`` starts real Celery workers
(``workers.start()``, see workers.py); every worker a test started is stopped when it
ends, passed or failed. ``broker`` turns eager mode off, so tasks this process sends (the
dispatcher's, the sweeper's) really go through Redis. ``pairs`` is a pair in each
organization with a session tomorrow."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from mentoring.tenancy import activate
from sessions.models import Session
from tests.builders.pair import Pair, make_pair
from tests.builders.world import build_world

from .workers import Broker, Workers, eager


def pytest_collection_modifyitems(config, items):
    """A test that starts real workers is a worker test, wherever it is: ``-m "not
    worker"`` (``make test-fast``) leaves it out."""
    for item in items:
        if "workers" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.worker)


@pytest.fixture
def workers(tmp_path, transactional_db) -> Iterator[Workers]:
    """Start real workers with ``workers.start()``; all are stopped when the test ends."""
    pool = Workers(tmp_path)
    try:
        yield pool
    finally:
        pool.stop_all()


@pytest.fixture
def broker() -> Iterator[Broker]:
    """Tasks sent by this process go to the real Redis (eager mode off for the test); the
    queue starts empty and is left empty."""
    real = Broker()
    real.lose_queued_tasks()  # tasks of an earlier run, restored from the Redis dump
    try:
        with eager(False):
            yield real
    finally:
        real.lose_queued_tasks()
        real.forget_unacknowledged()
        real.client.close()


@dataclass
class Pairs:
    acme: Pair
    globex: Pair

    def __iter__(self):
        return iter((self.acme, self.globex))


@pytest.fixture
def pairs(transactional_db) -> Pairs:
    """A pair in each organization, each with a session tomorrow. The world's own emails
    (applications approved, pairs published) are sent in this process while it is built."""
    with eager(True):
        world = build_world()
        built = Pairs(make_pair(world.acme), make_pair(world.globex))
    tomorrow = timezone.now() + timedelta(hours=20)
    for pair in built:
        organization = pair.org.organization
        with activate(organization):
            Session.objects.create(
                organization=organization,
                mentorship=pair.mentorship,
                starts_at=tomorrow,
                duration_minutes=60,
            )
    return built
