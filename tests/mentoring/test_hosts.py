import pytest

from mentoring.tenancy.hosts import organization_slug_for_host
from tests.builders.clients import client_for


@pytest.mark.parametrize(
    ("host", "slug"),
    [
        ("acme.localhost", "acme"),
        ("ACME.localhost:8000", "acme"),
        ("localhost:8000", ""),
        ("www.localhost", None),
        ("a.b.localhost", None),
        ("evil.com", None),
        ("acme.localhost.evil.com", None),
    ],
)
def test_the_host_names_the_organization(host, slug):
    assert organization_slug_for_host(host) == slug


def test_an_unknown_organization_host_is_a_404_with_a_clear_message(client, world):
    response = client.get("/", HTTP_HOST="initech.localhost")
    assert response.status_code == 404
    assert b"No organization at this address" in response.content


def test_an_inactive_organization_is_not_reachable(client, world):
    organization = world.globex.organization
    organization.is_active = False
    organization.save()
    response = client.get("/accounts/login/", HTTP_HOST="globex.localhost")
    assert response.status_code == 404
    assert b"is not active" in response.content


def test_the_root_domain_serves_the_platform_not_an_organization(client, world):
    response = client.get("/", HTTP_HOST="localhost")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get("/", HTTP_HOST="acme.localhost")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_member_sees_their_home_page_on_their_organization_host(client, world):
    client_for(client, world.acme.organization, world.acme.mentees[0])
    response = client.get("/")
    assert response.status_code == 200
    assert world.acme.sentinel.encode() in response.content
    assert world.globex.sentinel.encode() not in response.content


def test_a_person_who_is_not_a_member_cannot_sign_in_and_learns_nothing(client, world):
    client.defaults["HTTP_HOST"] = "globex.localhost"
    response = client.post(
        "/accounts/login/",
        {"login": world.acme.mentees[0].email, "password": "pw-correct-horse-42"},
    )
    wrong_password = client.post(
        "/accounts/login/", {"login": world.globex.mentees[0].email, "password": "wrong"}
    )
    assert response.status_code == wrong_password.status_code == 200
    assert b"not correct" in response.content and b"not correct" in wrong_password.content
    assert "_auth_user_id" not in client.session


def test_a_session_from_one_organization_does_not_open_another(client, world):
    client_for(client, world.acme.organization, world.acme.mentees[0])
    response = client.get("/", HTTP_HOST="globex.localhost")
    assert response.status_code == 302  # signed out, sent to sign in
    assert "_auth_user_id" not in client.session


def test_a_person_in_two_organizations_signs_in_on_each_host(client, world):
    from tests.builders.world import add_member

    person = world.acme.mentors[0]
    add_member(world.globex.organization, person, name="Shared person")
    client_for(client, world.globex.organization, person)
    assert client.get("/").status_code == 200
    client.logout()
    client_for(client, world.acme.organization, person)
    assert client.get("/").status_code == 200


def test_a_removed_membership_ends_the_session(client, world):
    from mentoring.tenancy import activate
    from mentoring.tenancy.models import Membership

    client_for(client, world.acme.organization, world.acme.mentees[0])
    with activate(world.acme.organization):
        Membership.objects.filter(user=world.acme.mentees[0]).update(is_active=False)
    assert client.get("/").status_code == 302
