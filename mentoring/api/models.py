"""API keys of the HR API: per organization, hashed at rest, shown once, revocable."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring.people.models import Profile
from mentoring.tenancy.models import TenantModel

KEY_PREFIX = "mntr"


class KeyPurpose(models.TextChoices):
    """What a key opens: one purpose each, so a leaked reporting key cannot change people."""

    HR_API = "hr_api", _("HR API (read progress)")
    DIRECTORY_SYNC = "directory_sync", _("Directory sync (SCIM provisioning)")


class ApiKey(TenantModel):
    name = models.CharField(
        max_length=100, help_text=_("What it is for, e.g. “HR data warehouse”.")
    )
    purpose = models.CharField(
        max_length=20,
        choices=KeyPurpose.choices,
        default=KeyPurpose.HR_API,
        help_text=_("What the key opens. A key opens one thing only."),
    )
    prefix = models.CharField(max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        Profile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text=_("Empty: never expires."))
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Stamped on every request the key makes: bookkeeping, not an event for the audit log.
    audit_unlogged_fields = {"last_used_at": "stamped on every request the key makes"}

    class Meta(TenantModel.Meta):
        ordering = ["-created_at"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        constraints = [
            models.UniqueConstraint(fields=["organization", "prefix"], name="api_key_prefix_unique")
        ]

    @property
    def audit_label(self) -> str:
        """Who acted, for the audit log: a key is no person."""
        return f"API key {self.name}"

    def __str__(self) -> str:
        return f"{self.name} ({KEY_PREFIX}_{self.prefix}_…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (
            self.expires_at is None or self.expires_at > timezone.now()
        )
