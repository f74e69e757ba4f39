import pytest

from mentoring import hooks
from tests.builders.scim import Scim, directory_key


@pytest.fixture
def departures(monkeypatch):
    """The MEMBER_LEFT announcements made during the test: (organization, person, reason)."""
    heard = []

    def listen(*, organization, person, reason):
        heard.append((organization, person, reason))

    entries = [*hooks._registry[hooks.MEMBER_LEFT], (1000, 0, listen)]
    monkeypatch.setitem(hooks._registry, hooks.MEMBER_LEFT, entries)
    return heard


@pytest.fixture
def scim(world) -> Scim:
    """Requests to acme's SCIM endpoint with a directory-sync key of acme."""
    organization = world.acme.organization
    return Scim(organization, directory_key(organization))
