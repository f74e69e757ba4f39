"""Audit events. The application's database role may add and read them, never change them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring.tenancy.models import TenantModel


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    SIGN_OUT = "sign_out", _("Signed out")
    ROLE_CHANGE = "role_change", _("Role changed")
    EXPORT = "export", _("Exported")
    ERASURE = "erasure", _("Erased")


class AuditEvent(TenantModel):
    """One thing that happened. Names fields that changed, never their values."""

    # The application's database role may insert and read rows, never update or delete
    # them (mentoring.tenancy.database.append_only_sql).
    append_only = True

    occurred_at = models.DateTimeField(default=timezone.now, editable=False)
    action = models.CharField(max_length=20, choices=AuditAction.choices, editable=False)
    # No database constraint and no cascade: deleting or erasing a person must not
    # need to change the log, which the application role cannot do.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        editable=False,
    )
    actor_label = models.CharField(
        max_length=120, blank=True, editable=False, help_text=_("API key, task or command.")
    )
    target_type = models.CharField(max_length=100, blank=True, editable=False)
    target_id = models.CharField(max_length=64, blank=True, editable=False)
    summary = models.CharField(max_length=255, blank=True, editable=False)
    changed_fields = models.JSONField(default=list, blank=True, editable=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True, editable=False)
    user_agent = models.CharField(max_length=255, blank=True, editable=False)
    # An event is never changed: no updated_at (TenantModel's is removed).
    updated_at = None  # type: ignore[assignment]

    class Meta(TenantModel.Meta):
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-occurred_at"], name="audit_org_time"),
            models.Index(fields=["organization", "target_type", "target_id"], name="audit_target"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.target_type} {self.target_id}".strip()
