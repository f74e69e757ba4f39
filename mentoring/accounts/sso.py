"""Single sign-on: each organization's own OpenID Connect identity providers.

An organization's program managers register its providers (``IdentityProvider``, in the
organization admin). allauth's OpenID Connect support does the protocol; this adapter
decides which providers exist and who may come in through them:

- ``list_apps`` builds allauth ``SocialApp`` objects in memory from the *host's*
  organization's active providers only. Another organization's provider is unknown
  on this host, so its sign-in and callback URLs are a 404 here.
- The provider id names both the organization and the provider (``org<id>-idp<id>``),
  and social accounts are stored under it: an account connected through one
  organization's provider never matches a sign-in through another's.
- No sign-up through single sign-on. ``pre_social_login`` admits only an active member
  of this organization whose address the provider vouches for and whose domain the
  provider may speak for; the first time, it connects the provider's account to them.
  Any refusal is a page that says why, never an error.
"""

from urllib.parse import urlsplit

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthProcess
from django.shortcuts import render

from mentoring.security import CONTENT_SECURITY_POLICY
from mentoring.tenancy.models import Membership

from .models import IdentityProvider

PROVIDER = "openid_connect"


def provider_id_for(identity_provider: IdentityProvider) -> str:
    return f"org{identity_provider.organization_id}-idp{identity_provider.pk}"


def allowed_domains(identity_provider: IdentityProvider) -> list[str]:
    return [
        domain.strip().lower().lstrip("@")
        for domain in identity_provider.email_domains.split(",")
        if domain.strip()
    ]


def _organization(request):
    return getattr(request, "organization", None) if request is not None else None


def active_identity_providers(organization) -> list[IdentityProvider]:
    """The organization's active providers (none on the platform's own domain)."""
    if organization is None:
        return []
    return list(IdentityProvider.objects.filter(organization=organization, is_active=True))


def identity_provider_for(request, provider_id: str) -> IdentityProvider | None:
    """The host organization's active provider with this provider id, or None."""
    for identity_provider in active_identity_providers(_organization(request)):
        if provider_id_for(identity_provider) == provider_id:
            return identity_provider
    return None


def social_app_for(identity_provider: IdentityProvider):
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
    """Why a person may not come in through single sign-on (shown to them)."""


class OrganizationSocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        organization = _organization(request)
        apps = [social_app_for(idp) for idp in active_identity_providers(organization)]
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
        try:
            user = self._member_for(request, sociallogin)
        except SignInRefused as refusal:
            context = {"reason": str(refusal)}
            response = render(request, "socialaccount/sso_refused.html", context, status=403)
            raise ImmediateHttpResponse(response) from refusal
        if not sociallogin.is_existing:
            sociallogin.connect(request, user)

    def _member_for(self, request, sociallogin):
        """The member this sign-in is for, or SignInRefused with the reason."""
        identity_provider = identity_provider_for(request, sociallogin.account.provider)
        if identity_provider is None:
            raise SignInRefused("This sign-in service does not belong to this organization.")
        if sociallogin.state.get("process", AuthProcess.LOGIN) != AuthProcess.LOGIN:
            raise SignInRefused("Single sign-on can only be used to sign in.")
        claims = _claims(sociallogin)
        email = (claims.get("email") or "").strip().lower()
        if "@" not in email:
            raise SignInRefused(f"{identity_provider.name} did not tell us your email address.")
        domains = allowed_domains(identity_provider)
        if domains and email.rsplit("@", 1)[1] not in domains:
            raise SignInRefused(
                f"{identity_provider.name} may sign in addresses at {', '.join(domains)} only, "
                f"not {email}."
            )
        vouched = _vouched(claims.get("email_verified"))
        if vouched is False or (vouched is None and not domains):
            raise SignInRefused(f"{identity_provider.name} has not verified the address {email}.")
        if sociallogin.is_existing:
            user = sociallogin.user
        else:
            # The first time: the member whose verified address this is.
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
                f"{email} is not a member of this organization. Ask your program manager for "
                "an invitation."
            )
        return user


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


SIGN_IN_URL_NAMES = frozenset({"account_login", "openid_connect_login"})


class SignInFormActionMiddleware:
    """Let the sign-in forms go on to the organization's identity providers.

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
        origins = sorted(
            {_origin(idp.issuer_url) for idp in active_identity_providers(_organization(request))}
        )
        if origins and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
                "form-action 'self'", "form-action 'self' " + " ".join(origins)
            )
        return response
