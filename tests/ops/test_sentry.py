"""Sentry reports carry no personal data: a real sentry_sdk client, a transport that keeps
the events in memory (no network), a view that raises for a signed-in member."""

import json

import pytest
import sentry_sdk
from django.http import HttpResponse
from django.test import Client
from django.urls import path
from sentry_sdk.transport import Transport

from mentoring.ops import sentry
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from tests.builders.processes import printed_by_django
from tests.builders.world import PASSWORD
from tests.test_deployment import production_env

pytestmark = pytest.mark.django_db


def boom(request):
    email = request.user.email
    raise RuntimeError(f"could not write to {email}")


def fine(request):
    return HttpResponse("ok")


urlpatterns = [path("boom/", boom), path("accounts/", fine)]


class KeptEvents(Transport):
    events: list = []

    def capture_envelope(self, envelope):
        for item in envelope.items:
            if item.type in ("event", "transaction"):
                KeptEvents.events.append(item.payload.json)


@pytest.fixture
def reported():
    KeptEvents.events = []
    sentry.init_sentry(
        dsn="https://public@sentry.invalid/1", environment="test", transport=KeptEvents
    )
    yield KeptEvents.events
    sentry_sdk.get_client().close()
    sentry_sdk.get_global_scope().set_client(None)  # reporting off again


def test_an_error_report_holds_no_email_name_authorization_or_cookie(world, reported, settings):
    member = world.acme.mentees[0]
    with activate(world.acme.organization):
        name = Profile.objects.get(user=member).display_name
    client = Client(HTTP_HOST="acme.localhost", raise_request_exception=False)
    client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    settings.ROOT_URLCONF = "tests.ops.test_sentry"
    response = client.post(
        "/boom/?email=" + member.email,
        {"note": f"written by {name}", "email": member.email},
        HTTP_AUTHORIZATION="Bearer hr-api-key-secret",
        HTTP_X_REQUEST_ID="sentry-test-request",
    )
    assert response.status_code == 500
    sentry_sdk.flush()
    assert len(reported) == 1
    event = reported[0]
    text = json.dumps(event)
    assert "RuntimeError" in text
    for leak in (member.email, name, "hr-api-key-secret", "sessionid", "csrftoken"):
        assert leak not in text, leak
    assert set(event.get("user", {})) <= {"id"}
    assert "Authorization" not in event["request"].get("headers", {})
    assert "data" not in event["request"] and "cookies" not in event["request"]
    assert event["tags"]["request_id"] == "sentry-test-request"


SENTRY_STATE = """
import json, sentry_sdk
client = sentry_sdk.get_client()
print(json.dumps({
    "active": client.is_active(),
    "scrubs": getattr(client.options.get("before_send"), "__name__", None),
    "data_collection": client.options.get("data_collection"),
}))
"""


def test_production_reports_to_sentry_only_when_a_dsn_is_set():
    without = json.loads(printed_by_django(SENTRY_STATE, env=production_env()))
    assert without["active"] is False
    dsn = "https://public@sentry.invalid/1"
    configured = json.loads(printed_by_django(SENTRY_STATE, env=production_env(SENTRY_DSN=dsn)))
    assert configured["active"] is True
    assert configured["scrubs"] == "scrub"
    assert configured["data_collection"]["user_info"] is False
