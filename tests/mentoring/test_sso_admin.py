"""Single sign-on in the organization admin (a manager sets a provider up) and in the
platform admin (the operator verifies which organization a mail domain belongs to)."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from mentoring.accounts.domains import domain_verify
from mentoring.accounts.models import IdentityProvider, VerifiedDomain
from mentoring.tenancy import activate
from mentoring.tenancy.admin import organization_admin_site
from tests.builders.clients import client_for, platform_operator
from tests.builders.sso import (
    add_identity_provider,
    callback_path,
    closed_port_url,
    come_back,
    provider_fixture,  # noqa: F401  (the ``provider`` fixture)
    signed_in_user_id,
    sso_failures,
)

ADD_URL = "/admin/mentoring/identityprovider/add/"


@pytest.fixture
def loopback_issuers(settings):
    settings.SSO_ALLOW_INSECURE_ISSUERS = True  # the test provider is plain http on loopback


def change_url(identity_provider) -> str:
    return reverse("admin:mentoring_identityprovider_change", args=[identity_provider.pk])


def trial_url(identity_provider) -> str:
    return reverse("admin:mentoring_identityprovider_test_sign_in", args=[identity_provider.pk])


def untested_provider_with_its_manager(client, org, provider):
    """A provider of ``org`` never tested (so off), and its manager signed in on the admin."""
    identity_provider = add_identity_provider(
        org, provider, domains=f"{org.organization.slug}.example", is_active=False
    )
    client_for(client, org.organization, org.manager)
    return identity_provider


def through_a_test_sign_in(client, identity_provider, provider):
    """Press "Test sign-in", go to the provider and come back; the answer coming back."""
    page = client.get(trial_url(identity_provider))
    assert page.status_code == 200
    assert f"form-action 'self' {provider.issuer}" in page["Content-Security-Policy"]
    start = client.post(page.context["login_url"], {"process": "login"})
    assert start.status_code == 302, start.content[:2000]
    return come_back(client, provider.authorize(start["Location"]))


def form_errors(response) -> dict:
    assert response.status_code == 200, response.content[:2000]
    return response.context["adminform"].form.errors


def provider_fields(provider, **fields) -> dict:
    return {
        "name": "Acme Entra",
        "issuer_url": provider.issuer if provider else "",
        "client_id": "platform",
        "client_secret": "s3cret-NEVER-SHOWN",
        "email_domains": "acme.example",
        **fields,
    }


def test_the_callback_url_is_shown_before_the_provider_is_saved(
    client, world, provider, loopback_issuers
):
    domain_verify(organization=world.acme.organization, domain="acme.example")
    client_for(client, world.acme.organization, world.acme.manager)
    page = client.get(ADD_URL).content.decode()
    shown = re.search(r"<code>(http://acme\.localhost/accounts/oidc/[^<]+)</code>", page)
    key = re.search(r'name="callback_key" value="([a-z0-9]+)"', page)
    assert shown and key, page[:3000]

    response = client.post(ADD_URL, {**provider_fields(provider), "callback_key": key[1]})

    assert response.status_code == 302, response.content[:3000]
    with activate(world.acme.organization):
        identity_provider = IdentityProvider.objects.get()
    assert shown[1] == f"http://acme.localhost{callback_path(identity_provider)}"


def test_a_manager_adds_a_provider_whose_secret_is_never_shown_again(
    client, world, provider, loopback_issuers
):
    for domain in ("acme.example", "acme-labs.example"):
        domain_verify(organization=world.acme.organization, domain=domain)
    client_for(client, world.acme.organization, world.acme.manager)
    response = client.post(
        ADD_URL,
        provider_fields(
            provider,
            issuer_url=f"{provider.issuer}/",
            email_domains="@Acme.example, acme-labs.example",
        ),
    )
    assert response.status_code == 302, response.content[:3000]
    with activate(world.acme.organization):
        identity_provider = IdentityProvider.objects.get(name="Acme Entra")
    assert identity_provider.issuer_url == provider.issuer
    assert identity_provider.email_domains == "acme.example, acme-labs.example"
    assert identity_provider.end_session_url == f"{provider.issuer}/logout"  # from discovery
    assert not identity_provider.is_active  # until a test sign-in worked

    page = client.get(change_url(identity_provider))
    assert page.status_code == 200
    assert b"s3cret-NEVER-SHOWN" not in page.content
    callback = f"http://acme.localhost{callback_path(identity_provider)}"
    assert callback.encode() in page.content  # what to register at the provider

    fields = provider_fields(provider, client_secret="")
    assert client.post(change_url(identity_provider), fields).status_code == 302
    with activate(world.acme.organization):
        identity_provider.refresh_from_db()
    assert identity_provider.client_secret == "s3cret-NEVER-SHOWN"  # empty keeps it
    rotated = {**fields, "client_secret": "rotated"}
    assert client.post(change_url(identity_provider), rotated).status_code == 302
    with activate(world.acme.organization):
        identity_provider.refresh_from_db()
    assert identity_provider.client_secret == "rotated"


@pytest.mark.parametrize(
    ("issuer", "problem"),
    [
        ("http://login.acme.example", "Use the provider's https address."),
        ("https://localhost:8443", "The issuer must be a public address."),
        ("https://10.0.0.7", "The issuer must be a public address."),
    ],
)
def test_an_issuer_the_platform_should_not_fetch_from_is_refused(client, world, issuer, problem):
    client_for(client, world.acme.organization, world.acme.manager)
    response = client.post(
        ADD_URL, {"name": "X", "issuer_url": issuer, "client_id": "c", "client_secret": "s"}
    )
    assert form_errors(response) == {"issuer_url": [problem]}
    assert escape(problem) in response.content.decode()
    with activate(world.acme.organization):
        assert not IdentityProvider.objects.exists()


def test_saving_a_provider_whose_discovery_names_another_issuer_is_refused(
    client, world, provider, loopback_issuers
):
    domain_verify(organization=world.acme.organization, domain="acme.example")
    provider.stated_issuer = "https://login.elsewhere.example"
    client_for(client, world.acme.organization, world.acme.manager)

    errors = form_errors(client.post(ADD_URL, provider_fields(provider)))

    assert errors["issuer_url"] == [
        "The discovery document names the issuer “https://login.elsewhere.example”, not "
        f"{provider.issuer}. Use exactly the issuer it names."
    ]
    with activate(world.acme.organization):
        assert not IdentityProvider.objects.exists()


def test_saving_a_provider_that_cannot_be_reached_is_refused(client, world, loopback_issuers):
    domain_verify(organization=world.acme.organization, domain="acme.example")
    client_for(client, world.acme.organization, world.acme.manager)
    down = closed_port_url()

    fields = {"name": "Acme Entra", "issuer_url": down, "client_id": "c", "client_secret": "s"}

    response = client.post(ADD_URL, fields)

    assert "could not be reached (ConnectionError)" in form_errors(response)["issuer_url"][0]


@pytest.mark.parametrize(
    ("domain", "problem"),
    [
        ("consultants.example", "consultants.example is not verified for your organization."),
        ("gmail.com", "gmail.com is a public mail service"),
        ("globex.example", "globex.example is not verified for your organization."),
    ],
)
def test_a_provider_may_list_only_domains_verified_for_the_organization(
    client, world, provider, loopback_issuers, domain, problem
):
    domain_verify(organization=world.globex.organization, domain="globex.example")
    client_for(client, world.acme.organization, world.acme.manager)

    response = client.post(ADD_URL, provider_fields(provider, email_domains=domain))

    assert form_errors(response)["email_domains"][0].startswith(problem)


def test_a_provider_is_switched_on_only_after_a_test_sign_in_worked(
    client, world, provider, loopback_issuers
):
    acme = world.acme
    identity_provider = untested_provider_with_its_manager(client, acme, provider)
    switch_on = {**provider_fields(provider, client_id=identity_provider.client_id)}
    switch_on |= {"name": identity_provider.name, "client_secret": "", "is_active": "on"}
    errors = form_errors(client.post(change_url(identity_provider), switch_on))
    assert errors["is_active"][0].startswith("Switch it on after a test sign-in succeeded")

    provider.sign_in_as("okta|tester", acme.manager.email)
    response = through_a_test_sign_in(client, identity_provider, provider)

    assert response.status_code == 302 and response["Location"] == change_url(identity_provider)
    assert signed_in_user_id(client) == str(acme.manager.pk)  # still the manager, nobody new
    shown = client.get(response["Location"]).content.decode()
    assert f"Test sign-in through {identity_provider.name} worked" in shown
    assert client.post(change_url(identity_provider), switch_on).status_code == 302
    with activate(acme.organization):
        identity_provider.refresh_from_db()
    assert identity_provider.is_active and identity_provider.tested_at is not None


def test_a_test_sign_in_with_an_unverified_address_does_not_count(
    client, world, provider, loopback_issuers
):
    acme = world.acme
    identity_provider = untested_provider_with_its_manager(client, acme, provider)
    provider.sign_in_as("okta|tester", acme.manager.email, email_verified=None)

    response = through_a_test_sign_in(client, identity_provider, provider)

    shown = client.get(response["Location"]).content.decode()
    assert "has not verified the address" in shown
    with activate(acme.organization):
        identity_provider.refresh_from_db()
    assert identity_provider.tested_at is None
    assert sso_failures(acme) == [
        "Single sign-on through Acme Okta refused: test sign-in: no email_verified claim "
        "(address at acme.example)"
    ]


def test_another_organizations_inactive_provider_cannot_be_test_signed_in_here(
    client, world, provider
):
    globex_provider = add_identity_provider(
        world.globex, provider, domains="globex.example", is_active=False
    )
    client_for(client, world.acme.organization, world.acme.manager)
    assert client.get(trial_url(globex_provider)).status_code == 404


def test_allauths_own_admin_pages_are_not_on_the_organization_admin(client, world):
    registered = {model._meta.app_label for model in organization_admin_site._registry}
    assert not registered & {"socialaccount", "mfa", "account"}
    client_for(client, world.acme.organization, world.acme.manager)
    assert client.get("/admin/socialaccount/socialapp/").status_code == 404
    assert client.get("/admin/mfa/authenticator/").status_code == 404


# --- the platform admin ---------------------------------------------------------------


@pytest.fixture
def operator(client, db):
    return platform_operator(client)


def test_the_operator_verifies_a_domain_for_one_organization_only(operator, world):
    add = "/admin/mentoring/verifieddomain/add/"
    acme, globex = world.acme.organization, world.globex.organization
    assert (
        operator.post(add, {"domain": "Acme.example", "organization": acme.pk}).status_code == 302
    )
    verified = VerifiedDomain.objects.get()
    assert (verified.domain, verified.organization, verified.verified_by.email) == (
        "acme.example",
        acme,
        "operator@platform.example",
    )

    again = operator.post(add, {"domain": "acme.example", "organization": globex.pk})
    public = operator.post(add, {"domain": "gmail.com", "organization": globex.pk})

    assert "already verified for Acme" in form_errors(again)["domain"][0]
    assert "public mail service" in form_errors(public)["domain"][0]
    assert VerifiedDomain.objects.count() == 1
