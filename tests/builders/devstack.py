"""What the processes of `make run` are given, built in a temporary .dev/ (no server)."""

from pathlib import Path

import pytest

from mentoring import devstack

PUBLISHED_KEY = "development-only-not-secret"  # development settings' old fallback key
SERVICES = {
    "DATABASE_URL": "postgres://mentoring_app@127.0.0.1:5432/mentoring",
    "DATABASE_OWNER_URL": "postgres://postgres@127.0.0.1:5432/mentoring",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}
# Variables `make run` takes from the developer's environment when they are set.
FROM_THE_DEVELOPER = ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "SITE_PORT", "PORT")


def make_run_environment(dev: Path, port: int = devstack.DEFAULT_PORT) -> dict[str, str]:
    """The environment `make run` gives web, worker and beat, with its .dev/ in ``dev``,
    for a developer whose environment sets none of FROM_THE_DEVELOPER."""
    with pytest.MonkeyPatch.context() as environment:
        for name in FROM_THE_DEVELOPER:
            environment.delenv(name, raising=False)
        return devstack.app_environment(SERVICES, port, dev)
