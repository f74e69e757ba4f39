"""Django started in a subprocess, with an environment the test chooses (deployment and
`make run` settings cannot be loaded twice in the test process)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_python(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - fixed arguments, our own interpreter
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def output_of(result: subprocess.CompletedProcess) -> str:
    return f"exit code {result.returncode}\n{result.stdout}\n{result.stderr}"


def printed_by_django(script: str, env: dict[str, str]) -> str:
    """The last line ``script`` prints once Django is set up with ``env``."""
    result = run_python("-c", f"import django; django.setup()\n{script}", env=env)
    assert result.returncode == 0, output_of(result)
    return result.stdout.strip().splitlines()[-1]
