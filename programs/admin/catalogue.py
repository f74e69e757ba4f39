"""The resource bank and the prep checklists: plain catalogue rows the admin saves itself."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mentoring.tenancy.admin import TenantModelAdmin, organization_admin_site

from ..models import ChecklistItem, Resource


@admin.register(Resource, site=organization_admin_site)
class ResourceAdmin(TenantModelAdmin):
    list_display = ["title", "kind", "skill", "program"]
    list_filter = [
        "kind",
        ("skill", admin.RelatedOnlyFieldListFilter),
        ("program", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["skill", "program"]
    search_fields = ["title", "description"]
    fields = ["title", "url", "kind", "description", "body", "skill", "program"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(ChecklistItem, site=organization_admin_site)
class ChecklistItemAdmin(TenantModelAdmin):
    list_display = ["text", "audience", "program", "position", "completed_by"]
    list_display_links = ["text"]
    list_editable = ["position"]
    list_filter = ["audience", ("program", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["program"]
    search_fields = ["text"]
    ordering = ["audience", "program", "position", "pk"]
    fields = ["audience", "program", "text", "position"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(completion_count=Count("completions"))

    @admin.display(description=_("Completed by"), ordering="completion_count")
    def completed_by(self, item):
        count = item.completion_count
        return ngettext("%(count)s person", "%(count)s people", count) % {"count": count}
