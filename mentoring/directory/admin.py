"""What program managers see of directory sync in the organization admin: the people and
groups the directory provisioned (read-only: the directory owns them), and what each group
means here (its role), which managers choose."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from mentoring.common.admin import ServiceFormAdmin, ServiceModelForm
from mentoring.tenancy.admin import TenantModelAdmin, organization_admin_site

from .fields import DirectoryError
from .models import DirectoryGroup, DirectoryUser
from .services import directory_group_role_set


@admin.register(DirectoryUser, site=organization_admin_site)
class DirectoryUserAdmin(TenantModelAdmin):
    list_display = ["user_name", "profile", "active", "employee_number", "updated_at"]
    list_filter = ["active"]
    search_fields = ["user_name", "external_id", "profile__display_name"]
    list_select_related = ["profile"]
    fields = readonly_fields = (
        "user_name",
        "profile",
        "external_id",
        "active",
        "given_name",
        "family_name",
        "emails",
        "employee_number",
        "scim_id",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request):
        return False  # the directory provisions people

    def has_change_permission(self, request, obj=None):
        return False  # ... and changes them

    def has_delete_permission(self, request, obj=None):
        return False  # ... and ends them (which keeps their history)


class DirectoryGroupForm(ServiceModelForm):
    class Meta:
        model = DirectoryGroup
        fields = ["role"]

    def save_through_service(self):
        try:
            return directory_group_role_set(
                organization=self.request.organization,
                actor=self.request.user,
                group=DirectoryGroup.objects.get(pk=self.instance.pk),
                role=self.cleaned_data["role"],
            )
        except DirectoryError as error:
            raise ValidationError({"role": error.detail}) from error


@admin.register(DirectoryGroup, site=organization_admin_site)
class DirectoryGroupAdmin(ServiceFormAdmin):
    form = DirectoryGroupForm
    list_display = ["display_name", "role", "member_count", "updated_at"]
    list_filter = ["role"]
    search_fields = ["display_name", "external_id"]
    fields = ["display_name", "external_id", "role", "member_count"]
    readonly_fields = ["display_name", "external_id", "member_count"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_total=Count("memberships"))

    @admin.display(description=_("Members"), ordering="member_total")
    def member_count(self, group):
        return group.member_total

    def has_add_permission(self, request):
        return False  # the directory creates groups

    def has_delete_permission(self, request, obj=None):
        return False  # ... and deletes them
