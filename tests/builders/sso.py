"""Single sign-on in tests: an organization's provider against a real one on loopback.

Import the ``provider`` fixture into a test module (``from tests.builders.sso import
provider_fixture``) and set providers up with ``add_identity_provider``.
"""

import socket
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from mentoring.accounts.domains import domain_verify
from mentoring.accounts.models import IdentityProvider
from mentoring.accounts.sso import provider_id_for
from mentoring.audit.models import AuditAction, AuditEvent
from mentoring.tenancy import activate

from .oidc_provider import OpenIDProvider


@pytest.fixture(name="provider")
def provider_fixture(monkeypatch):
    """A real OpenID Connect provider on loopback (``tests/builders/oidc_provider.py``)."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")  # loopback, whatever the shell says
    with OpenIDProvider() as running:
        yield running


def add_identity_provider(
    org, provider, *, name=None, domains="", is_active=True, verify=True, **fields
):
    """A provider of ``org`` listing ``domains``, verified by the operator (``verify``),
    tested and switched on (``is_active``)."""
    slug = org.organization.slug
    for domain in filter(None, (d.strip() for d in domains.split(","))):
        if verify:
            domain_verify(organization=org.organization, domain=domain)
    with activate(org.organization):
        identity_provider = IdentityProvider.objects.create(
            organization=org.organization,
            name=name or f"{slug.title()} Okta",
            issuer_url=provider.issuer,
            client_id=f"mentoring-{slug}",
            client_secret=f"secret-of-{slug}",
            email_domains=domains,
            end_session_url=f"{provider.issuer}/logout",
            tested_at=timezone.now() if is_active else None,
            is_active=is_active,
            **fields,
        )
    provider.register_client(
        identity_provider.client_id,
        identity_provider.client_secret,
        f"http://{slug}.localhost{callback_path(identity_provider)}",
    )
    return identity_provider


def sso_failures(org) -> list[str]:
    """The summaries of the organization's audit events for refused single sign-ons."""
    with activate(org.organization):
        events = AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED).order_by("pk")
        return [event.summary for event in events]


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


def closed_port_url() -> str:
    """An http address on loopback where nothing listens (a provider that is down)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


_shared: OpenIDProvider | None = None


def shared_provider() -> OpenIDProvider:
    """One loopback provider for the whole test run, for sweeps that save admin forms
    (saving a provider reads its issuer's discovery document)."""
    global _shared
    if _shared is None:
        _shared = OpenIDProvider().__enter__()
    return _shared


def provider_form_fields(organization) -> dict:
    """What the organization admin's add form needs to save a provider: a reachable
    issuer and a domain verified for the organization (tests allow loopback issuers
    with ``settings.SSO_ALLOW_INSECURE_ISSUERS = True``)."""
    domain = f"{organization.slug}.example"
    domain_verify(organization=organization, domain=domain)
    return {
        "name": f"{organization.slug.title()} Okta",
        "issuer_url": shared_provider().issuer,
        "client_id": "client",
        "client_secret": "secret",
        "email_domains": domain,
    }
