import pytest

from tests.builders.cohort import make_cohort


@pytest.fixture
def cohort(world):
    return make_cohort(world.acme)
