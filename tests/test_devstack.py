"""`make run`: this installation's own keys, made once in .dev/ and reused, never the
published constant; and links in emails that name the port it serves on.

No server starts here: the tests call what `devstack.run` calls, in a temporary .dev/,
and load the development settings in a subprocess with the environment it builds.
"""

import json
import socket
import stat

import pytest
from cryptography.fernet import Fernet

from mentoring import devstack
from tests.builders.devstack import (
    FROM_THE_DEVELOPER,
    PUBLISHED_KEY,
    SERVICES,
    make_run_environment,
)
from tests.builders.processes import printed_by_django


@pytest.fixture(autouse=True)
def _nothing_set_by_the_developer(monkeypatch):
    for name in FROM_THE_DEVELOPER:
        monkeypatch.delenv(name, raising=False)


def development_settings(env: dict[str, str]) -> dict:
    script = (
        "import json; from django.conf import settings; print(json.dumps("
        "{'SECRET_KEY': settings.SECRET_KEY, 'keys': settings.FIELD_ENCRYPTION_KEYS}))"
    )
    return json.loads(printed_by_django(script, env))


def test_make_run_makes_the_installation_keys_once_and_reuses_them_on_later_runs(tmp_path):
    first = devstack.installation_secrets(tmp_path)
    assert devstack.installation_secrets(tmp_path) == first

    assert first["SECRET_KEY"] != PUBLISHED_KEY and len(first["SECRET_KEY"]) >= 50
    Fernet(first["FIELD_ENCRYPTION_KEYS"])  # a usable encryption key
    for path in tmp_path.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path  # its owner's only
    other_installation = devstack.installation_secrets(tmp_path / "other-clone")
    assert other_installation["SECRET_KEY"] != first["SECRET_KEY"]
    assert other_installation["FIELD_ENCRYPTION_KEYS"] != first["FIELD_ENCRYPTION_KEYS"]


def test_the_processes_of_make_run_sign_and_encrypt_with_the_installation_keys(tmp_path):
    loaded = development_settings(make_run_environment(tmp_path))
    kept = devstack.installation_secrets(tmp_path)
    assert loaded["SECRET_KEY"] == kept["SECRET_KEY"] != PUBLISHED_KEY
    assert loaded["keys"] == [kept["FIELD_ENCRYPTION_KEYS"]]


def test_keys_set_in_the_environment_win_over_the_installation_keys(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "chosen-by-the-developer-" + "x" * 40)
    env = devstack.app_environment(SERVICES, 8000, tmp_path)
    assert development_settings(env)["SECRET_KEY"] == "chosen-by-the-developer-" + "x" * 40


LINK = (
    "from mentoring.tenancy.hosts import organization_link\n"
    "from mentoring.tenancy.models import Organization\n"
    "print(organization_link(Organization(slug='acme'), 'notification_preferences', token='t'))"
)


def test_links_in_emails_name_the_port_make_run_serves_on(tmp_path, monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    port = devstack.web_port()
    assert port == 8123
    assert "0.0.0.0:8123" in devstack.processes(port)["web"]
    env = make_run_environment(tmp_path, port)
    assert printed_by_django(LINK, env) == "http://acme.localhost:8123/notifications/t/"


def test_make_run_serves_on_a_free_port_when_the_usual_one_is_taken(monkeypatch):
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))  # noqa: S104 - as runserver listens
        taken.listen()
        usual = taken.getsockname()[1]
        monkeypatch.setattr(devstack, "DEFAULT_PORT", usual)
        port = devstack.web_port()
    assert port != usual
    with socket.socket() as probe:
        probe.bind(("0.0.0.0", port))  # noqa: S104 - free to serve on


UNKNOWN_PAGE = (
    "from django.test import Client\n"
    "print(repr(Client().get('/no-such-page/', HTTP_HOST='localhost').content[:20000]))"
)


def test_development_keeps_the_technical_not_found_page(tmp_path):
    """The page production never shows (tests/test_deployment.py) helps in development."""
    page = printed_by_django(UNKNOWN_PAGE, make_run_environment(tmp_path))
    assert "URLconf" in page and "admin/" in page


def _parts_answering(monkeypatch, codes: dict[str, int]) -> list[list[str]]:
    """Each suite part's pytest answers with its code from ``codes`` (keyed by its -m
    expression); returns the argument lists it was called with."""
    calls = []

    def pytest_part(env, args):
        calls.append(args)
        return codes[args[args.index("-m") + 1]]

    monkeypatch.setattr(devstack, "_pytest", pytest_part)
    return calls


PARALLEL, SERIAL = (part[part.index("-m") + 1] for _name, part in devstack.SUITE_PARTS)


def test_make_test_runs_the_real_worker_tests_apart_from_the_parallel_part(monkeypatch):
    calls = _parts_answering(monkeypatch, {PARALLEL: 0, SERIAL: 0})
    assert devstack._suite({}, ["--durations=5"]) == 0
    assert calls[0][:2] == ["-n", "2"] and "worker" in calls[1][calls[1].index("-m") + 1]
    assert all(call[-1] == "--durations=5" for call in calls)


def test_make_test_fails_when_either_part_fails(monkeypatch):
    _parts_answering(monkeypatch, {PARALLEL: 0, SERIAL: 1})
    assert devstack._suite({}, []) == 1
    _parts_answering(monkeypatch, {PARALLEL: 1, SERIAL: 0})
    assert devstack._suite({}, []) == 1


def test_the_whole_suite_fails_when_a_part_collects_no_tests(monkeypatch):
    _parts_answering(monkeypatch, {PARALLEL: 0, SERIAL: devstack.NO_TESTS})
    assert devstack._suite({}, []) == 1


def test_arguments_that_pick_tests_of_one_part_leave_the_other_part_empty(monkeypatch):
    _parts_answering(monkeypatch, {PARALLEL: 0, SERIAL: devstack.NO_TESTS})
    assert devstack._suite({}, ["tests/browser"]) == 0
    _parts_answering(monkeypatch, {PARALLEL: devstack.NO_TESTS, SERIAL: devstack.NO_TESTS})
    assert devstack._suite({}, ["-k", "no-such-test"]) == 1
