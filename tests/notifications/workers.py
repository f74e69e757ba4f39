"""Real Celery workers for the notification tests: a separate process consuming from the
real Redis and writing to the test database, as in production.

``Workers.start()`` runs ``celery -A mentoring worker --pool solo`` with the test
database's name in DATABASE_URL / DATABASE_OWNER_URL and emails written as files into
``mail_dir``. ``Broker`` is the real Redis broker as the workers see it, and ``eager``
turns Celery's eager mode on or off for a block. The fixtures are in conftest.py.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import redis
from celery.utils.nodenames import anon_nodename
from django.conf import settings
from django.db import connection

from mentoring import celery_app

ROOT = Path(__file__).resolve().parents[2]
QUEUE = "celery"  # the default queue: the list key of that name in the broker's db
SEPARATOR = b"\n" + b"-" * 79 + b"\n"  # what Django's file backend writes after each message
READY_SECONDS = 45


def wait_until(condition: Callable[[], object], what: str, timeout: float = 20, workers=None):
    """Poll ``condition`` until it is true; fail with the workers' output if it never is."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.05)
    logs = workers.output() if workers is not None else ""
    raise AssertionError(f"timed out after {timeout} s waiting for {what}\n{logs}")


def _with_database(url: str, name: str) -> str:
    """The same server, role and options (``?host=`` for a unix socket), another database."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def delivered(mail_dir: Path) -> list[Message]:
    """Every email the workers wrote into ``mail_dir`` (Django's file backend), parsed
    with the modern policy: headers come unfolded and decoded."""
    messages = []
    for path in sorted(mail_dir.glob("*.log")):
        for chunk in path.read_bytes().split(SEPARATOR):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk, policy=email.policy.default))
    return messages


@dataclass
class Worker:
    process: subprocess.Popen
    name: str
    log: Path

    def output(self) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return f"--- worker {self.name} (exit {self.process.poll()}) ---\n{text[-6000:]}"

    def kill(self) -> None:
        """SIGKILL the worker's whole process group: no shutdown, no acknowledgement."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """Warm shutdown (the task in hand finishes first); SIGKILL if it takes too long."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()


class Workers:
    """The worker processes of one test, all writing their emails into ``mail_dir``."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.mail_dir = tmp_path / "mail"
        self.mail_dir.mkdir()
        self.started: list[Worker] = []

    def environment(self, *, slow_mail_seconds: float | None, lease_seconds: int | None) -> dict:
        database = connection.settings_dict["NAME"]  # the test database, known only now
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "mentoring.settings.test",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DATABASE_URL": _with_database(os.environ["DATABASE_URL"], database),
            "DATABASE_OWNER_URL": _with_database(
                os.environ.get("DATABASE_OWNER_URL", os.environ["DATABASE_URL"]), database
            ),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "PYTHONUNBUFFERED": "1",
        }
        if slow_mail_seconds is not None:
            env["EMAIL_BACKEND"] = "tests.notifications.failing_backend.SlowFileBackend"
            env["SLOW_MAIL_SECONDS"] = str(slow_mail_seconds)
        if lease_seconds is not None:
            env["NOTIFICATION_LEASE_SECONDS"] = str(lease_seconds)
        return env

    def start(
        self, *, slow_mail_seconds: float | None = None, lease_seconds: int | None = None
    ) -> Worker:
        """Start a worker and return once it answers a ping through the broker."""
        name = f"notifications-{uuid.uuid4().hex[:8]}@test"
        log = self.tmp_path / f"{name.split('@')[0]}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(  # noqa: S603 (a fixed command line)
                [
                    *(sys.executable, "-m", "celery", "-A", "mentoring", "worker"),
                    *("--pool", "solo", "--concurrency", "1", "-l", "WARNING"),
                    *("-n", name, "-Q", QUEUE),
                    *("--without-mingle", "--without-gossip", "--without-heartbeat"),
                ],
                cwd=ROOT,
                env=self.environment(
                    slow_mail_seconds=slow_mail_seconds, lease_seconds=lease_seconds
                ),
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: killpg reaches every child
            )
        worker = Worker(process, name, log)
        self.started.append(worker)

        def answers() -> bool:
            if process.poll() is not None:
                raise AssertionError(f"the worker exited during start-up\n{worker.output()}")
            return bool(celery_app.control.ping(destination=[name], timeout=0.3))

        wait_until(answers, f"worker {name} to answer a ping", READY_SECONDS, self)
        return worker

    def output(self) -> str:
        return "\n".join(worker.output() for worker in self.started)

    def stop_all(self) -> None:
        for worker in self.started:
            try:
                worker.stop()
            except Exception:  # keep stopping the others
                if worker.process.poll() is None:
                    os.killpg(worker.process.pid, signal.SIGKILL)


@contextmanager
def eager(value: bool):
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = value
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = previous


class Broker:
    """The real Redis broker, as the workers see it."""

    def __init__(self) -> None:
        self.client = redis.Redis.from_url(settings.CELERY_BROKER_URL)

    def queued(self) -> int:
        return self.client.llen(QUEUE)

    def lose_queued_tasks(self) -> None:
        """What a Redis restart without persistence does to the queue. Only the queue's
        own key goes, never FLUSHDB: the Redis may be shared."""
        self.client.delete(QUEUE)

    def unacknowledged(self) -> list[bytes]:
        """Delivery tags of messages this process published that a worker took and never
        acknowledged (kombu keeps them in its ``unacked`` hash)."""
        origin = anon_nodename()  # the "origin" header of every task this process sends
        return [
            tag
            for tag, raw in self.client.hscan_iter("unacked")
            if json.loads(raw)[0].get("headers", {}).get("origin") == origin
        ]

    def forget_unacknowledged(self) -> None:
        """A killed worker's task stays unacknowledged, and any worker restores it after
        the visibility timeout, in this run or a later one reading the same Redis dump.
        Remove the entries of the tasks this process sent, and no others."""
        for tag in self.unacknowledged():
            self.client.zrem("unacked_index", tag)
            self.client.hdel("unacked", tag)
