"""Admin pages of the core app: people and memberships per organization; organizations for
the platform operator."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

import mentoring.api.admin  # noqa: F401  (registers the API keys' admin)
from mentoring.accounts import admin as sso_admin  # noqa: F401  (registers the SSO providers)
from mentoring.accounts import services as invitations
from mentoring.accounts.forms import InvitationCsvForm, InvitationForm, with_invitation_choices
from mentoring.accounts.jobs import invitation_import_start
from mentoring.accounts.models import Invitation
from mentoring.accounts.organizations import organization_create, validate_new_slug
from mentoring.audit import admin as audit_admin  # noqa: F401  (registers the audit log)
from mentoring.common.admin import ServiceFormAdmin
from mentoring.directory import admin as directory_admin  # noqa: F401  (directory sync)
from mentoring.jobs.admin import start_job
from mentoring.people.forms import ProfileForm
from mentoring.people.models import Department, Profile, SeniorityLevel
from mentoring.people.services import profile_update
from mentoring.privacy import admin as privacy_admin
from mentoring.tenancy.admin import (
    TenantModelAdmin,
    organization_admin_site,
    platform_admin_site,
)
from mentoring.tenancy.models import Membership, Organization


@admin.register(Department, site=organization_admin_site)
class DepartmentAdmin(TenantModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(SeniorityLevel, site=organization_admin_site)
class SeniorityLevelAdmin(TenantModelAdmin):
    list_display = ["name", "rank"]
    list_editable = ["rank"]
    ordering = ["rank"]


@admin.register(Profile, site=organization_admin_site)
class ProfileAdmin(TenantModelAdmin):
    form = ProfileForm
    list_display = ["display_name", "email", "department", "job_title", "seniority", "manager"]
    list_filter = [
        ("department", admin.RelatedOnlyFieldListFilter),
        ("seniority", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["display_name", "user__email", "job_title"]
    list_select_related = ["user", "department", "seniority", "manager"]
    readonly_fields = ["email"]
    fields = ["email", *ProfileForm.Meta.fields]
    # A search of this organization's people (this admin's own scoped queryset and search
    # fields), not a dropdown of every one of them.
    autocomplete_fields = ["manager"]
    actions = [privacy_admin.send_data, privacy_admin.erase_people]

    @admin.display(ordering="user__email")
    def email(self, profile):
        return profile.user.email

    def has_add_permission(self, request):
        return False  # people join through invitations

    def save_model(self, request, obj, form, change):
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        profile = Profile.objects.get(pk=obj.pk)
        profile_update(
            organization=request.organization, actor=request.user, profile=profile, **changes
        )


@admin.register(Membership, site=organization_admin_site)
class MembershipAdmin(TenantModelAdmin):
    list_display = ["user_email", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    fields = ["user_email", "role", "is_active"]
    readonly_fields = ["user_email"]

    @admin.display(description=gettext_lazy("Email"), ordering="user__email")
    def user_email(self, membership):
        return membership.user.email

    def has_add_permission(self, request):
        return False  # people join through invitations


@admin.register(Invitation, site=organization_admin_site)
class InvitationAdmin(ServiceFormAdmin):
    form = InvitationForm
    list_display = ["email", "display_name", "role", "department", "status", "expires_at"]
    list_filter = ["role", ("department", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["email", "display_name"]
    list_select_related = ["department"]
    actions = ["resend"]
    change_list_template = "admin/accounts/invitation/change_list.html"

    def has_change_permission(self, request, obj=None):
        return False  # an invitation is resent or deleted, never edited

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:  # the apps' choices (a program to enrol in) when inviting
            kwargs["form"] = with_invitation_choices(InvitationForm)
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request, obj, form, change):
        # InvitationForm.save_through_service wrote it during validation.
        messages.info(request, _("Invitation emailed to %(email)s.") % {"email": obj.email})

    @admin.action(description=gettext_lazy("Send the selected invitations again"))
    def resend(self, request, queryset):
        sent = 0
        for invitation in queryset.filter(accepted_at__isnull=True):
            invitations.invitation_resend(
                organization=request.organization, actor=request.user, invitation=invitation
            )
            sent += 1
        messages.success(
            request,
            ngettext(
                "%(count)s invitation(s) sent again.", "%(count)s invitation(s) sent again.", sent
            )
            % {"count": sent},
        )

    def get_urls(self):
        extra = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_csv_view),
                name="accounts_invitation_import",
            )
        ]
        return extra + super().get_urls()

    def import_csv_view(self, request):
        form = with_invitation_choices(InvitationCsvForm)(
            request.POST or None, request.FILES or None
        )
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            started = start_job(
                self,
                request,
                job=lambda: invitation_import_start(
                    actor=request.user,
                    filename=upload.name,
                    data=upload.read(),
                    choices=form.choices(),
                ),
            )
            if started is not None:
                return started
        context = {
            **self.admin_site.each_context(request),
            "title": _("Invite people from a CSV file"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/accounts/invitation/import.html", context)


class OrganizationCreateForm(forms.ModelForm):
    admin_email = forms.EmailField(
        label=gettext_lazy("First program manager's email"),
        help_text=gettext_lazy("They receive an invitation link to set up the organization."),
    )

    class Meta:
        model = Organization
        fields = ["name", "slug", "language"]

    def clean_slug(self):
        try:
            return validate_new_slug(self.cleaned_data["slug"])
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error


@admin.register(Organization, site=platform_admin_site)
class OrganizationAdmin(privacy_admin.OrganizationExportAdmin, admin.ModelAdmin):
    list_display = ["name", "slug", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug"]

    def has_delete_permission(self, request, obj=None):
        # Deleting runs as the database owner (the audit log is append-only for the
        # application) and is verified afterwards: `manage.py delete_organization`.
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = OrganizationCreateForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "slug", "language", "admin_email"]
        return ["name", "slug", "is_active", "require_two_factor_for_managers"]

    def get_readonly_fields(self, request, obj=None):
        return ["slug"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        organization, link = organization_create(
            slug=form.cleaned_data["slug"],
            name=form.cleaned_data["name"],
            admin_email=form.cleaned_data["admin_email"],
            actor=request.user,
            language=form.cleaned_data["language"],
        )
        obj.pk = organization.pk
        messages.info(
            request, _("Invitation for the first program manager: %(link)s") % {"link": link}
        )


platform_admin_site.register(get_user_model(), UserAdmin)
