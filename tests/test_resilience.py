"""Unreachable storage gives friendly, honest answers (mentoring.resilience).

Every outage here is real: the application's database connection is pointed at a port
where nothing listens, or its PostgreSQL backend is terminated in the middle of a request
(``pg_terminate_backend`` from the owner's connection); the cache and the broker are
pointed at a closed port. Nothing is mocked.
"""

from __future__ import annotations

import json
import logging
import socket
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.test import Client

from mentoring import celery_app
from mentoring.notifications.outbox import send_after_commit
from mentoring.tenancy import activate
from mentoring.tenancy.models import Organization
from tests.builders.clients import client_for
from tests.builders.hr import new_key
from tests.builders.world import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "owner"])

FRIENDLY = b"We can't reach our records just now"
MAY_NOT_BE_SAVED = b"may not have been saved"
LEAKS = (b"Traceback", b"OperationalError", b"InterfaceError", b"ConnectionError", b"psycopg")


def closed_port() -> int:
    """A loopback port where nothing listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def database_unreachable():
    """The application's connection is closed and re-pointed at a closed port until the
    block ends: every query of a request in the block fails to connect."""
    connection = connections["default"]
    saved = {key: connection.settings_dict[key] for key in ("HOST", "PORT")}
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


@contextmanager
def connection_cut_at(table: str):
    """The application's PostgreSQL backend is terminated (from the owner's connection)
    just before its first statement that reads ``table``: the database goes away in the
    middle of the request, after the middleware has done its own queries."""
    connection = connections["default"]
    cut = []

    def wrapper(execute, sql, params, many, context):
        if not cut and table in sql:
            cut.append(sql)
            pid = context["connection"].connection.get_backend_pid()
            with connections["owner"].cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(wrapper):
            yield cut
    finally:
        connection.close()  # the next query reconnects
    assert cut, f"no statement read {table}: the cut never happened"


def assert_friendly_503(response, *, sending: bool = False) -> None:
    body = response.content
    assert response.status_code == 503, body[:2000]
    assert response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("text/html")
    assert FRIENDLY in body
    assert (MAY_NOT_BE_SAVED in body) is sending
    for leak in LEAKS:
        assert leak not in body


def assert_json_503(response) -> None:
    assert response.status_code == 503, response.content[:2000]
    assert response["Retry-After"] == "30"
    error = response.json()["error"]
    assert error["status"] == 503
    assert "storage" in error["detail"]
    for leak in LEAKS:
        assert leak not in response.content


def outage_logged(caplog) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "mentoring.resilience" and record.levelno == logging.ERROR
    ]


# ---------------------------------------------------------------- the database


def test_a_page_while_the_database_is_unreachable_is_a_friendly_503(world, caplog):
    # Django turns an exception of the organization middleware into a response itself:
    # handler500 answers, and Django reports the exception (the client would re-raise it).
    client = Client(raise_request_exception=False)
    client_for(client, world.acme.organization, world.acme.mentees[0])
    with database_unreachable():
        response = client.get("/")
    assert_friendly_503(response)
    logged = outage_logged(caplog)
    assert len(logged) == 1 and logged[0].startswith("storage unreachable, answered 503 to GET /")
    # Django's own record of the exception stays, without its traceback (one line each).
    django_records = [r for r in caplog.records if r.name == "django.request"]
    assert django_records and all(r.exc_info is None for r in django_records)
    assert client.get("/").status_code == 200  # and back to normal once it is reachable


def test_a_form_sent_while_the_database_is_unreachable_says_it_may_not_be_saved(world):
    client = Client(raise_request_exception=False)
    client_for(client, world.acme.organization, world.acme.mentees[0])
    with database_unreachable():
        response = client.post("/me/profile/", {"display_name": "Renamed during the outage"})
    assert_friendly_503(response, sending=True)


def test_the_database_lost_in_the_middle_of_a_view_is_a_friendly_503(world, caplog):
    # The view raises: the middleware answers, and no exception escapes to Django (the
    # test client re-raises any that does).
    client = client_for(Client(), world.acme.organization, world.acme.mentees[0])
    with connection_cut_at("programs_program"):
        response = client.get("/programs/")
    assert_friendly_503(response)
    assert any("GET /programs/" in message for message in outage_logged(caplog))
    assert client.get("/programs/").status_code == 200


def test_the_sign_in_page_while_the_database_is_unreachable_is_a_friendly_503(world):
    client = client_for(Client(raise_request_exception=False), world.acme.organization)
    with database_unreachable():
        response = client.post(
            "/accounts/login/", {"login": world.acme.mentees[0].email, "password": PASSWORD}
        )
    assert_friendly_503(response, sending=True)


def test_the_platform_host_while_the_database_is_unreachable_is_a_friendly_503(db):
    client = Client(raise_request_exception=False, HTTP_HOST="localhost")
    assert client.get("/accounts/login/").status_code == 200  # the form needs no database
    with database_unreachable():
        response = client.post(
            "/accounts/login/", {"login": "operator@platform.example", "password": PASSWORD}
        )
    assert_friendly_503(response, sending=True)


def test_the_api_while_the_database_is_unreachable_answers_json_503(world):
    key = new_key(world.acme)
    client = Client(
        raise_request_exception=False,
        HTTP_HOST="acme.localhost",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert client.get("/api/v1/mentorships/").status_code == 200
    with database_unreachable():
        response = client.get("/api/v1/mentorships/")
    assert_json_503(response)


def test_the_api_losing_the_database_inside_the_view_answers_json_503(world):
    # The key is checked inside the DRF view: the API's exception handler leaves the
    # error to Django, and the middleware answers in the API's error shape.
    key = new_key(world.acme)
    client = Client(HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION=f"Bearer {key}")
    with connection_cut_at("mentoring_apikey"):
        response = client.get("/api/v1/summary/")
    assert_json_503(response)


# ---------------------------------------------------------------- Redis


@pytest.fixture
def redis_unreachable(settings):
    """The cache (rate limits, the API throttle) points at a closed port."""

    def cut():
        settings.CACHES = {
            "default": {
                **settings.CACHES["default"],
                "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            }
        }

    return cut


def test_signed_in_pages_keep_working_while_redis_is_down(world, redis_unreachable):
    """Sessions live in PostgreSQL: a Redis outage does not sign anyone out."""
    client = client_for(Client(), world.acme.organization, world.acme.mentees[0])
    redis_unreachable()
    for path in ("/", "/programs/", "/mentorships/", "/me/profile/"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.content[:500])
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # signed out for real: to the sign-in page


def test_signing_in_while_redis_is_down_fails_closed_with_a_friendly_503(world, redis_unreachable):
    """The sign-in rate limits live in Redis; without them sign-in waits (fail closed)."""
    client = client_for(Client(), world.acme.organization)
    redis_unreachable()
    assert client.get("/accounts/login/").status_code == 200  # the form itself shows
    response = client.post(
        "/accounts/login/", {"login": world.acme.mentees[0].email, "password": PASSWORD}
    )
    assert_friendly_503(response, sending=True)
    assert "_auth_user_id" not in client.session


def test_the_api_while_redis_is_down_answers_json_503(world, redis_unreachable):
    """The per-key throttle lives in Redis: without it the API refuses (fail closed)."""
    key = new_key(world.acme)
    client = Client(HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION=f"Bearer {key}")
    redis_unreachable()
    assert_json_503(client.get("/api/v1/mentorships/"))


@pytest.fixture
def broker_unreachable():
    """Tasks are published (not run eagerly) to a broker on a closed port."""
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.broker_url, conf.broker_connection_timeout
    conf.task_always_eager = False
    conf.broker_url = f"redis://127.0.0.1:{closed_port()}/0"
    conf.broker_connection_timeout = 1
    celery_app._pool = None  # the connection pool is built from broker_url on first use
    celery_app.amqp._producer_pool = None
    try:
        yield
    finally:
        conf.task_always_eager, conf.broker_url, conf.broker_connection_timeout = saved
        celery_app._pool = None
        celery_app.amqp._producer_pool = None


def test_a_change_committed_while_the_broker_is_down_is_not_reported_as_failed(
    world, broker_unreachable, caplog
):
    """Publishing the send task after commit fails; the committed change stands and the
    request must not say otherwise (the sweeper queues the outbox later)."""
    organization = Organization.objects.get(slug="acme")
    with activate(organization), transaction.atomic():
        send_after_commit(organization)  # raises nothing at commit
    assert any("broker unreachable" in record.getMessage() for record in caplog.records)


# ---------------------------------------------------------------- the other error pages


def test_an_unknown_page_is_a_friendly_404(world):
    client = client_for(Client(), world.acme.organization, world.acme.mentees[0])
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"We couldn't find that page" in response.content


def test_the_500_page_renders_without_the_database(rf):
    from mentoring.resilience import server_error

    request = rf.get("/programs/", HTTP_HOST="acme.localhost")
    with database_unreachable():
        try:
            raise ValueError("a bug")
        except ValueError:
            response = server_error(request)
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert b"a bug" not in response.content and b"Traceback" not in response.content
    api = rf.get("/api/v1/summary/", HTTP_HOST="acme.localhost")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(api)
    assert response.status_code == 500
    assert json.loads(response.content)["error"]["status"] == 500


def test_debug_is_off_where_these_pages_are_served():
    assert settings.DEBUG is False
