"""Sign-in settings in the admin sites (imported by ``mentoring.admin``).

Organization admin: its single sign-on providers. The client secret is write-only: the
form never shows it back, and leaving it empty when editing keeps the stored one.
Platform admin: people's authenticator apps, to remove a lost one. allauth's own admin
classes register on Django's default site, which is served nowhere.
"""

import ipaddress
import re
from urllib.parse import urlsplit

from allauth.mfa.models import Authenticator
from django import forms
from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from mentoring.tenancy.admin import TenantModelAdmin, organization_admin_site, platform_admin_site
from mentoring.tenancy.hosts import organization_url

from .models import IdentityProvider
from .sso import provider_id_for

DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def _insecure_issuers_allowed() -> bool:
    return bool(settings.DEBUG or getattr(settings, "SSO_ALLOW_INSECURE_ISSUERS", False))


def issuer_problem(url: str) -> str | None:
    """Why ``url`` cannot be an issuer the platform fetches from, or None."""
    parts = urlsplit(url)
    if _insecure_issuers_allowed():
        return None
    if parts.scheme != "https":
        return "Use the provider's https address."
    host = (parts.hostname or "").lower()
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return "The issuer must be a public address."
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if not address.is_global:
        return "The issuer must be a public address."
    return None


class IdentityProviderForm(forms.ModelForm):
    issuer_url = forms.URLField(
        label="Issuer URL",
        max_length=200,
        assume_scheme="https",
        help_text=IdentityProvider._meta.get_field("issuer_url").help_text,
    )
    client_secret = forms.CharField(
        label="Client secret",
        required=False,
        strip=True,
        max_length=255,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )

    class Meta:
        model = IdentityProvider
        fields = ["name", "issuer_url", "client_id", "client_secret", "email_domains", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        secret = self.fields["client_secret"]
        if self.instance.pk:
            secret.help_text = "Stored and never shown. Leave empty to keep it; type to replace it."
        else:
            secret.required = True
            secret.help_text = "From the provider's application settings. It is never shown again."

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = IdentityProvider.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("Another sign-in service has this name.")
        return name

    def clean_issuer_url(self):
        url = self.cleaned_data["issuer_url"].strip().rstrip("/")
        problem = issuer_problem(url)
        if problem:
            raise forms.ValidationError(problem)
        return url

    def clean_client_secret(self):
        secret = self.cleaned_data["client_secret"]
        if not secret and self.instance.pk:
            return IdentityProvider.objects.get(pk=self.instance.pk).client_secret
        return secret

    def clean_email_domains(self):
        domains = []
        for raw in re.split(r"[,\s]+", self.cleaned_data["email_domains"]):
            domain = raw.strip().lower().lstrip("@")
            if not domain:
                continue
            if not DOMAIN.match(domain):
                raise forms.ValidationError(f"“{domain}” is not a domain, like example.com.")
            if domain not in domains:
                domains.append(domain)
        return ", ".join(domains)


@admin.register(IdentityProvider, site=organization_admin_site)
class IdentityProviderAdmin(TenantModelAdmin):
    form = IdentityProviderForm
    list_display = ["name", "issuer_url", "email_domains", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "issuer_url", "email_domains"]
    readonly_fields = ["redirect_uri"]
    fieldsets = [
        (None, {"fields": ["name", "is_active"]}),
        (
            "Provider",
            {
                "fields": ["issuer_url", "client_id", "client_secret", "redirect_uri"],
                "description": (
                    "Register this platform as an OpenID Connect web application at your "
                    "provider, with the redirect URI below, and copy its client ID and secret."
                ),
            },
        ),
        ("Who may sign in", {"fields": ["email_domains"]}),
    ]

    @admin.display(description="Redirect URI")
    def redirect_uri(self, identity_provider):
        if identity_provider is None or identity_provider.pk is None:
            return "Shown once the sign-in service is saved."
        path = reverse(
            "openid_connect_callback",
            kwargs={"provider_id": provider_id_for(identity_provider)},
        )
        url = organization_url(identity_provider.organization, path)
        return format_html("<code>{}</code>", url)


@admin.register(Authenticator, site=platform_admin_site)
class AuthenticatorAdmin(admin.ModelAdmin):
    """For the operator: remove the authenticator app of someone who lost their phone and
    their recovery codes. The secret itself is never shown; nothing is added or edited."""

    list_display = ["user_email", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    fields = readonly_fields = ("user_email", "type", "created_at", "last_used_at")

    @admin.display(description="Email", ordering="user__email")
    def user_email(self, authenticator):
        return authenticator.user.email

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
