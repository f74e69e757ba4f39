import pytest

from tests.builders.pair import Pair, make_pair


@pytest.fixture
def pair(world) -> Pair:
    return make_pair(world.acme)
