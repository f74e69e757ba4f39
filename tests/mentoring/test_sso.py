"""Single sign-on through an organization's own OpenID Connect provider.

Every test runs a real provider on loopback (tests/builders/oidc_provider.py): the
browser's part is played by the test client on our side and by plain HTTP on the
provider's side, and the platform talks to the provider over HTTP as it would in
production (discovery, token exchange with PKCE, userinfo).
"""

from io import StringIO

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.socialaccount.models import SocialAccount
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from mentoring.accounts.domains import DomainError, domain_unverify, domain_verify
from mentoring.accounts.models import IdentityProvider, VerifiedDomain
from mentoring.accounts.sso import provider_id_for
from mentoring.privacy.deletion import delete_organization_rows
from mentoring.tenancy import activate
from tests.builders.clients import client_for
from tests.builders.sso import (
    add_identity_provider,
    callback_path,
    closed_port_url,
    come_back,
    login_path,
    provider_fixture,  # noqa: F401  (the ``provider`` fixture)
    sign_in_at_provider,
    signed_in_user_id,
    sso_failures,
)
from tests.builders.world import add_member, make_user


def test_a_member_signs_in_through_their_organizations_provider(client, world, provider):
    acme = world.acme
    identity_provider = add_identity_provider(acme, provider, domains="acme.example")
    member = acme.mentees[0]
    provider.sign_in_as("okta|1001", member.email)

    page = client.get("/accounts/login/", HTTP_HOST="acme.localhost")
    assert b"Sign in with Acme Okta" in page.content
    back = sign_in_at_provider(client, acme, identity_provider, provider)
    assert back.startswith(f"http://acme.localhost{callback_path(identity_provider)}?code=")
    response = come_back(client, back)

    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_user_id(client) == str(member.pk)
    assert "POST /token" in provider.requests and "GET /userinfo" in provider.requests
    account = SocialAccount.objects.get(user=member)
    assert (account.provider, account.uid) == (provider_id_for(identity_provider), "okta|1001")
    assert client.get("/").status_code == 200


def test_the_next_sign_in_finds_the_connected_account(client, world, provider):
    acme = world.acme
    identity_provider = add_identity_provider(acme, provider, domains="acme.example")
    member = acme.mentees[0]
    provider.sign_in_as("okta|1001", member.email)
    come_back(client, sign_in_at_provider(client, acme, identity_provider, provider))
    client.post("/accounts/logout/")
    assert signed_in_user_id(client) is None

    # The provider renamed the address; the account it vouched for before is the same.
    provider.sign_in_as("okta|1001", "mentee0.renamed@acme.example")
    come_back(client, sign_in_at_provider(client, acme, identity_provider, provider))
    assert signed_in_user_id(client) == str(member.pk)
    assert SocialAccount.objects.filter(user=member).count() == 1


def test_a_providers_answer_is_refused_on_another_organizations_host(client, world, provider):
    acme, globex = world.acme, world.globex
    person = acme.manager
    add_member(globex.organization, person, name="Guest")  # a member of both
    identity_provider = add_identity_provider(acme, provider, domains="acme.example")
    provider.sign_in_as("okta|2002", person.email)
    back = sign_in_at_provider(client, acme, identity_provider, provider)

    response = come_back(client, back, host="globex.localhost")

    assert response.status_code == 404
    assert signed_in_user_id(client) is None
    assert "POST /token" not in provider.requests  # the code was never even redeemed
    assert not SocialAccount.objects.exists()


def test_a_provider_of_another_organization_cannot_be_used_on_this_host(client, world, provider):
    globex_provider = add_identity_provider(world.globex, provider)
    client.defaults["HTTP_HOST"] = "acme.localhost"

    page = client.get("/accounts/login/")
    assert b"Globex Okta" not in page.content and b"Sign in with" not in page.content
    assert client.post(login_path(globex_provider)).status_code == 404
    assert client.get(f"{callback_path(globex_provider)}?code=x&state=y").status_code == 404
    assert "GET /authorize" not in provider.requests


def test_an_address_that_is_not_a_member_here_is_refused(client, world, provider):
    acme = world.acme
    identity_provider = add_identity_provider(acme, provider, domains="acme.example")
    provider.sign_in_as("okta|3003", "stranger@acme.example")

    response = come_back(client, sign_in_at_provider(client, acme, identity_provider, provider))

    assert response.status_code == 403
    assert b"is not a member of this organization" in response.content
    assert signed_in_user_id(client) is None
    assert not SocialAccount.objects.exists()
    assert sso_failures(acme) == [
        "Single sign-on through Acme Okta refused: not a member here (address at acme.example)"
    ]


def test_an_address_outside_the_allowed_domains_is_refused(client, world, provider):
    acme = world.acme
    contractor = make_user("contractor@freelance.example")
    add_member(acme.organization, contractor, name="Contractor")
    identity_provider = add_identity_provider(acme, provider, domains="acme.example")
    provider.sign_in_as("okta|4004", contractor.email)

    response = come_back(client, sign_in_at_provider(client, acme, identity_provider, provider))

    assert response.status_code == 403
    assert b"may sign in addresses at acme.example only" in response.content
    assert signed_in_user_id(client) is None


@pytest.mark.parametrize(
    ("email_verified", "never_sends_it", "admitted"),
    [(True, False, True), (False, False, False), (None, False, False), (None, True, True)],
    ids=["said-verified", "said-unverified", "silent", "silent-provider-marked-so"],
)
def test_the_provider_must_vouch_for_the_address(
    client, world, provider, email_verified, never_sends_it, admitted
):
    acme = world.acme
    identity_provider = add_identity_provider(
        acme, provider, domains="acme.example", never_sends_email_verified=never_sends_it
    )
    provider.sign_in_as("okta|5005", acme.mentors[0].email, email_verified=email_verified)

    response = come_back(client, sign_in_at_provider(client, acme, identity_provider, provider))

    if admitted:
        assert signed_in_user_id(client) == str(acme.mentors[0].pk)
        assert sso_failures(acme) == []
    else:
        assert response.status_code == 403 and b"has not verified the address" in response.content
        assert signed_in_user_id(client) is None
        said = "email_verified false" if email_verified is False else "no email_verified claim"
        assert sso_failures(acme) == [
            f"Single sign-on through Acme Okta refused: {said} (address at acme.example)"
        ]


def test_an_inactive_provider_is_not_offered(client, world, provider):
    identity_provider = add_identity_provider(
        world.acme, provider, domains="acme.example", is_active=False
    )
    client.defaults["HTTP_HOST"] = "acme.localhost"

    assert b"Sign in with" not in client.get("/accounts/login/").content
    assert client.post(login_path(identity_provider)).status_code == 404


def test_single_sign_on_still_asks_for_the_two_factor_code(client, world, provider):
    acme = world.acme
    member = acme.mentees[0]
    TOTP.activate(member, generate_totp_secret())
    identity_provider = add_identity_provider(acme, provider, domains="acme.example")
    provider.sign_in_as("okta|6006", member.email)

    response = come_back(client, sign_in_at_provider(client, acme, identity_provider, provider))

    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
    assert signed_in_user_id(client) is None


def test_the_sign_in_page_lets_its_form_go_to_the_providers_origin_only(client, world, provider):
    add_identity_provider(world.acme, provider)
    acme_policy = client.get("/accounts/login/", HTTP_HOST="acme.localhost")[
        "Content-Security-Policy"
    ]
    globex_policy = client.get("/accounts/login/", HTTP_HOST="globex.localhost")[
        "Content-Security-Policy"
    ]
    assert f"form-action 'self' {provider.issuer};" in acme_policy
    assert "form-action 'self';" in globex_policy
    assert "script-src 'self';" in acme_policy


def test_the_connected_accounts_page_is_not_offered(client, world):
    client_for(client, world.acme.organization, world.acme.mentees[0])
    assert client.get("/accounts/3rdparty/").status_code == 404


def test_a_listed_domain_nobody_verified_signs_in_nobody(client, world, provider):
    acme = world.acme
    member = make_user("sam.rivera@consultants.example")
    add_member(acme.organization, member, name="Sam")
    identity_provider = add_identity_provider(
        acme, provider, domains="consultants.example", verify=False
    )
    provider.sign_in_as("okta|7007", member.email)

    response = come_back(client, sign_in_at_provider(client, acme, identity_provider, provider))

    assert response.status_code == 403
    assert b"none of its domains has been verified" in response.content
    assert signed_in_user_id(client) is None
    assert sso_failures(acme) == [
        "Single sign-on through Acme Okta refused: no verified domain "
        "(address at consultants.example)"
    ]


def test_a_provider_listing_no_domain_signs_in_nobody(client, world, provider):
    acme = world.acme
    identity_provider = add_identity_provider(acme, provider)  # once "any address"
    provider.sign_in_as("okta|7008", acme.mentees[0].email)

    response = come_back(client, sign_in_at_provider(client, acme, identity_provider, provider))

    assert response.status_code == 403 and signed_in_user_id(client) is None


def test_a_domain_the_operator_withdraws_signs_in_nobody_any_more(client, world, provider):
    acme = world.acme
    identity_provider = add_identity_provider(acme, provider, domains="acme.example")
    provider.sign_in_as("okta|7009", acme.mentees[0].email)
    come_back(client, sign_in_at_provider(client, acme, identity_provider, provider))
    assert signed_in_user_id(client) == str(acme.mentees[0].pk)
    client.post("/accounts/logout/")

    assert domain_unverify(domain="acme.example")
    response = come_back(client, sign_in_at_provider(client, acme, identity_provider, provider))

    assert response.status_code == 403 and signed_in_user_id(client) is None


def test_a_domain_is_verified_for_one_organization_only(world):
    domain_verify(organization=world.acme.organization, domain="Acme.example")

    with pytest.raises(DomainError, match="already verified for Acme"):
        domain_verify(organization=world.globex.organization, domain="acme.example")
    # Whatever writes it, PostgreSQL keeps the domain with one organization.
    with pytest.raises(IntegrityError), transaction.atomic():
        VerifiedDomain.objects.create(domain="acme.example", organization=world.globex.organization)
    assert VerifiedDomain.objects.get().organization == world.acme.organization


@pytest.mark.parametrize("domain", ["gmail.com", "Outlook.com", "proton.me"])
def test_a_public_mail_domain_can_never_be_verified(world, domain):
    with pytest.raises(DomainError, match="public mail service"):
        domain_verify(organization=world.acme.organization, domain=domain)
    with pytest.raises(IntegrityError), transaction.atomic():
        VerifiedDomain.objects.create(domain=domain.lower(), organization=world.acme.organization)
    assert not VerifiedDomain.objects.exists()


def test_the_operator_verifies_and_withdraws_a_domain_with_a_command(world):
    out = StringIO()
    call_command("verify_domain", "acme", "acme.example", stdout=out)
    assert "acme.example is verified for Acme" in out.getvalue()
    with pytest.raises(CommandError, match="already verified for Acme"):
        call_command("verify_domain", "globex", "acme.example")
    call_command("verify_domain", "acme", "acme.example", "--remove", stdout=out)
    assert not VerifiedDomain.objects.exists()


def test_a_provider_that_cannot_be_reached_gets_a_page_that_says_so(client, world, provider):
    acme = world.acme
    identity_provider = add_identity_provider(acme, provider, domains="acme.example")
    with activate(acme.organization):
        IdentityProvider.objects.filter(pk=identity_provider.pk).update(
            issuer_url=closed_port_url()
        )
    client.defaults["HTTP_HOST"] = "acme.localhost"

    response = client.post(login_path(identity_provider))

    assert response.status_code == 502
    assert b"Acme Okta is not answering right now" in response.content
    assert sso_failures(acme) == [
        "Single sign-on through Acme Okta refused: the provider could not be reached "
        "(ConnectionError)"
    ]


def test_a_failed_exchange_with_the_provider_is_logged_with_its_reason(client, world, provider):
    acme = world.acme
    identity_provider = add_identity_provider(acme, provider, domains="acme.example")
    provider.clients[identity_provider.client_id].secret = "rotated-at-the-provider"
    provider.sign_in_as("okta|8008", acme.mentees[0].email)

    response = come_back(client, sign_in_at_provider(client, acme, identity_provider, provider))

    assert b"Single sign-on did not work" in response.content
    assert signed_in_user_id(client) is None
    assert sso_failures(acme) == [
        "Single sign-on through Acme Okta refused: the sign-in did not complete (OAuth2Error)"
    ]


@pytest.mark.django_db(transaction=True, databases=["default", "owner"])
def test_deleting_an_organization_frees_its_verified_domains(world):
    domain_verify(organization=world.acme.organization, domain="acme.example")

    delete_organization_rows(world.acme.organization)

    assert not VerifiedDomain.objects.exists()
    domain_verify(organization=world.globex.organization, domain="acme.example")
