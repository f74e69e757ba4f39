"""What the organization's directory told us, beside the profiles it provisions.

A ``DirectoryUser`` is the SCIM record of one person: the identifiers the identity
provider knows them by and the attributes it sends. The profile keeps what the product
uses (name, title, department, manager); its ``synced_fields`` say which of them the
directory sets, so that neither the member nor a manager edits them by hand.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from mentoring.people.models import Profile
from mentoring.tenancy.models import TenantModel


class DirectoryUser(TenantModel):
    scim_id = models.UUIDField(default=uuid.uuid4, editable=False)
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="directory_users")
    user_name = models.CharField(max_length=254)
    external_id = models.CharField(max_length=254, blank=True)
    active = models.BooleanField(default=True)
    given_name = models.CharField(max_length=120, blank=True)
    family_name = models.CharField(max_length=120, blank=True)
    # [{"value": ..., "type": ..., "primary": bool}], as the directory sent them.
    emails = models.JSONField(default=list, blank=True)
    employee_number = models.CharField(max_length=64, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        ordering = ["created_at", "pk"]
        verbose_name = _("directory user")
        verbose_name_plural = _("directory users")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "scim_id"], name="directory_user_scim_id_unique"
            ),
            models.UniqueConstraint(
                fields=["organization", "profile"], name="directory_user_one_per_profile"
            ),
            models.UniqueConstraint(
                "organization", Lower("user_name"), name="directory_user_name_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "external_id"], name="directory_user_external"),
            models.Index(fields=["organization", "updated_at"], name="directory_user_modified"),
        ]

    def __str__(self) -> str:
        return self.user_name


class GroupRole(models.TextChoices):
    NONE = "", _("No role (a group for eligibility only)")
    MANAGER = "manager", _("Program managers")
    HR = "hr", _("HR analysts")


class DirectoryGroup(TenantModel):
    scim_id = models.UUIDField(default=uuid.uuid4, editable=False)
    display_name = models.CharField(max_length=200)
    external_id = models.CharField(max_length=254, blank=True)
    role = models.CharField(
        max_length=16,
        choices=GroupRole.choices,
        blank=True,
        default=GroupRole.NONE,
        help_text=_(
            "The role the group's members get here. The highest of a person's groups wins."
        ),
    )
    members: models.ManyToManyField[DirectoryUser, DirectoryGroupMember]
    members = models.ManyToManyField(
        DirectoryUser, through="DirectoryGroupMember", related_name="groups", blank=True
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        ordering = ["display_name", "pk"]
        verbose_name = _("directory group")
        verbose_name_plural = _("directory groups")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "scim_id"], name="directory_group_scim_id_unique"
            ),
            models.UniqueConstraint(
                "organization", Lower("display_name"), name="directory_group_name_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "external_id"], name="directory_group_external"),
        ]

    def __str__(self) -> str:
        return self.display_name


class DirectoryGroupMember(TenantModel):
    group = models.ForeignKey(DirectoryGroup, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(
        DirectoryUser, on_delete=models.CASCADE, related_name="group_memberships"
    )

    class Meta(TenantModel.Meta):
        verbose_name = _("directory group member")
        verbose_name_plural = _("directory group members")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "group", "member"], name="directory_group_member_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} in {self.group}"
