import pytest

from tests.sessions.conftest import Pair, make_pair


@pytest.fixture
def pair(world) -> Pair:
    return make_pair(world.acme)
