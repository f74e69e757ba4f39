"""Fixtures of the HR API tests: a key per organization, the API client, filled worlds."""

from types import SimpleNamespace

import pytest

from tests.builders.clients import Api
from tests.builders.hr import allow_individual_progress, fill, new_key


@pytest.fixture
def keys(world):
    return SimpleNamespace(acme=new_key(world.acme), globex=new_key(world.globex))


@pytest.fixture
def filled(world):
    """Both organizations with one program full of rows (and private texts), each letting
    HR see every mentee's progress, so that every endpoint has rows to read (the default,
    off, is tested in ``test_individual_progress``)."""
    allow_individual_progress(world.acme, world.globex)
    return SimpleNamespace(acme=fill(world.acme, 1), globex=fill(world.globex, 1))


@pytest.fixture
def api(client):
    return Api(client)
