"""People inside one organization: departments, seniority levels and profiles."""

import zoneinfo

from django.conf import global_settings, settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from mentoring.tenancy.models import TenantModel

# The profile fields an organization's directory may set (mentoring.directory); the rest
# stay the member's own.
SYNCABLE_FIELDS = ("display_name", "job_title", "department", "manager")

# The languages a person can hold a conversation in (every language Django knows), not the
# languages of the interface (settings.LANGUAGES).
LANGUAGE_CHOICES = sorted(global_settings.LANGUAGES, key=lambda item: str(item[1]))


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class Department(TenantModel):
    name = models.CharField(max_length=120)

    class Meta(TenantModel.Meta):
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="department_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class SeniorityLevel(TenantModel):
    """A level name the organization uses; ``rank`` orders them (higher is more senior)."""

    name = models.CharField(max_length=60)
    rank = models.PositiveSmallIntegerField()

    class Meta(TenantModel.Meta):
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "rank"], name="seniority_rank_unique"),
            models.UniqueConstraint(fields=["organization", "name"], name="seniority_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Profile(TenantModel):
    """Who a person is in one organization. One per (organization, user)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profiles"
    )
    display_name = models.CharField(max_length=120)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="profiles"
    )
    job_title = models.CharField(max_length=120, blank=True)
    seniority = models.ForeignKey(
        SeniorityLevel,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="profiles",
        verbose_name=_("seniority level"),
    )
    manager = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        help_text=_("The person this one reports to, in this organization."),
    )
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    languages = ArrayField(
        models.CharField(max_length=16, choices=LANGUAGE_CHOICES), default=list, blank=True
    )
    bio = models.TextField(max_length=2000, blank=True)
    language = models.CharField(
        _("language of the interface"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Empty: your organization's language, else your browser's."),
    )
    # Which of SYNCABLE_FIELDS the directory sets: read-only for the member and managers.
    synced_fields = ArrayField(
        models.CharField(max_length=32), default=list, blank=True, editable=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="profile_one_per_user")
        ]

    def __str__(self) -> str:
        return self.display_name
