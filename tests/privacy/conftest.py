"""Fixtures of the privacy tests: a person with a row of every kind around them."""

import pytest

from tests.builders.hr import fill
from tests.builders.person import OTHERS, build_person


@pytest.fixture
def erin(world):
    """Both organizations filled (other people's texts carry OTHERS), then acme's first
    mentee with a row of every kind."""
    fill(world.acme, 1, private=OTHERS)
    fill(world.globex, 1, private=OTHERS)
    build_person(world.globex)
    return build_person(world.acme)
