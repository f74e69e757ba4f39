"""Single sign-on in a real browser through a real, independent OpenID Connect provider:
panva's oidc-provider from npm (``tests/oidc_node``), with its own sign-in pages.

Chromium goes from the organization's sign-in page to the provider, signs in there and
comes back; the platform talks to the provider over HTTP (discovery, token exchange
with PKCE, userinfo) as it would in production.
"""

import os

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.accounts.domains import domain_verify
from mentoring.accounts.models import IdentityProvider
from mentoring.accounts.sso_discovery import discover
from mentoring.tenancy import activate
from tests.builders.browser import org_url
from tests.builders.oidc_node import NODE, node_openid_provider
from tests.builders.world import add_member, build_world, make_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        NODE is None and not os.environ.get("REQUIRE_BROWSER"),
        reason="Node.js is not installed (it runs the OpenID provider)",
    ),
]

KEY = "nodeprovider"
PROVIDER_NAME = "Acme Node ID"


@pytest.fixture
def scene(live_server, monkeypatch):
    """Acme with a provider at the node server, and the people the tests sign in as."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    world = build_world()
    acme = world.acme.organization
    outsider = make_user("sam.rivera@consultants.example")  # a member of globex only
    add_member(world.globex.organization, outsider, name="Sam Rivera")
    contractor = make_user("casey@freelance.example")  # a member of acme, unverified domain
    add_member(acme, contractor, name="Casey")
    for domain in ("acme.example", "consultants.example"):
        domain_verify(organization=acme, domain=domain)
    provider_id = f"org{acme.pk}-{KEY}"
    callback = reverse("openid_connect_callback", kwargs={"provider_id": provider_id})
    accounts = {
        "mentee": {"email": world.acme.mentees[0].email, "email_verified": True},
        "unverified": {"email": world.acme.mentors[0].email, "email_verified": False},
        "silent": {"email": world.acme.mentors[1].email},  # no email_verified at all
        "contractor": {"email": contractor.email, "email_verified": True},
        "outsider": {"email": outsider.email, "email_verified": True},
    }
    client = {
        "client_id": "mentoring-acme",
        "client_secret": "browser-test-secret",
        "redirect_uris": [org_url(live_server, "acme", callback)],
        "post_logout_redirect_uris": [org_url(live_server, "acme", "/accounts/login/")],
    }
    with node_openid_provider(clients=[client], accounts=accounts) as issuer:
        discovery = discover(issuer)  # the real provider's document passes the check
        with activate(acme):
            IdentityProvider.objects.create(
                organization=acme,
                name=PROVIDER_NAME,
                key=KEY,
                issuer_url=issuer,
                client_id=client["client_id"],
                client_secret=client["client_secret"],
                email_domains="acme.example, consultants.example, freelance.example",
                end_session_url=discovery.end_session_url,
                tested_at=timezone.now(),
                is_active=True,
            )
        yield world, issuer


def through_the_provider(page, live_server, login: str) -> None:
    """Press the provider's button on acme's sign-in page and sign in there as ``login``."""
    page.goto(org_url(live_server, "acme", "/accounts/login/"))
    page.get_by_role("button", name=f"Sign in with {PROVIDER_NAME}").click()
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any")
    page.get_by_role("button", name="Sign-in").click()
    consent = page.get_by_role("button", name="Continue")
    if consent.count():
        consent.click()
    page.wait_for_url(f"{org_url(live_server, 'acme', '/')}**")


def test_a_member_signs_in_through_a_real_provider_and_signs_out_of_it_too(
    page, live_server, scene
):
    world, issuer = scene
    through_the_provider(page, live_server, "mentee")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welcome")
    assert world.globex.sentinel not in page.content()

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name=f"Sign out of {PROVIDER_NAME}").click()
    assert page.url.startswith(f"{issuer}/session/end")
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(org_url(live_server, "acme", "/accounts/login/"))

    # Signed out at the provider as well: the next person is asked who they are there.
    page.get_by_role("button", name=f"Sign in with {PROVIDER_NAME}").click()
    assert page.locator("input[name=login]").is_visible()


@pytest.mark.parametrize(
    ("login", "reason"),
    [
        ("unverified", "has not verified the address"),
        ("silent", "has not verified the address"),
        ("contractor", "may sign in addresses at acme.example, consultants.example only"),
        ("outsider", "is not a member of this organization"),
    ],
    ids=["email-verified-false", "email-verified-missing", "unverified-domain", "other-org"],
)
def test_a_real_providers_answer_is_refused_when_the_rules_say_no(
    page, live_server, scene, login, reason
):
    through_the_provider(page, live_server, login)

    assert reason in page.content()
    assert page.get_by_role("heading", level=1).inner_text() == "You cannot sign in this way"
    page.goto(org_url(live_server, "acme", "/"))
    assert "/accounts/login/" in page.url  # nobody is signed in
