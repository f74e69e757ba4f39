"""An independent OpenID Connect provider for the browser tests: panva's oidc-provider
(npm, pinned in ``tests/oidc_node/package-lock.json``) run by Node.js on loopback.

The first use installs it with ``npm ci`` when ``node_modules`` is missing (a fresh
clone). ``NODE`` is the node binary, or None when Node.js is not installed.
"""

from __future__ import annotations

import fcntl
import json
import os
import selectors
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

NODE_DIR = Path(__file__).resolve().parents[1] / "oidc_node"
NODE = shutil.which("node")
NPM = shutil.which("npm")


def install() -> None:
    """``npm ci`` in ``tests/oidc_node`` unless it was installed already. Under
    pytest-xdist two processes may get here at once: a file lock lets one install while
    the other waits, then finds it installed (two ``npm ci`` at once break each other)."""
    # Written after ``npm ci`` succeeds: a half-done install is not an installed one.
    installed = NODE_DIR / "node_modules" / ".installed"
    if installed.exists():
        return
    if NPM is None:
        raise RuntimeError("npm is not installed: it installs tests/oidc_node (npm ci)")
    with open(NODE_DIR / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if installed.exists():
            return
        subprocess.run(  # noqa: S603  (fixed arguments: npm ci)
            [NPM, "ci", "--no-audit", "--no-fund"],
            cwd=NODE_DIR,
            check=True,
            timeout=600,
            stdout=subprocess.DEVNULL,
        )
        installed.touch()


@contextmanager
def node_openid_provider(*, clients: list[dict], accounts: dict[str, dict]) -> Iterator[str]:
    """Run the provider with these clients and accounts (login -> claims); yield its issuer."""
    if NODE is None:
        raise RuntimeError("Node.js is not installed: it runs tests/oidc_node/server.mjs")
    install()
    config = json.dumps({"clients": clients, "accounts": accounts})
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(  # noqa: S603  (fixed arguments)
            [NODE, "server.mjs"],
            cwd=NODE_DIR,
            env={**os.environ, "OIDC_TEST_CONFIG": config},
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        try:
            yield _issuer(process, log)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _issuer(process: subprocess.Popen, log) -> str:
    """The "issuer <url>" line the server prints once it listens."""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if selector.select(timeout=30):
            line = process.stdout.readline()
            if line.startswith("issuer "):
                return line.split()[1]
    log.seek(0)
    raise RuntimeError(f"the node OpenID provider did not start: {log.read()[-2000:]}")
