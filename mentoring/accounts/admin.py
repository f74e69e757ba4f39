"""Sign-in settings in the admin sites (imported by ``mentoring.admin``).

Organization admin: its single sign-on providers. The client secret is write-only: the
form never shows it back, and leaving it empty when editing keeps the stored one.
Platform admin: people's authenticator apps, to remove a lost one. allauth's own admin
classes register on Django's default site, which is served nowhere.
"""

import ipaddress
import re
import secrets
from urllib.parse import urlsplit

from allauth.mfa.models import Authenticator
from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentoring.tenancy import current_organization
from mentoring.tenancy.admin import TenantModelAdmin, organization_admin_site, platform_admin_site
from mentoring.tenancy.hosts import organization_url

from .domains import domain_problem, normalize_domain, verification_problem, verified_domains
from .models import IdentityProvider, VerifiedDomain
from .sso import provider_id_for, test_sign_in_start
from .sso_discovery import DiscoveryError, discover

KEY = re.compile(r"^[a-z0-9]{6,24}$")


def _insecure_issuers_allowed() -> bool:
    return bool(settings.DEBUG or getattr(settings, "SSO_ALLOW_INSECURE_ISSUERS", False))


def issuer_problem(url: str) -> str | None:
    """Why ``url`` cannot be an issuer the platform fetches from, or None."""
    parts = urlsplit(url)
    if _insecure_issuers_allowed():
        return None
    if parts.scheme != "https":
        return _("Use the provider's https address.")
    host = (parts.hostname or "").lower()
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return _("The issuer must be a public address.")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if not address.is_global:
        return _("The issuer must be a public address.")
    return None


class IdentityProviderForm(forms.ModelForm):
    issuer_url = forms.URLField(
        label=gettext_lazy("Issuer URL"),
        max_length=200,
        assume_scheme="https",
        help_text=IdentityProvider._meta.get_field("issuer_url").help_text,
    )
    client_secret = forms.CharField(
        label=gettext_lazy("Client secret"),
        required=False,
        strip=True,
        max_length=255,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    # Chosen when the add form is first shown, so the callback URL can be shown (and
    # registered at the provider) before the first save.
    callback_key = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = IdentityProvider
        fields = [
            "name",
            "issuer_url",
            "client_id",
            "client_secret",
            "email_domains",
            "never_sends_email_verified",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organization = current_organization()
        if not self.instance.pk:
            if organization is not None:
                self.instance.organization = organization
            key = self.data.get(self.add_prefix("callback_key"), "") if self.is_bound else ""
            self.instance.key = key if KEY.match(key) else secrets.token_hex(6)
            self.initial["callback_key"] = self.instance.key
        else:
            del self.fields["callback_key"]
        secret = self.fields["client_secret"]
        if self.instance.pk:
            secret.help_text = _(
                "Stored and never shown. Leave empty to keep it; type to replace it."
            )
        else:
            secret.required = True
            secret.help_text = _(
                "From the provider's application settings. It is never shown again."
            )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = IdentityProvider.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another sign-in service has this name."))
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

    def clean_callback_key(self):
        key = self.instance.key
        if IdentityProvider.objects.filter(key=key).exists():
            raise forms.ValidationError(_("Reload the page: this callback URL is taken."))
        return key

    def clean_email_domains(self):
        domains: list[str] = []
        verified = verified_domains(current_organization())
        for raw in re.split(r"[,\s]+", self.cleaned_data["email_domains"]):
            domain = normalize_domain(raw)
            if not domain or domain in domains:
                continue
            problem = domain_problem(domain)
            if problem:
                raise forms.ValidationError(problem)
            if domain not in verified:
                raise forms.ValidationError(
                    _(
                        "%(domain)s is not verified for your organization. The platform "
                        "operator verifies a domain once they know it is yours (see the single "
                        "sign-on guide); until then the provider cannot sign in its addresses."
                    )
                    % {"domain": domain}
                )
            domains.append(domain)
        return ", ".join(domains)

    def clean(self):
        cleaned = super().clean()
        issuer_url = cleaned.get("issuer_url")
        if issuer_url and not self.has_error("issuer_url"):
            try:
                discovery = discover(issuer_url)
            except DiscoveryError as problem:
                self.add_error("issuer_url", str(problem))
            else:
                self.instance.end_session_url = discovery.end_session_url
        # Another issuer or client is another provider: it is tested again before use.
        if self.instance.pk and {"issuer_url", "client_id"} & set(self.changed_data):
            self.instance.tested_at = None
        if cleaned.get("is_active") and self.instance.tested_at is None:
            self.add_error(
                "is_active",
                _(
                    "Switch it on after a test sign-in succeeded: save it, then use “Test "
                    "sign-in” on this page."
                ),
            )
        return cleaned


@admin.register(IdentityProvider, site=organization_admin_site)
class IdentityProviderAdmin(TenantModelAdmin):
    form = IdentityProviderForm
    list_display = ["name", "issuer_url", "email_domains", "is_active", "tested_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "issuer_url", "email_domains"]
    readonly_fields = ["redirect_uri", "test_sign_in", "domains_verified_for_you"]

    def get_fieldsets(self, request, obj=None):
        provider = ["issuer_url", "client_id", "client_secret", "redirect_uri"]
        return [
            (None, {"fields": ["name", "is_active"] if obj else ["name", "callback_key"]}),
            (
                _("Provider"),
                {
                    "fields": provider + (["test_sign_in"] if obj else []),
                    "description": _(
                        "Register this platform as an OpenID Connect web application at your "
                        "provider, with the redirect URI below, and copy its client ID and "
                        "secret. Saving reads the issuer's discovery document to check it."
                    ),
                },
            ),
            (
                _("Who may sign in"),
                {
                    "fields": [
                        "email_domains",
                        "domains_verified_for_you",
                        "never_sends_email_verified",
                    ]
                },
            ),
        ]

    def get_urls(self):
        test = path(
            "<path:object_id>/test-sign-in/",
            self.admin_site.admin_view(self.test_sign_in_view),
            name="mentoring_identityprovider_test_sign_in",
        )
        return [test, *super().get_urls()]

    def test_sign_in_view(self, request, object_id):
        """Start a test sign-in through the provider: nobody is signed in by it; the
        provider may be switched on once it worked (``sso._finish_test``)."""
        identity_provider = self.get_object(request, object_id)
        if not self.has_change_permission(request, identity_provider):
            raise PermissionDenied
        test_sign_in_start(request, identity_provider)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": identity_provider,
            "title": _("Test sign-in through %(name)s") % {"name": identity_provider.name},
            "login_url": reverse(
                "openid_connect_login",
                kwargs={"provider_id": provider_id_for(identity_provider)},
            ),
        }
        return TemplateResponse(
            request, "admin/mentoring/identityprovider/test_sign_in.html", context
        )

    @admin.display(description=gettext_lazy("Redirect URI"))
    def redirect_uri(self, identity_provider):
        if identity_provider is None or not identity_provider.organization_id:
            return "-"
        path = reverse(
            "openid_connect_callback",
            kwargs={"provider_id": provider_id_for(identity_provider)},
        )
        url = organization_url(identity_provider.organization, path)
        return format_html("<code>{}</code>", url)

    @admin.display(description=gettext_lazy("Test sign-in"))
    def test_sign_in(self, identity_provider):
        url = reverse("admin:mentoring_identityprovider_test_sign_in", args=[identity_provider.pk])
        if identity_provider.tested_at is None:
            status = _("Not tested yet: it cannot be switched on before a test sign-in worked.")
        else:
            status = _("Last worked %(moment)s UTC.") % {
                "moment": f"{identity_provider.tested_at:%Y-%m-%d %H:%M}"
            }
        return format_html('{} <a class="button" href="{}">{}</a>', status, url, _("Test sign-in"))

    @admin.display(description=gettext_lazy("Domains verified for your organization"))
    def domains_verified_for_you(self, identity_provider):
        domains = sorted(verified_domains(current_organization()))
        if not domains:
            return _(
                "None yet. Ask the platform operator to verify your organization's mail "
                "domains; until then no provider can sign anyone in."
            )
        return ", ".join(domains)


class VerifiedDomainForm(forms.ModelForm):
    class Meta:
        model = VerifiedDomain
        fields = ["domain", "organization"]
        help_texts = {
            "domain": gettext_lazy(
                "Verify a domain only once you know the organization owns it (for example, "
                "a DNS record or a letter from its IT). A domain belongs to one organization."
            )
        }

    def clean_domain(self):
        return normalize_domain(self.cleaned_data["domain"])

    def clean(self):
        cleaned = super().clean()
        domain, organization = cleaned.get("domain"), cleaned.get("organization")
        if domain and organization:
            problem = verification_problem(organization, domain)
            if problem:
                self.add_error("domain", problem)
        return cleaned


@admin.register(VerifiedDomain, site=platform_admin_site)
class VerifiedDomainAdmin(admin.ModelAdmin):
    """For the operator: which organization each mail domain belongs to, for single sign-on."""

    form = VerifiedDomainForm
    list_display = ["domain", "organization", "verified_by", "verified_at"]
    list_select_related = ["organization", "verified_by"]
    search_fields = ["domain", "organization__name"]

    def save_model(self, request, obj, form, change):
        # The database's primary key keeps a domain with one organization even when two
        # operators verify it at once (the second save fails instead of moving it).
        obj.verified_by = request.user
        super().save_model(request, obj, form, change)

    def get_readonly_fields(self, request, obj=None):
        return ["domain", "organization", "verified_by", "verified_at"] if obj else []

    def has_change_permission(self, request, obj=None):
        return False  # withdraw it and verify it for another organization instead


@admin.register(Authenticator, site=platform_admin_site)
class AuthenticatorAdmin(admin.ModelAdmin):
    """For the operator: remove the authenticator app of someone who lost their phone and
    their recovery codes. The secret itself is never shown; nothing is added or edited."""

    list_display = ["user_email", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    fields = readonly_fields = ("user_email", "type", "created_at", "last_used_at")

    @admin.display(description=gettext_lazy("Email"), ordering="user__email")
    def user_email(self, authenticator):
        return authenticator.user.email

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
