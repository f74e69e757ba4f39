"""Two-factor authentication: anyone may turn it on through the real pages; an
organization may require it of its program managers, on its own host only."""

import re
import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value

from mentoring.tenancy.models import Role
from tests.builders.clients import client_for
from tests.builders.pages import INLINE_SCRIPT
from tests.builders.world import PASSWORD, add_member

SETUP = "/accounts/2fa/totp/activate/"
CODE_PAGE = "/accounts/2fa/authenticate/"


def totp_code(secret: str, steps: int = 0) -> str:
    """The code an authenticator app shows now (or ``steps`` periods from now)."""
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD + steps
    return format_hotp_value(hotp_value(secret, counter))


def a_wrong_code(secret: str) -> str:
    valid = {totp_code(secret, steps) for steps in (-1, 0, 1, 2)}
    return next(code for code in ("123456", "654321", "111111") if code not in valid)


def confirm_password(client, path):
    """allauth asks for the password again before sign-in settings change."""
    response = client.get(path)
    if response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/"):
        page = client.get(response["Location"])
        assert b"Confirm it is you" in page.content
        answer = client.post(response["Location"], {"password": PASSWORD})
        assert answer.status_code == 302 and answer["Location"] == path, answer.content[:2000]
        response = client.get(path)
    return response


def turn_on_two_factor(client, wrong_first=False) -> str:
    """Set up an authenticator app through the set-up page; return its secret."""
    page = confirm_password(client, SETUP)
    assert page.status_code == 200
    secret = re.search(rb'<code id="authenticator_secret">([A-Z2-7]+)</code>', page.content)
    assert secret, page.content[:3000]
    secret = secret.group(1).decode()
    if wrong_first:
        wrong = client.post(SETUP, {"code": a_wrong_code(secret)})
        assert wrong.status_code == 200 and b"Incorrect code" in wrong.content
        assert not Authenticator.objects.exists()
    response = client.post(SETUP, {"code": totp_code(secret)})
    assert response.status_code == 302, response.content[:3000]
    return secret


def with_two_factor(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def sign_in_with_password(client, organization, user):
    client.defaults["HTTP_HOST"] = f"{organization.slug}.localhost"
    return client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def test_a_member_turns_on_an_authenticator_app_through_the_pages(client, world):
    member = world.acme.mentees[0]
    client_for(client, world.acme.organization, member)
    profile = client.get("/me/profile/")
    assert (
        b'href="/accounts/2fa/"' in profile.content
        and b"Two-factor authentication" in profile.content
    )
    overview = client.get("/accounts/2fa/")
    assert b"Set up an authenticator app" in overview.content

    page = confirm_password(client, SETUP)
    assert b'src="data:image/svg+xml;base64,' in page.content  # the QR code, no script
    secret = turn_on_two_factor(client, wrong_first=True)
    assert len(secret) == 32
    assert Authenticator.objects.filter(user=member, type=Authenticator.Type.TOTP).exists()
    codes = client.get("/accounts/2fa/recovery-codes/")
    assert codes.status_code == 200 and b"of 10 left" in codes.content
    assert b"Turn off" in client.get("/accounts/2fa/").content


def test_signing_in_then_asks_for_the_code(client, world):
    member = world.acme.mentees[0]
    client_for(client, world.acme.organization, member)
    secret = turn_on_two_factor(client)
    client.post("/accounts/logout/")

    response = sign_in_with_password(client, world.acme.organization, member)
    assert response.status_code == 302 and response["Location"] == CODE_PAGE
    assert signed_in_user_id(client) is None
    page = client.get(CODE_PAGE)
    assert page.status_code == 200 and b"Two-factor authentication" in page.content
    assert client.get("/").status_code == 302  # not in yet

    response = client.post(CODE_PAGE, {"code": totp_code(secret)})
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_user_id(client) == str(member.pk)


def test_a_wrong_code_is_refused(client, world):
    member = world.acme.mentees[0]
    secret = with_two_factor(member)
    sign_in_with_password(client, world.acme.organization, member)
    response = client.post(CODE_PAGE, {"code": a_wrong_code(secret)})

    assert response.status_code == 200 and b"Incorrect code" in response.content
    assert signed_in_user_id(client) is None


def test_a_used_code_cannot_be_used_again(client, world):
    member = world.acme.mentees[0]
    secret = with_two_factor(member)
    sign_in_with_password(client, world.acme.organization, member)
    code = totp_code(secret)
    client.post(CODE_PAGE, {"code": code})
    assert signed_in_user_id(client) == str(member.pk)
    client.post("/accounts/logout/")

    sign_in_with_password(client, world.acme.organization, member)
    response = client.post(CODE_PAGE, {"code": code})
    assert b"Incorrect code" in response.content and signed_in_user_id(client) is None


def test_repeated_wrong_codes_are_rate_limited(client, world):
    member = world.acme.mentees[0]
    secret = with_two_factor(member)
    sign_in_with_password(client, world.acme.organization, member)
    current = {totp_code(secret, steps) for steps in (-1, 0, 1, 2)}
    wrong = [code for code in (f"{n:06d}" for n in range(100000, 100020)) if code not in current]
    for code in wrong[:5]:
        response = client.post(CODE_PAGE, {"code": code})
        assert b"Incorrect code" in response.content
    response = client.post(CODE_PAGE, {"code": totp_code(secret)})  # even the right one
    assert b"Too many failed login attempts" in response.content
    assert signed_in_user_id(client) is None


def test_a_recovery_code_signs_in_once_without_the_phone(client, world):
    member = world.acme.mentees[0]
    client_for(client, world.acme.organization, member)
    turn_on_two_factor(client)
    codes = Authenticator.objects.get(user=member, type=Authenticator.Type.RECOVERY_CODES)
    recovery = codes.wrap().get_unused_codes()[0]
    client.post("/accounts/logout/")

    sign_in_with_password(client, world.acme.organization, member)
    client.post(CODE_PAGE, {"code": recovery})
    assert signed_in_user_id(client) == str(member.pk)
    client.post("/accounts/logout/")
    sign_in_with_password(client, world.acme.organization, member)
    assert b"Incorrect code" in client.post(CODE_PAGE, {"code": recovery}).content


@pytest.mark.parametrize("path", ["/accounts/2fa/", SETUP, "/accounts/2fa/recovery-codes/"])
def test_the_two_factor_pages_have_no_inline_script_and_look_like_the_site(client, world, path):
    member = world.acme.mentees[0]
    client_for(client, world.acme.organization, member)
    if path != SETUP:
        with_two_factor(member)
        confirm_password(client, "/accounts/2fa/recovery-codes/generate/")
        client.post("/accounts/2fa/recovery-codes/generate/")
    response = confirm_password(client, path)
    assert response.status_code == 200
    assert not INLINE_SCRIPT.findall(response.content.decode())
    assert b'<link rel="stylesheet" href="/static/css/app.css">' in response.content
    assert b'class="topbar"' in response.content


def test_the_code_page_has_no_inline_script(client, world):
    member = world.acme.mentees[0]
    with_two_factor(member)
    sign_in_with_password(client, world.acme.organization, member)
    response = client.get(CODE_PAGE)
    assert response.status_code == 200
    assert not INLINE_SCRIPT.findall(response.content.decode())


# --- required for program managers ---------------------------------------------------


def require_two_factor(org, required=True):
    org.organization.require_two_factor_for_managers = required
    org.organization.save(update_fields=["require_two_factor_for_managers"])


@pytest.mark.parametrize("path", ["/", "/programs/", "/admin/", "/admin/mentoring/profile/"])
def test_a_manager_must_set_up_two_factor_when_the_organization_requires_it(client, world, path):
    require_two_factor(world.acme)
    client_for(client, world.acme.organization, world.acme.manager)

    response = client.get(path)

    assert response.status_code == 302 and response["Location"] == SETUP
    page = client.get(SETUP, follow=True)  # by way of confirming the password
    assert page.status_code == 200
    assert b"asks program managers to use two-factor authentication" in page.content


def test_a_held_back_manager_can_still_set_up_two_factor_and_sign_out(client, world):
    require_two_factor(world.acme)
    client_for(client, world.acme.organization, world.acme.manager)
    assert client.get("/accounts/2fa/").status_code == 200
    turn_on_two_factor(client)
    assert client.get("/accounts/2fa/recovery-codes/").status_code == 200
    assert client.get("/").status_code == 200
    assert client.get("/admin/").status_code == 200
    client.post("/accounts/logout/")
    assert signed_in_user_id(client) is None


def test_a_held_back_manager_can_sign_out(client, world):
    require_two_factor(world.acme)
    client_for(client, world.acme.organization, world.acme.manager)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] != SETUP
    assert signed_in_user_id(client) is None


def test_an_htmx_request_of_a_held_back_manager_is_sent_to_the_set_up_page(client, world):
    require_two_factor(world.acme)
    client_for(client, world.acme.organization, world.acme.manager)
    response = client.get("/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == SETUP


@pytest.mark.parametrize("who", ["hr", "mentee"])
def test_members_and_hr_are_not_held_back(client, world, who):
    require_two_factor(world.acme)
    person = world.acme.hr if who == "hr" else world.acme.mentees[0]
    client_for(client, world.acme.organization, person)
    response = client.get("/", follow=True)  # an HR analyst's home is the HR home, /hr/
    assert response.status_code == 200
    assert [url for url, _status in response.redirect_chain] == (["/hr/"] if who == "hr" else [])


def test_managers_are_not_held_back_when_the_organization_does_not_require_it(client, world):
    require_two_factor(world.globex)  # another organization's rule
    client_for(client, world.acme.organization, world.acme.manager)
    assert client.get("/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_the_rule_follows_the_host_for_a_manager_of_two_organizations(client, world):
    person = world.acme.manager
    add_member(world.globex.organization, person, role=Role.MANAGER, name="Both")
    require_two_factor(world.acme)
    require_two_factor(world.globex, required=False)

    client_for(client, world.globex.organization, person)
    assert client.get("/").status_code == 200
    assert client.get("/admin/").status_code == 200

    client.post("/accounts/logout/")
    client_for(client, world.acme.organization, person)
    assert client.get("/")["Location"] == SETUP


def test_a_manager_with_two_factor_signs_in_with_the_code_and_works(client, world):
    require_two_factor(world.acme)
    manager = world.acme.manager
    secret = with_two_factor(manager)
    sign_in_with_password(client, world.acme.organization, manager)
    client.post(CODE_PAGE, {"code": totp_code(secret)})
    assert signed_in_user_id(client) == str(manager.pk)
    assert client.get("/admin/").status_code == 200


def test_accepting_an_invitation_with_an_existing_password_still_asks_for_the_code(client, world):
    from mentoring.accounts import services
    from mentoring.tenancy import activate

    person = world.acme.mentors[0]
    with_two_factor(person)
    with activate(world.globex.organization):
        _invitation, token = services.invitation_create(
            organization=world.globex.organization, actor=world.globex.manager, email=person.email
        )
    client.defaults["HTTP_HOST"] = "globex.localhost"
    response = client.post(f"/invitations/{token}/", {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == CODE_PAGE
    assert signed_in_user_id(client) is None


def test_the_operator_removes_a_lost_authenticator_without_seeing_its_secret(client, world):
    from tests.builders.world import make_user

    member = world.acme.mentees[0]
    secret = with_two_factor(member)
    operator = make_user("operator@platform.example")
    operator.is_staff = operator.is_superuser = True
    operator.save()
    client.defaults["HTTP_HOST"] = "localhost"
    client.post("/accounts/login/", {"login": operator.email, "password": PASSWORD})
    authenticator = Authenticator.objects.get(user=member)

    listing = client.get("/admin/mfa/authenticator/")
    assert listing.status_code == 200 and member.email.encode() in listing.content
    page = client.get(f"/admin/mfa/authenticator/{authenticator.pk}/change/")
    assert page.status_code == 200 and secret.encode() not in page.content
    response = client.post(f"/admin/mfa/authenticator/{authenticator.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=member).exists()
