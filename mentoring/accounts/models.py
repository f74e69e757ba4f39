"""Invitations: the only way into an organization (and onto the platform)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring.people.models import Department
from mentoring.tenancy.models import Role, TenantModel

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

    It is offered on its organization's host only, and signs in only people who are
    already members there (``mentoring.accounts.sso``).
    """

    name = models.CharField(
        max_length=100, help_text=_("Shown on the sign-in button, e.g. “Acme Okta”.")
    )
    issuer_url = models.URLField(
        help_text=_("The OpenID Connect issuer; its discovery document is read from there.")
    )
    client_id = models.CharField(max_length=255)
    client_secret = models.CharField(max_length=255)
    email_domains = models.CharField(
        max_length=255,
        blank=True,
        help_text=_("Comma-separated. Empty: any address the provider vouches for."),
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="identity_provider_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name
