"""Single sign-on through an organization's own OpenID Connect provider.

Every test runs a real provider on loopback (tests/mentoring/oidc_provider.py): the
browser's part is played by the test client on our side and by plain HTTP on the
provider's side, and the platform talks to the provider over HTTP as it would in
production (discovery, token exchange with PKCE, userinfo).
"""

from urllib.parse import urlsplit

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse
from django.utils.html import escape

from mentoring.accounts.models import IdentityProvider
from mentoring.accounts.sso import provider_id_for
from mentoring.tenancy import activate
from mentoring.tenancy.admin import organization_admin_site
from tests.builders.clients import client_for
from tests.builders.world import add_member, make_user
from tests.mentoring.oidc_provider import OpenIDProvider


@pytest.fixture
def provider(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")  # loopback, whatever the shell says
    with OpenIDProvider() as running:
        yield running


def add_identity_provider(org, provider, *, name=None, domains="", is_active=True):
    slug = org.organization.slug
    with activate(org.organization):
        identity_provider = IdentityProvider.objects.create(
            organization=org.organization,
            name=name or f"{slug.title()} Okta",
            issuer_url=provider.issuer,
            client_id=f"mentoring-{slug}",
            client_secret=f"secret-of-{slug}",
            email_domains=domains,
            is_active=is_active,
        )
    provider.register_client(
        identity_provider.client_id,
        identity_provider.client_secret,
        f"http://{slug}.localhost{callback_path(identity_provider)}",
    )
    return identity_provider


def login_path(identity_provider) -> str:
    return reverse(
        "openid_connect_login", kwargs={"provider_id": provider_id_for(identity_provider)}
    )


def callback_path(identity_provider) -> str:
    return reverse(
        "openid_connect_callback", kwargs={"provider_id": provider_id_for(identity_provider)}
    )


def sign_in_at_provider(client, org, identity_provider, provider) -> str:
    """Press "Sign in with …" on the organization's host and pass the provider's page;
    return the URL the provider sends the browser back to."""
    client.defaults["HTTP_HOST"] = f"{org.organization.slug}.localhost"
    response = client.post(login_path(identity_provider))
    assert response.status_code == 302, response.content[:2000]
    assert response["Location"].startswith(f"{provider.issuer}/authorize?")
    return provider.authorize(response["Location"])


def come_back(client, url: str, host: str | None = None):
    parts = urlsplit(url)
    return client.get(f"{parts.path}?{parts.query}", HTTP_HOST=host or parts.netloc)


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


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
    identity_provider = add_identity_provider(acme, provider)
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
    identity_provider = add_identity_provider(acme, provider)  # any domain
    provider.sign_in_as("okta|3003", world.globex.mentees[0].email)  # a member elsewhere

    response = come_back(client, sign_in_at_provider(client, acme, identity_provider, provider))

    assert response.status_code == 403
    assert b"is not a member of this organization" in response.content
    assert signed_in_user_id(client) is None
    assert not SocialAccount.objects.exists()


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
    ("email_verified", "domains", "admitted"),
    [(False, "acme.example", False), (None, "", False), (None, "acme.example", True)],
    ids=["said-unverified", "silent-and-no-domains", "silent-for-its-own-domain"],
)
def test_the_provider_must_vouch_for_the_address(
    client, world, provider, email_verified, domains, admitted
):
    acme = world.acme
    identity_provider = add_identity_provider(acme, provider, domains=domains)
    provider.sign_in_as("okta|5005", acme.mentors[0].email, email_verified=email_verified)

    response = come_back(client, sign_in_at_provider(client, acme, identity_provider, provider))

    if admitted:
        assert signed_in_user_id(client) == str(acme.mentors[0].pk)
    else:
        assert response.status_code == 403 and b"has not verified the address" in response.content
        assert signed_in_user_id(client) is None


def test_an_inactive_provider_is_not_offered(client, world, provider):
    identity_provider = add_identity_provider(world.acme, provider, is_active=False)
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


# --- the organization admin ----------------------------------------------------------


def test_a_manager_adds_a_provider_whose_secret_is_never_shown_again(client, world):
    client_for(client, world.acme.organization, world.acme.manager)
    add_url = reverse("admin:mentoring_identityprovider_add")
    response = client.post(
        add_url,
        {
            "name": "Acme Entra",
            "issuer_url": "https://login.acme.example/tenant/v2.0/",
            "client_id": "platform",
            "client_secret": "s3cret-NEVER-SHOWN",
            "email_domains": "@Acme.example, acme-labs.example",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content[:3000]
    with activate(world.acme.organization):
        identity_provider = IdentityProvider.objects.get(name="Acme Entra")
    assert identity_provider.issuer_url == "https://login.acme.example/tenant/v2.0"
    assert identity_provider.email_domains == "acme.example, acme-labs.example"

    change_url = reverse("admin:mentoring_identityprovider_change", args=[identity_provider.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    assert b"s3cret-NEVER-SHOWN" not in page.content
    callback = f"http://acme.localhost{callback_path(identity_provider)}"
    assert callback.encode() in page.content  # what to register at the provider

    fields = {
        "name": "Acme Entra",
        "issuer_url": identity_provider.issuer_url,
        "client_id": "platform",
        "client_secret": "",
        "email_domains": "acme.example",
    }
    assert client.post(change_url, fields).status_code == 302
    with activate(world.acme.organization):
        identity_provider.refresh_from_db()
    assert identity_provider.client_secret == "s3cret-NEVER-SHOWN"  # empty keeps it
    assert not identity_provider.is_active
    assert client.post(change_url, {**fields, "client_secret": "rotated"}).status_code == 302
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
        reverse("admin:mentoring_identityprovider_add"),
        {"name": "X", "issuer_url": issuer, "client_id": "c", "client_secret": "s"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"issuer_url": [problem]}
    assert escape(problem) in response.content.decode()
    with activate(world.acme.organization):
        assert not IdentityProvider.objects.exists()


def test_allauths_own_admin_pages_are_not_on_the_organization_admin(client, world):
    registered = {model._meta.app_label for model in organization_admin_site._registry}
    assert not registered & {"socialaccount", "mfa", "account"}
    client_for(client, world.acme.organization, world.acme.manager)
    assert client.get("/admin/socialaccount/socialapp/").status_code == 404
    assert client.get("/admin/mfa/authenticator/").status_code == 404
