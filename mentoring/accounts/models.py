"""Invitations: the only way into an organization (and onto the platform)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring.crypto import EncryptedTextField
from mentoring.people.models import Department
from mentoring.tenancy.models import Role, TenantModel

from .public_mail import PUBLIC_MAIL_DOMAINS

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


class Invitation(TenantModel):
    """An emailed, single-use link; only the SHA-256 of its token is stored."""

    email = models.EmailField()
    display_name = models.CharField(max_length=120, blank=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL)
    job_title = models.CharField(max_length=120, blank=True)
    token_hash = models.CharField(max_length=64, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(editable=False)
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta(TenantModel.Meta):
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "token_hash"], name="invitation_token_unique"
            ),
            # One open invitation per address and organization, whatever the letter case.
            models.UniqueConstraint(
                "organization",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True),
                name="invitation_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def status(self) -> StrPromise:
        if self.is_accepted:
            return _("accepted")
        return _("expired") if self.is_expired else _("open")


class IdentityProvider(TenantModel):
    """An organization's own single sign-on through OpenID Connect.

    It is offered on its organization's host only, signs in only people who are already
    members there, and only addresses in the domains the platform operator verified for
    the organization (``mentoring.accounts.sso``). It can be switched on only after a
    manager's test sign-in through it succeeded.
    """

    name = models.CharField(
        max_length=100, help_text=_("Shown on the sign-in button, e.g. “Acme Okta”.")
    )
    # Part of the callback URL, chosen before the first save so the manager can
    # register the callback at the provider first. Empty on providers made before it
    # existed: their callback keeps naming their id (``sso.provider_id_for``).
    key = models.CharField(max_length=24, blank=True, editable=False)
    issuer_url = models.URLField(
        help_text=_("The OpenID Connect issuer; its discovery document is read from there.")
    )
    client_id = models.CharField(max_length=255)
    client_secret = EncryptedTextField()
    email_domains = models.CharField(
        max_length=255,
        blank=True,
        help_text=_(
            "Comma-separated. Only domains the platform operator verified for your "
            "organization; the provider signs in addresses in these domains only."
        ),
    )
    never_sends_email_verified = models.BooleanField(
        default=False,
        help_text=_(
            "Tick only if this provider never sends the email_verified claim and every "
            "address it gives is one it manages. Otherwise an address without the claim "
            "counts as not verified."
        ),
    )
    end_session_url = models.URLField(
        blank=True,
        editable=False,
        help_text=_("The provider's sign-out address, read from its discovery document."),
    )
    tested_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_active = models.BooleanField(
        default=False,
        help_text=_("Offered on the sign-in page. Possible once a test sign-in succeeded."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="identity_provider_name_unique"
            ),
            models.UniqueConstraint(
                fields=["organization", "key"],
                condition=~models.Q(key=""),
                name="identity_provider_key_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(is_active=False) | models.Q(tested_at__isnull=False),
                name="identity_provider_active_only_when_tested",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class VerifiedDomain(models.Model):
    """A mail domain the platform operator confirmed belongs to one organization.

    The platform's own record, like ``Organization`` itself, not tenant data: its
    primary key is the domain, so PostgreSQL keeps one domain with at most one
    organization, whatever writes it. That is why it has no row-level security and
    why its column is not called ``organization_id`` (the name that marks a tenant
    table). Code that reads it for a request filters by the host's organization.
    """

    domain = models.CharField(max_length=253, primary_key=True)
    organization = models.ForeignKey(
        "mentoring.Organization",
        on_delete=models.CASCADE,
        related_name="verified_domains",
        db_column="owner_organization_id",
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(domain=Lower("domain")),
                name="verified_domain_is_lower_case",
            ),
            models.CheckConstraint(
                condition=~models.Q(domain__in=sorted(PUBLIC_MAIL_DOMAINS)),
                name="verified_domain_is_no_public_mail_service",
            ),
        ]

    def __str__(self) -> str:
        return self.domain
