"""What a session opened through single sign-on may do to an account that other
organizations share, and how it ends (the provider's own sign-out)."""

from urllib.parse import urlencode

from allauth.account.models import EmailAddress
from django.core import mail

from mentoring.accounts.sso import provider_id_for
from tests.builders.clients import client_for
from tests.builders.sso import (
    add_identity_provider,
    come_back,
    provider_fixture,  # noqa: F401  (the ``provider`` fixture)
    sign_in_at_provider,
    signed_in_user_id,
)
from tests.builders.world import PASSWORD, add_member, make_user

ADD_ADDRESS = {"email": "sam.own@attacker.example", "action_add": ""}


def sam_in_acme_and_globex(world):
    sam = make_user("sam.rivera@consultants.example")
    add_member(world.acme.organization, sam, name="Sam Rivera")
    add_member(world.globex.organization, sam, name="Sam Rivera")
    return sam


def in_through_acmes_provider(client, world, provider, person) -> None:
    """``person`` signs in on acme's host through acme's provider, which even has
    consultants.example verified (the worst case)."""
    identity_provider = add_identity_provider(world.acme, provider, domains="consultants.example")
    provider.sign_in_as("okta|sam", person.email)
    come_back(client, sign_in_at_provider(client, world.acme, identity_provider, provider))
    assert signed_in_user_id(client) == str(person.pk)


def test_a_provider_cannot_take_over_an_account_another_organization_shares(
    client, world, provider
):
    # The probe's path: in through acme's provider as Sam (a member of acme and globex),
    # add an address of one's own, confirm it, reset Sam's password on globex's host.
    # Even with consultants.example verified for acme, it ends at the first step.
    sam = sam_in_acme_and_globex(world)
    in_through_acmes_provider(client, world, provider, sam)

    added = client.post("/accounts/email/", ADD_ADDRESS)
    primary = client.post(
        "/accounts/email/", {"email": "sam.rivera@consultants.example", "action_primary": ""}
    )
    password = client.post(
        "/accounts/password/change/",
        {"oldpassword": "", "password1": "taken-over-1234", "password2": "taken-over-1234"},
    )

    assert added.status_code == 302 and added["Location"].startswith("/accounts/reauthenticate/")
    assert primary["Location"].startswith("/accounts/reauthenticate/")
    assert not EmailAddress.objects.filter(email=ADD_ADDRESS["email"]).exists()
    assert password.status_code == 200  # the current password is asked for
    sam.refresh_from_db()
    assert sam.check_password(PASSWORD)
    # And the session is acme's only: on globex's host nobody is signed in.
    assert client.get("/", HTTP_HOST="globex.localhost").status_code == 302
    reset = client.post(
        "/accounts/password/reset/", {"email": ADD_ADDRESS["email"]}, HTTP_HOST="globex.localhost"
    )
    assert reset.status_code == 302
    to_attacker = [message.body for message in mail.outbox if ADD_ADDRESS["email"] in message.to]
    assert not [body for body in to_attacker if "/accounts/password/reset/key/" in body]


def test_adding_an_address_asks_for_the_password_and_tells_the_old_address(client, world):
    person = world.acme.mentees[0]
    client_for(client, world.acme.organization, person)

    first = client.post("/accounts/email/", ADD_ADDRESS)
    assert first["Location"].startswith("/accounts/reauthenticate/")
    wrong = client.post("/accounts/reauthenticate/", {"password": "not-it"})
    assert wrong.status_code == 200
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    client.post("/accounts/email/", ADD_ADDRESS)

    assert EmailAddress.objects.filter(user=person, email=ADD_ADDRESS["email"]).exists()
    told = [message for message in mail.outbox if message.to == [person.email]]
    assert [message.subject for message in told] == [
        "A new email address was added to your account"
    ]
    assert ADD_ADDRESS["email"] in told[0].body


def test_signing_out_offers_the_providers_sign_out(client, world, provider):
    acme = world.acme
    identity_provider = add_identity_provider(acme, provider, domains="acme.example")
    provider.sign_in_as("okta|1001", acme.mentees[0].email)
    come_back(client, sign_in_at_provider(client, acme, identity_provider, provider))

    response = client.post("/accounts/logout/")

    assert signed_in_user_id(client) is None
    assert response["Location"] == "/accounts/login/?signed_out_of=" + provider_id_for(
        identity_provider
    )
    page = client.get(response["Location"]).content.decode()
    after = urlencode(
        {
            "client_id": "mentoring-acme",
            "post_logout_redirect_uri": "http://acme.localhost/accounts/login/",
        }
    )
    assert f'href="{provider.issuer}/logout?{after.replace("&", "&amp;")}"' in page
    assert "Sign out of Acme Okta" in page


def test_signing_out_after_a_password_sign_in_offers_no_provider(client, world, provider):
    add_identity_provider(world.acme, provider, domains="acme.example")
    client_for(client, world.acme.organization, world.acme.mentees[0])

    response = client.post("/accounts/logout/")

    assert "signed_out_of" not in response["Location"]
    page = client.get("/accounts/login/?signed_out_of=nothing").content.decode()
    assert "Sign out of Acme Okta" not in page


def test_an_account_without_a_password_gets_neither_an_address_nor_a_password_after_sso(
    client, world, provider
):
    sam = sam_in_acme_and_globex(world)
    sam.set_unusable_password()
    sam.save()
    in_through_acmes_provider(client, world, provider, sam)

    added = client.post("/accounts/email/", ADD_ADDRESS)
    password = client.post(
        "/accounts/password/set/", {"password1": "taken-over-1234", "password2": "taken-over-1234"}
    )

    assert "Set a password first" in added.content.decode()
    assert "Use “Forgot your password?”" in password.content.decode()
    assert not EmailAddress.objects.filter(email=ADD_ADDRESS["email"]).exists()
    sam.refresh_from_db()
    assert not sam.has_usable_password()
