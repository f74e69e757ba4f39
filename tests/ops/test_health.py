"""/healthz and /readyz answer on any host, before tenancy, without sessions or tenant rows."""

import socket

import pytest
from django.db import connection
from django.test import Client

from mentoring.ops import health

pytestmark = pytest.mark.django_db

HOSTS = ["acme.localhost", "localhost", "no-such-organization.localhost", "evil.example"]


@pytest.mark.parametrize("host", HOSTS)
def test_healthz_says_ok_on_any_host_and_is_never_cached(world, host):
    response = Client().get("/healthz", HTTP_HOST=host)
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Cache-Control"] == "no-store"
    assert "sessionid" not in response.cookies


def test_healthz_asks_nothing_of_the_database(world, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert Client().get("/healthz", HTTP_HOST="acme.localhost").status_code == 200


@pytest.mark.parametrize("host", HOSTS)
def test_readyz_names_every_check_and_says_ready_on_any_host(world, host):
    response = Client().get("/readyz", HTTP_HOST=host)
    assert response.status_code == 200, response.content
    assert response["Cache-Control"] == "no-store"
    assert response.json() == {
        "ready": True,
        "checks": {"database": "ok", "redis": "ok", "broker": "ok", "migrations": "ok"},
    }


def test_readyz_polled_often_costs_one_query_once_the_migrations_were_checked(
    world, django_assert_num_queries
):
    Client().get("/readyz", HTTP_HOST="localhost")
    with django_assert_num_queries(1):  # SELECT 1: no session, no organization, no tenant row
        assert Client().get("/readyz", HTTP_HOST="acme.localhost").status_code == 200


def test_readyz_answers_503_naming_the_broker_when_it_is_unreachable(world, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    response = Client().get("/readyz", HTTP_HOST="localhost")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["broker"].startswith("failing")
    assert checks["database"] == checks["redis"] == checks["migrations"] == "ok"


def test_an_unapplied_migration_makes_the_platform_unready(world, monkeypatch):
    monkeypatch.setattr(health, "_migrations_checked", {})  # forget remembered answers
    with connection.cursor() as cursor:  # the test's transaction rolls this back
        cursor.execute(
            "DELETE FROM django_migrations WHERE id = (SELECT max(id) FROM django_migrations)"
        )
    response = Client().get("/readyz", HTTP_HOST="localhost")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "failing: RuntimeError"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
