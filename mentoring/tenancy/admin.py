"""Two admin sites: one per organization host for its program managers, one for the operator."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .forms import with_organization_unique


def _login_redirect(request):
    query = urlencode({"next": request.GET.get("next") or reverse("admin:index")})
    return redirect(f"{reverse('account_login')}?{query}")


# A search term longer than any name is cut; NUL never reaches PostgreSQL.
SEARCH_TERM_MAX_LENGTH = 100


class ScopedAutocompleteView(AutocompleteJsonView):
    """The organization admin's person and pair search (``autocomplete_fields``).

    Stricter than Django's: the asking field must be one its admin declares searchable,
    and the results are what that field's form accepts (its own narrowed queryset, such
    as "people who mentor"), taken from this organization only, so a search never offers
    a row the form would refuse, nor one of another organization.
    """

    def process_request(self, request):
        term, model_admin, source_field, to_field_name = super().process_request(request)
        source_admin = self.admin_site._registry.get(source_field.model)
        if source_admin is None or source_field.name not in source_admin.get_autocomplete_fields(
            request
        ):
            raise PermissionDenied
        self.source_admin = source_admin
        term = term.replace("\x00", "").strip()[:SEARCH_TERM_MAX_LENGTH]
        return term, model_admin, source_field, to_field_name

    def has_perm(self, request, obj=None):
        return super().has_perm(request, obj) and self.source_admin.has_view_permission(request)

    def get_queryset(self):
        queryset = super().get_queryset()
        if any(field.name == "organization" for field in queryset.model._meta.fields):
            queryset = queryset.filter(organization=self.request.organization)
        accepted = self._form_choices()
        if accepted is not None:
            queryset = queryset.filter(pk__in=accepted.values("pk"))
        return queryset

    def _form_choices(self):
        """The rows the source admin's form offers for the field, or None without one."""
        form = self.source_admin.get_form(self.request)()
        field = form.fields.get(self.source_field.name)
        return getattr(field, "queryset", None)


class OrganizationAdminSite(admin.AdminSite):
    """Served at <slug>.<ROOT_DOMAIN>/admin/ to that organization's program managers only."""

    site_header = gettext_lazy("Program administration")
    index_template = "admin/organization_index.html"

    def each_context(self, request):
        context = super().each_context(request)
        organization = getattr(request, "organization", None)
        if organization is not None:
            context["site_header"] = _("%(organization)s · program administration") % {
                "organization": organization.name
            }
            context["site_title"] = organization.name
        return context

    def has_permission(self, request) -> bool:
        membership = getattr(request, "membership", None)
        return bool(request.user.is_active and membership and membership.is_manager)

    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            return render(request, "errors/admin_forbidden.html", status=403)
        return _login_redirect(request)

    def autocomplete_view(self, request):
        return ScopedAutocompleteView.as_view(admin_site=self)(request)


class PlatformAdminSite(admin.AdminSite):
    """Served at the root domain's /admin/ to platform operators (staff users)."""

    site_header = gettext_lazy("Platform operations")
    site_title = gettext_lazy("Platform operations")
    index_template = "admin/organization_index.html"

    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            return render(request, "errors/admin_forbidden.html", status=403)
        return _login_redirect(request)


organization_admin_site = OrganizationAdminSite(name="admin")
platform_admin_site = PlatformAdminSite(name="admin")


def is_manager(request) -> bool:
    membership = getattr(request, "membership", None)
    return bool(membership and membership.is_manager)


class SearchSelect(AutocompleteSelect):
    """Django's autocomplete picker, which renders a refused value without failing: after
    "abc" was posted for a person, it shows the form's error instead of a 500 (Django's
    widget would look the value up as an id)."""

    def optgroups(self, name, value, attr=None):
        field = self.choices.field
        acceptable = []
        for choice in value:
            try:
                field.to_python(choice)
            except ValidationError:
                continue
            acceptable.append(choice)
        return super().optgroups(name, acceptable, attr)


class TenantModelAdmin(admin.ModelAdmin):
    """Base of every ModelAdmin on the organization site.

    Rows come from the scoped default manager, so lists, change pages, dropdowns,
    filters, search and autocomplete see one organization. Foreign keys to users are
    narrowed to the organization's members. A row of another organization is a 404.
    """

    def has_module_permission(self, request):
        return is_manager(request)

    def has_view_permission(self, request, obj=None):
        return is_manager(request)

    def has_add_permission(self, request):
        return is_manager(request)

    def has_change_permission(self, request, obj=None):
        return is_manager(request)

    def has_delete_permission(self, request, obj=None):
        return is_manager(request)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such record in this organization.")
        return obj

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.remote_field.model is get_user_model():
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(memberships__organization=request.organization)
                .order_by("email")
            )
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault("widget", SearchSelect(db_field, self.admin_site))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.organization = request.organization
        super().save_model(request, obj, form, change)

    def get_form(self, request, obj=None, change=False, **kwargs):
        return with_organization_unique(super().get_form(request, obj, change, **kwargs))

    def get_changelist_form(self, request, **kwargs):
        return with_organization_unique(super().get_changelist_form(request, **kwargs))

    def response_action(self, request, queryset):
        """An action on ids that cannot be ids (hand-made posts) is refused like an action
        on no rows, instead of failing in the query."""
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        pk = self.model._meta.pk
        try:
            ids = [pk.to_python(value) for value in selected]
        except ValidationError:
            ids = None
        if ids is None or any(isinstance(i, int) and not -(2**63) <= i < 2**63 for i in ids):
            self.message_user(
                request,
                _(
                    "Items must be selected in order to perform actions on them. "
                    "No items have been changed."
                ),
                messages.WARNING,
            )
            return None
        return super().response_action(request, queryset)

    def history_view(self, request, object_id, extra_context=None):
        """A row's history is its part of the audit log."""
        obj = self.get_object(request, unquote(object_id))
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        query = urlencode({"target_type": obj._meta.label_lower, "target_id": obj.pk})
        return redirect(f"{reverse('admin:mentoring_auditevent_changelist')}?{query}")

    # Django's LogEntry table is shared by all organizations: the organization admin
    # writes none. The audit log (mentoring.audit) records every change instead.
    def log_addition(self, request, obj, message):
        return None

    def log_change(self, request, obj, message):
        return None

    def log_deletions(self, request, queryset):
        return None


class ReadOnlyTenantAdmin(TenantModelAdmin):
    """A list and view pages only: what people record elsewhere, shown to managers."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
