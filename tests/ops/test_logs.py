"""Log lines carry the request id and the organization id, and never a member's email or
name: written through the handler configuration the settings use (JSON)."""

import io
import json
import logging
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.test import Client
from django.utils.module_loading import import_string

from mentoring.ops import logs
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from mentoring.tenancy.tasks import tenant_task
from tests.builders.world import PASSWORD

pytestmark = pytest.mark.django_db


@contextmanager
def json_log_lines():
    """The JSON lines the production handler would write while the block runs."""
    formatter_options = dict(settings.LOGGING["formatters"]["json"])
    formatter_class = formatter_options.pop("()")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(import_string(formatter_class)(**formatter_options))
    handler.addFilter(
        logs.ContextFilter(
            organization_id=settings.LOGGING["filters"]["context"]["organization_id"]
        )
    )
    root = logging.getLogger()
    root.addHandler(handler)
    lines: list[dict] = []
    try:
        yield lines
    finally:
        root.removeHandler(handler)
        lines += [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_members_requests_log_their_ids_and_never_their_email_or_name(world):
    member = world.acme.mentees[0]
    with activate(world.acme.organization):
        name = Profile.objects.get(user=member).display_name
    client = Client(HTTP_HOST="acme.localhost")
    with json_log_lines() as lines:
        client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
        response = client.get("/", HTTP_X_REQUEST_ID="trace-0123456789")
        logging.getLogger("tests.ops").info("outside any request")
    assert response["X-Request-ID"] == "trace-0123456789"
    requests = [line for line in lines if line["logger"] == "mentoring.requests"]
    assert len(requests) >= 2
    assert all(line["organization_id"] == world.acme.organization.pk for line in requests)
    assert all(line["request_id"] for line in requests)
    assert requests[-1]["request_id"] == "trace-0123456789"
    assert {"time", "level", "message"} <= set(requests[-1])
    text = json.dumps(lines)
    assert member.email not in text
    assert name not in text
    assert lines[-1]["request_id"] is None


def test_an_email_address_in_a_message_is_masked(world):
    with json_log_lines() as lines:
        logging.getLogger("tests.ops").warning("could not reach %s", "ana.lopez@example.org")
    assert lines[-1]["message"] == "could not reach [email]"


@pytest.mark.parametrize("incoming", ["", "short", "has spaces in it", "x" * 65, "a\nb-0123456"])
def test_a_request_id_that_does_not_look_like_one_is_replaced(world, incoming):
    response = Client().get("/", HTTP_HOST="acme.localhost", HTTP_X_REQUEST_ID=incoming)
    assert response["X-Request-ID"] != incoming
    assert len(response["X-Request-ID"]) == 32


def test_the_query_string_never_reaches_the_request_line(world):
    with json_log_lines() as lines:
        Client().get("/?token=secret-value-123", HTTP_HOST="acme.localhost")
        Client().get("/no-such-page/?token=secret-value-456", HTTP_HOST="acme.localhost")
    assert any(line["logger"] == "django.request" for line in lines)  # the 404 warning
    assert "secret-value" not in json.dumps(lines)


@tenant_task()
def log_from_a_task(organization):
    logging.getLogger("tests.ops").info("working for the organization")


def test_task_log_lines_carry_the_task_id_and_the_organization_id(world):
    with json_log_lines() as lines:
        log_from_a_task.delay(world.globex.organization.pk)
    line = next(line for line in lines if line["message"] == "working for the organization")
    assert line["task_id"]
    assert line["organization_id"] == world.globex.organization.pk
