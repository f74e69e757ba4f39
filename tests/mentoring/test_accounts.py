import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail

from mentoring.tenancy.models import Role
from tests.builders.clients import client_for
from tests.builders.world import PASSWORD, add_member


def test_sign_up_without_an_invitation_is_closed(client, world):
    response = client.get("/accounts/signup/", HTTP_HOST="acme.localhost")
    assert response.status_code == 200
    assert "account/signup_closed.html" in [template.name for template in response.templates]
    page = response.content.decode()
    assert "Sign Up Closed" in page and 'name="password1"' not in page
    email = "newcomer@acme.example"
    data = {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    response = client.post("/accounts/signup/", data, HTTP_HOST="acme.localhost")
    assert "account/signup_closed.html" in [template.name for template in response.templates]
    assert not get_user_model().objects.filter(email=email).exists()


def test_members_sign_in_with_their_email(client, world):
    client_for(client, world.acme.organization, world.acme.manager)
    assert client.session["_auth_user_id"] == str(world.acme.manager.pk)


def test_repeated_failed_sign_ins_are_rate_limited(client, world):
    client.defaults["HTTP_HOST"] = "acme.localhost"
    email = world.acme.mentees[0].email
    for attempt in range(5):
        response = client.post("/accounts/login/", {"login": email, "password": f"wrong-{attempt}"})
        assert b"Too many failed login attempts" not in response.content
    response = client.post("/accounts/login/", {"login": email, "password": "wrong-again"})
    assert b"Too many failed login attempts" in response.content
    # even the right password is refused while the limit holds
    client.post("/accounts/login/", {"login": email, "password": "pw-correct-horse-42"})
    assert "_auth_user_id" not in client.session


def test_password_reset_does_not_reveal_whether_an_account_exists(client, world):
    client.defaults["HTTP_HOST"] = "acme.localhost"
    known = client.post("/accounts/password/reset/", {"email": world.acme.mentees[0].email})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@nowhere.example"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 2  # the unknown address is told no account exists, privately


def test_the_password_reset_link_points_at_the_organization_host(client, world):
    client.defaults["HTTP_HOST"] = "acme.localhost"
    client.post("/accounts/password/reset/", {"email": world.acme.mentees[0].email})
    assert "http://acme.localhost/accounts/password/reset/key/" in mail.outbox[0].body


CSRF_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def login_answer(client, email, password="wrong-password-1"):
    response = client.post("/accounts/login/", {"login": email, "password": password})
    # The form shows the typed address again; everything else must be the same.
    return response.status_code, CSRF_TOKEN.sub(b"", response.content).replace(
        email.encode(), b"<typed address>"
    )


def test_sign_in_answers_alike_for_known_unknown_and_other_organizations_addresses(client, world):
    client.defaults["HTTP_HOST"] = "acme.localhost"
    known = login_answer(client, world.acme.mentees[0].email)
    unknown = login_answer(client, "nobody@acme.example")
    elsewhere = login_answer(client, world.globex.mentees[0].email, "pw-correct-horse-42")
    assert known[0] == unknown[0] == elsewhere[0] == 200
    assert known[1] == unknown[1] == elsewhere[1]
    assert b"not correct" in known[1]


def test_the_password_reset_page_answers_alike_for_known_and_unknown_addresses(client, world):
    client.defaults["HTTP_HOST"] = "acme.localhost"
    answers = []
    for email in (world.acme.mentees[0].email, "nobody@nowhere.example"):
        response = client.post("/accounts/password/reset/", {"email": email}, follow=True)
        answers.append((response.status_code, CSRF_TOKEN.sub(b"", response.content)))
    assert answers[0] == answers[1]


@pytest.mark.parametrize("host", ["acme.localhost", "localhost"])
def test_the_admin_login_checks_no_password_and_sends_to_the_rate_limited_sign_in(
    client, world, host
):
    client.defaults["HTTP_HOST"] = host
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": world.acme.manager.email, "password": "pw-correct-horse-42"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    assert "_auth_user_id" not in client.session


def test_repeated_failed_sign_ins_for_the_admin_are_blocked(client, world):
    client.defaults["HTTP_HOST"] = "acme.localhost"
    login = "/accounts/login/?next=%2Fadmin%2F"
    email = world.acme.manager.email
    for attempt in range(5):
        client.post("/admin/login/", {"username": email, "password": f"wrong-{attempt}"})
        client.post(login, {"login": email, "password": f"wrong-{attempt}"})
    response = client.post(login, {"login": email, "password": "pw-correct-horse-42"})
    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_repeated_wrong_passwords_on_an_invitation_are_blocked(client, world):
    from mentoring.accounts import services
    from mentoring.tenancy import activate

    person = world.acme.mentors[0]
    with activate(world.globex.organization):
        _invitation, token = services.invitation_create(
            organization=world.globex.organization, actor=world.globex.manager, email=person.email
        )
    client.defaults["HTTP_HOST"] = "globex.localhost"
    for attempt in range(5):
        response = client.post(f"/invitations/{token}/", {"password": f"wrong-{attempt}"})
        assert b"That password is not right" in response.content
    response = client.post(f"/invitations/{token}/", {"password": "pw-correct-horse-42"})
    assert b"Too many failed attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_a_session_cookie_is_host_only(client, world):
    client.defaults["HTTP_HOST"] = "acme.localhost"
    response = client.post(
        "/accounts/login/", {"login": world.acme.manager.email, "password": "pw-correct-horse-42"}
    )
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["domain"] == ""  # no Domain attribute: the browser keeps it to this host
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_a_session_opened_on_one_organizations_host_does_not_work_on_another(client, world):
    person = world.acme.manager
    add_member(world.globex.organization, person, role=Role.MANAGER, name="Both")
    client_for(client, world.acme.organization, person)
    assert client.get("/").status_code == 200

    # The same cookie presented to globex's host (a browser would not even send it).
    response = client.get("/", HTTP_HOST="globex.localhost")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert world.globex.sentinel.encode() not in response.content
    assert client.get("/admin/", HTTP_HOST="globex.localhost").status_code == 302
    assert client.get("/", HTTP_HOST="acme.localhost").status_code == 302  # signed out
