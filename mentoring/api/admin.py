"""Program managers create and revoke their organization's API keys: for the HR API, or
for directory sync (SCIM)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from mentoring.people.models import Profile
from mentoring.tenancy.admin import TenantModelAdmin, organization_admin_site

from .keys import EXPIRY_IN_THE_PAST, api_key_create, api_key_revoke
from .models import ApiKey


class ApiKeyForm(forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ["name", "purpose", "expires_at"]

    def clean_expires_at(self):
        # Checked here, where the admin shows the message: save_model is too late.
        expires_at = self.cleaned_data.get("expires_at")
        if expires_at is not None and expires_at <= timezone.now():
            raise forms.ValidationError(EXPIRY_IN_THE_PAST)
        return expires_at


@admin.register(ApiKey, site=organization_admin_site)
class ApiKeyAdmin(TenantModelAdmin):
    form = ApiKeyForm
    list_display = [
        "name",
        "purpose",
        "prefix",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    list_filter = ["purpose"]
    readonly_fields = ["prefix", "created_at", "revoked_at", "last_used_at"]
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None):
        return False  # a key is created or revoked, never edited

    def save_model(self, request, obj, form, change):
        try:
            api_key, key = api_key_create(
                organization=request.organization,
                actor_profile=Profile.objects.filter(user=request.user).first(),
                name=form.cleaned_data["name"],
                expires_at=form.cleaned_data["expires_at"],
                purpose=form.cleaned_data["purpose"],
            )
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error
        obj.pk = api_key.pk
        messages.warning(
            request, _("Copy the key now, it is shown only once: %(key)s") % {"key": key}
        )

    @admin.action(description=gettext_lazy("Revoke the selected keys"))
    def revoke(self, request, queryset):
        for api_key in queryset:
            api_key_revoke(organization=request.organization, api_key=api_key)
        count = queryset.count()
        messages.success(
            request,
            ngettext("%(count)s key(s) revoked.", "%(count)s key(s) revoked.", count)
            % {"count": count},
        )
