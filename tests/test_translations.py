"""The German catalogue is complete: every string the code marks for translation is in
locale/de, translated and not fuzzy, and the compiled catalogue the application reads is the
one the source catalogue gives. CI runs this with the rest of the suite."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")
SOURCES = ("mentoring", "programs", "matching", "sessions", "feedback", "templates", "static")
IGNORED = (".venv/*", "tests/*", "bench/*", "docs/*", "node_modules/*")  # as `make messages`


def msgids(catalogue: Path) -> set[tuple[str, str]]:
    """(context, msgid) of every live entry, from ``msgcat``'s one-line-per-entry output."""
    command = ["msgcat", "--no-wrap", "--no-location", "--sort-output", str(catalogue)]
    # GNU gettext, which Django's makemessages needs too; fixed arguments.
    flat = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    entries = set()
    context = ""
    for line in flat.splitlines():
        if line.startswith("msgctxt "):
            context = line[len("msgctxt ") :]
        elif line.startswith("msgid ") and line != 'msgid ""':
            entries.add((context, line[len("msgid ") :]))
            context = ""
        elif line.startswith("msgid "):
            context = ""
    return entries


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    """The catalogue ``makemessages`` makes from today's code, in a copy of the tree (so the
    real catalogue is never rewritten by the test)."""
    copy = tmp_path_factory.mktemp("tree")
    for name in SOURCES:
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    (copy / "locale" / "de" / "LC_MESSAGES").mkdir(parents=True)
    ignores = [argument for pattern in IGNORED for argument in ("--ignore", pattern)]
    subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "makemessages", "-l", "de", "--no-obsolete", *ignores],
        cwd=copy,
        env={**os.environ, "PYTHONPATH": str(copy)},
        check=True,
        capture_output=True,
    )
    return copy / "locale" / "de" / "LC_MESSAGES" / "django.po"


def test_every_string_marked_in_the_code_is_in_the_german_catalogue(extracted):
    missing = msgids(extracted) - msgids(CATALOGUE)
    assert not missing, (
        f"{len(missing)} marked strings are not in {CATALOGUE.relative_to(ROOT)}, e.g. "
        f"{sorted(missing)[:5]}. Run `make messages` and translate them."
    )


def test_the_german_catalogue_holds_no_string_the_code_no_longer_marks(extracted):
    stale = msgids(CATALOGUE) - msgids(extracted)
    assert not stale, f"Strings no longer in the code: {sorted(stale)[:5]}. Run `make messages`."


def test_every_entry_of_the_german_catalogue_is_translated_and_none_is_fuzzy():
    command = ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(CATALOGUE)]
    report = subprocess.run(command, capture_output=True, text=True)  # noqa: S603
    assert report.returncode == 0, report.stderr
    assert re.fullmatch(r"\d+ translated messages\.\n", report.stderr), report.stderr


def test_the_compiled_catalogue_is_the_source_catalogue_compiled(tmp_path):
    compiled = tmp_path / "django.mo"
    msgfmt = ["msgfmt", "-o", str(compiled), str(CATALOGUE)]
    subprocess.run(msgfmt, check=True)  # noqa: S603 - fixed arguments, GNU gettext
    assert compiled.read_bytes() == COMPILED.read_bytes(), (
        "locale/de/LC_MESSAGES/django.mo is older than django.po: run `make messages`."
    )
