"""Single sign-on: each organization's own OpenID Connect identity providers.

An organization's program managers register its providers (``IdentityProvider``, in the
organization admin). allauth's OpenID Connect support does the protocol; this adapter
decides which providers exist and who may come in through them:

- ``list_apps`` builds allauth ``SocialApp`` objects in memory from the *host's*
  organization's active providers only (and the one provider a manager is test-signing
  in with). Another organization's provider is unknown on this host, so its sign-in
  and callback URLs are a 404 here.
- The provider id names both the organization and the provider (``org<id>-<key>``),
  and social accounts are stored under it: an account connected through one
  organization's provider never matches a sign-in through another's.
- No sign-up through single sign-on. ``pre_social_login`` admits only an active member
  of this organization whose address is in a domain the platform operator verified for
  this organization (``domains``), that the provider lists, and that the provider says
  it verified (``email_verified``). The first time, it connects the provider's account.
- The session it opens is this host's only (host-only cookies); whatever changes the
  account everywhere (addresses, password, two-factor) asks for the password or a
  second factor again (``ACCOUNT_REAUTHENTICATION_REQUIRED``), which single sign-on
  does not give.
- Every refusal or failure is a page that says why, never an error, and an entry in
  the organization's audit log with its reason.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthProcess
from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mentoring.audit.models import AuditAction
from mentoring.audit.services import record_event
from mentoring.security import CONTENT_SECURITY_POLICY
from mentoring.tenancy.hosts import organization_url
from mentoring.tenancy.models import Membership

from .domains import domain_of, normalize_domain, verified_domains
from .models import IdentityProvider
from .sso_discovery import logout_url

PROVIDER = "openid_connect"
# The provider a manager is test-signing in with (its pk), and the one this session
# came in through (its pk, for the sign-out page).
TEST_SESSION_KEY = "sso_test_provider"
SIGNED_IN_SESSION_KEY = "sso_signed_in_provider"


def provider_id_for(identity_provider: IdentityProvider) -> str:
    key = identity_provider.key or f"idp{identity_provider.pk}"
    return f"org{identity_provider.organization_id}-{key}"


def listed_domains(identity_provider: IdentityProvider) -> list[str]:
    return [
        normalize_domain(domain)
        for domain in identity_provider.email_domains.split(",")
        if domain.strip()
    ]


def allowed_domains(identity_provider: IdentityProvider) -> list[str]:
    """The listed domains the platform operator verified for the provider's organization."""
    verified = verified_domains(identity_provider.organization)
    return [domain for domain in listed_domains(identity_provider) if domain in verified]


def _organization(request):
    return getattr(request, "organization", None) if request is not None else None


def _session(request) -> dict:
    return getattr(request, "session", None) or {}


def offered_identity_providers(request) -> list[IdentityProvider]:
    """The host organization's active providers, and the one being test-signed-in with."""
    organization = _organization(request)
    if organization is None:
        return []
    testing = _session(request).get(TEST_SESSION_KEY)
    offered = Q(is_active=True) | Q(pk=testing) if testing else Q(is_active=True)
    return list(IdentityProvider.objects.filter(offered, organization=organization))


def active_identity_providers(organization) -> list[IdentityProvider]:
    """The organization's active providers (none on the platform's own domain)."""
    if organization is None:
        return []
    return list(IdentityProvider.objects.filter(organization=organization, is_active=True))


def identity_provider_for(request, provider_id: str) -> IdentityProvider | None:
    """The host organization's offered provider with this provider id, or None."""
    for identity_provider in offered_identity_providers(request):
        if provider_id_for(identity_provider) == provider_id:
            return identity_provider
    return None


def signed_in_provider(request) -> IdentityProvider | None:
    """The host organization's provider this session came in through, if any."""
    pk = _session(request).get(SIGNED_IN_SESSION_KEY)
    organization = _organization(request)
    if not pk or organization is None:
        return None
    return IdentityProvider.objects.filter(organization=organization, pk=pk).first()


def provider_logout_url(identity_provider: IdentityProvider, request=None) -> str:
    """The provider's sign-out, coming back to the sign-in page of the host the person
    is on (the tenancy middleware resolved the organization from it), else the
    organization's own address."""
    path = reverse("account_login")
    if request is not None:
        after = request.build_absolute_uri(path)
    else:
        after = organization_url(identity_provider.organization, path)
    return logout_url(
        identity_provider.end_session_url, client_id=identity_provider.client_id, after=after
    )


def social_app_for(identity_provider: IdentityProvider, request=None):
    from allauth.socialaccount.models import SocialApp

    return SocialApp(
        provider=PROVIDER,
        provider_id=provider_id_for(identity_provider),
        name=identity_provider.name,
        client_id=identity_provider.client_id,
        secret=identity_provider.client_secret,
        settings={
            "server_url": identity_provider.issuer_url.rstrip("/"),
            "oauth_pkce_enabled": True,
            "logout_url": provider_logout_url(identity_provider, request),
        },
    )


def _claims(sociallogin) -> dict:
    data = sociallogin.account.extra_data or {}
    return data.get("userinfo") or data.get("id_token") or {}


def _vouched(value) -> bool | None:
    """The provider's ``email_verified`` claim: True, False, or None when it says nothing."""
    if isinstance(value, str):
        return {"true": True, "false": False}.get(value.strip().lower())
    return value if isinstance(value, bool) else None


class SignInRefused(Exception):
    """Why a person may not come in through single sign-on.

    ``message`` is shown to them; ``reason`` goes to the audit log (no address, only
    its domain).
    """

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


def record_sso_failure(request, identity_provider, reason: str, user=None) -> None:
    """One audit event for a refused or failed single sign-on, with its reason."""
    organization = _organization(request)
    if organization is None:
        return
    name = identity_provider.name if identity_provider is not None else "an unknown provider"
    record_event(
        organization=organization,
        action=AuditAction.SIGN_IN_FAILED,
        actor=user,
        actor_label="" if user is not None else "single sign-on",
        target=identity_provider,
        summary=f"Single sign-on through {name} refused: {reason}",
        request=request,
    )


def admitted_address(identity_provider: IdentityProvider, claims: dict) -> str:
    """The address the provider vouches for, if its rules admit it; else SignInRefused."""
    name = identity_provider.name
    email = (claims.get("email") or "").strip().lower()
    if "@" not in email:
        raise SignInRefused(
            _("%(provider)s did not tell us your email address.") % {"provider": name},
            "no email claim",
        )
    domain = domain_of(email)
    domains = allowed_domains(identity_provider)
    if not domains:
        raise SignInRefused(
            _(
                "%(provider)s cannot sign anyone in yet: none of its domains has been "
                "verified for this organization. Ask your program manager."
            )
            % {"provider": name},
            f"no verified domain (address at {domain})",
        )
    if domain not in domains:
        raise SignInRefused(
            _("%(provider)s may sign in addresses at %(domains)s only, not %(email)s.")
            % {"provider": name, "domains": ", ".join(domains), "email": email},
            f"address at {domain}, not a verified domain of the provider",
        )
    vouched = _vouched(claims.get("email_verified"))
    if vouched is False or (vouched is None and not identity_provider.never_sends_email_verified):
        said = "email_verified false" if vouched is False else "no email_verified claim"
        raise SignInRefused(
            _("%(provider)s has not verified the address %(email)s.")
            % {"provider": name, "email": email},
            f"{said} (address at {domain})",
        )
    return email


class OrganizationSocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        apps = [social_app_for(idp, request) for idp in offered_identity_providers(request)]
        if provider:
            apps = [app for app in apps if provider in (app.provider, app.provider_id)]
        if client_id:
            apps = [app for app in apps if app.client_id == client_id]
        return apps

    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False  # people join through an invitation, whatever way they sign in

    def is_auto_signup_allowed(self, request, sociallogin) -> bool:
        return False

    def pre_social_login(self, request, sociallogin):
        identity_provider = identity_provider_for(request, sociallogin.account.provider)
        if identity_provider is not None and _session(request).get(TEST_SESSION_KEY) == (
            identity_provider.pk
        ):
            raise ImmediateHttpResponse(_finish_test(request, identity_provider, sociallogin))
        try:
            user = self._member_for(request, identity_provider, sociallogin)
        except SignInRefused as refusal:
            known = sociallogin.user if sociallogin.is_existing else None
            record_sso_failure(request, identity_provider, refusal.reason, user=known)
            context = {"reason": str(refusal)}
            response = render(request, "socialaccount/sso_refused.html", context, status=403)
            raise ImmediateHttpResponse(response) from refusal
        if not sociallogin.is_existing:
            sociallogin.connect(request, user)
        request.session[SIGNED_IN_SESSION_KEY] = identity_provider.pk

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        app = getattr(provider, "app", None)
        identity_provider = identity_provider_for(request, getattr(app, "provider_id", ""))
        cause = type(exception).__name__ if exception is not None else (error or "unknown")
        record_sso_failure(request, identity_provider, f"the sign-in did not complete ({cause})")
        if hasattr(request, "session"):
            request.session.pop(TEST_SESSION_KEY, None)

    def _member_for(self, request, identity_provider, sociallogin):
        """The member this sign-in is for, or SignInRefused with the reason."""
        if identity_provider is None:
            raise SignInRefused(
                _("This sign-in service does not belong to this organization."),
                "provider unknown on this host",
            )
        if sociallogin.state.get("process", AuthProcess.LOGIN) != AuthProcess.LOGIN:
            raise SignInRefused(
                _("Single sign-on can only be used to sign in."), "not a sign-in (connect)"
            )
        email = admitted_address(identity_provider, _claims(sociallogin))
        if sociallogin.is_existing:
            user = sociallogin.user
        else:
            # The first time: the member of this organization whose verified address this is.
            membership = (
                Membership.objects.filter(
                    is_active=True,
                    user__is_active=True,
                    user__emailaddress__email__iexact=email,
                    user__emailaddress__verified=True,
                )
                .select_related("user")
                .first()
            )
            user = membership.user if membership else None
        if user is None or not (
            user.is_active and Membership.objects.filter(user=user, is_active=True).exists()
        ):
            raise SignInRefused(
                _(
                    "%(email)s is not a member of this organization. Ask your program manager "
                    "for an invitation."
                )
                % {"email": email},
                f"not a member here (address at {domain_of(email)})",
            )
        return user


def identity_provider_record_test(*, identity_provider: IdentityProvider) -> None:
    """A manager's test sign-in through the provider succeeded: it may be switched on.
    (The audit log's row trigger records the change, with who made it.)"""
    identity_provider.tested_at = timezone.now()
    identity_provider.save(update_fields=["tested_at"])


def test_sign_in_start(request, identity_provider: IdentityProvider) -> None:
    """Offer ``identity_provider`` to this session (a manager's) for one test sign-in."""
    request.session[TEST_SESSION_KEY] = identity_provider.pk


def _finish_test(request, identity_provider: IdentityProvider, sociallogin):
    """The end of a manager's test sign-in: nobody is signed in; the admin says how it went."""
    request.session.pop(TEST_SESSION_KEY, None)
    change_page = reverse("admin:mentoring_identityprovider_change", args=[identity_provider.pk])
    try:
        email = admitted_address(identity_provider, _claims(sociallogin))
    except SignInRefused as refusal:
        record_sso_failure(request, identity_provider, f"test sign-in: {refusal.reason}")
        name = identity_provider.name
        messages.error(
            request,
            _("The test sign-in reached %(provider)s, but: %(refusal)s")
            % {"provider": name, "refusal": refusal},
        )
        return redirect(change_page)
    identity_provider_record_test(identity_provider=identity_provider)
    messages.success(
        request,
        _(
            "Test sign-in through %(provider)s worked: it vouched for %(email)s. "
            "You can switch it on now."
        )
        % {"provider": identity_provider.name, "email": email},
    )
    return redirect(change_page)


def provider_unreachable(request, identity_provider, error) -> object:
    """The page for a provider that cannot be reached right now (and its audit event)."""
    record_sso_failure(
        request, identity_provider, f"the provider could not be reached ({type(error).__name__})"
    )
    name = identity_provider.name if identity_provider is not None else _("Your sign-in service")
    return render(
        request,
        "socialaccount/sso_unreachable.html",
        {"provider_name": name},
        status=502,
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


SIGN_IN_URL_NAMES = frozenset(
    {"account_login", "openid_connect_login", "mentoring_identityprovider_test_sign_in"}
)
SSO_URL_NAMES = frozenset({"openid_connect_login", "openid_connect_callback"})


class SignInFormActionMiddleware:
    """Let the sign-in forms go on to the organization's identity providers, and answer
    an unreachable provider with a page that says so.

    Starting single sign-on posts a form whose answer redirects to the provider, and
    browsers apply the page's ``form-action`` to that redirect. On the pages that
    start it, the policy also names the origins of the host organization's providers
    (their issuers' origins, where the authorization endpoint lives).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is None or match.url_name not in SIGN_IN_URL_NAMES:
            return response
        origins = sorted({_origin(idp.issuer_url) for idp in offered_identity_providers(request)})
        if origins and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
                "form-action 'self'", "form-action 'self' " + " ".join(origins)
            )
        return response

    def process_exception(self, request, exception):
        match = getattr(request, "resolver_match", None)
        if not isinstance(exception, requests.RequestException) or match is None:
            return None
        if match.url_name not in SSO_URL_NAMES:
            return None
        provider_id = match.kwargs.get("provider_id", "")
        return provider_unreachable(request, identity_provider_for(request, provider_id), exception)
