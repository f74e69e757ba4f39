"""Every id that ``aria-describedby`` or ``aria-labelledby`` names exists in the page, on
the sign-in page, the profile, the session forms and the main pages, with and without
errors: a screen reader otherwise reads no hint at all."""

from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.test import Client

from matching.models import Mentorship
from mentoring.tenancy import activate
from tests.builders.clients import client_for, signed_in
from tests.builders.pair import make_pair, schedule


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.references: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            elif name in ("aria-describedby", "aria-labelledby") and value is not None:
                self.references.extend((tag, name, ref) for ref in value.split())


def missing_ids(response) -> list[str]:
    """The ``aria-*by`` references of a page that name no element of it."""
    parser = _Ids()
    parser.feed(response.content.decode())
    return [
        f"<{tag} {name}={ref!r}>" for tag, name, ref in parser.references if ref not in parser.ids
    ]


def test_the_sign_in_page_names_only_ids_that_exist_even_after_a_wrong_password(client, world):
    client_for(client, world.acme.organization)
    assert missing_ids(client.get("/accounts/login/")) == []
    response = client.post("/accounts/login/", {"login": "nobody@acme.example", "password": "x"})
    assert response.status_code == 200
    assert missing_ids(response) == []


def test_the_profile_page_names_only_ids_that_exist_even_with_errors(world):
    member = signed_in(world.acme, world.acme.mentees[0])
    assert missing_ids(member.get("/me/profile/")) == []
    response = member.post("/me/profile/", {"display_name": "", "time_zone": "Nowhere/Atlantis"})
    assert response.status_code == 200
    assert missing_ids(response) == []


@pytest.mark.parametrize(
    "path", ["/", "/me/profile/", "/programs/", "/checklist/", "/mentorships/", "/admin/"]
)
def test_the_main_pages_name_only_ids_that_exist(world, path):
    response = signed_in(world.acme, world.acme.manager).get(path)
    assert response.status_code == 200, path
    assert missing_ids(response) == [], path


def test_the_pair_forms_name_only_ids_that_exist_blank_and_refused(world):
    pair = make_pair(world.acme)
    with activate(world.acme.organization):
        Mentorship.objects.filter(pk=pair.mentorship.pk).update(
            started_on=date.today() - timedelta(days=14)
        )
    session = schedule(pair)
    mentee = signed_in(pair.org, pair.mentee)
    base = f"/mentorships/{pair.mentorship.pk}"
    pages = [
        f"{base}/",
        f"{base}/sessions/",
        f"{base}/sessions/new/",
        f"{base}/sessions/log-past/",
        f"{base}/agreement/",
        f"{base}/experiments/",
        f"{base}/feedback/new/",
        f"{base}/progress/",
        f"/sessions/{session.pk}/",
    ]
    for path in pages:
        response = mentee.get(path)
        assert response.status_code == 200, path
        assert missing_ids(response) == [], path
    for path in (f"{base}/sessions/new/", f"{base}/sessions/log-past/", f"{base}/feedback/new/"):
        response = mentee.post(path, {"starts_at": "", "duration_minutes": "x"})
        assert response.status_code == 200, path
        assert missing_ids(response) == [], path


def test_the_invitation_and_password_pages_name_only_ids_that_exist(world):
    anonymous = client_for(Client(), world.acme.organization)
    for path in ("/accounts/password/reset/",):
        response = anonymous.get(path)
        assert response.status_code == 200, path
        assert missing_ids(response) == [], path
