"""Admin building blocks every app's organization admin uses: forms that write through
one service call, admins that refuse some deletions with a reason, changelist links, and
the one way a service's refusal reaches the manager."""

from django import forms
from django.contrib import messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import construct_instance
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from mentoring.tenancy.admin import TenantModelAdmin

from .forms import add_service_errors


class ServiceModelForm(forms.ModelForm):
    """A model form whose write is one service call, made as the last step of validation.

    Made there, the service's ``ValidationError`` lands on the form's fields. The services
    validate before they write, and the admin's change view runs validation and saving in
    one transaction, so a refusal saves nothing. Admins using it have no inline formsets
    (nothing may fail after the call) and a no-op ``save_model`` (``ServiceFormAdmin``).
    """

    request = None  # set per request by ServiceFormAdmin.get_form

    def save_through_service(self):
        """Call the service with ``self.cleaned_data``; return the saved instance."""
        raise NotImplementedError

    def _post_clean(self):
        # Django's own pass, minus the database constraints: the service explains those
        # in a manager's words, where Django would say 'Constraint “…” is violated'.
        opts = self._meta
        try:
            self.instance = construct_instance(self, self.instance, opts.fields, opts.exclude)
        except ValidationError as error:
            self._update_errors(error)
        try:
            self.instance.full_clean(
                exclude=self._get_validation_exclusions(),
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            self._update_errors(error)
        if self.errors:
            return
        try:
            self.instance = self.save_through_service()
        except ValidationError as error:
            add_service_errors(self, error)


class ServiceFormAdmin(TenantModelAdmin):
    """Base of admins whose form is a ServiceModelForm: the form has already saved."""

    inlines = ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.request = request  # a new class per call (modelform_factory): safe per request
        return form

    def get_inlines(self, request, obj):
        return []

    def save_model(self, request, obj, form, change):
        pass  # ServiceModelForm.save_through_service wrote it during validation


def delete_selected_unless_refused(modeladmin, request, queryset):
    """Django's bulk delete for the rows that may be deleted; a message for the others."""
    refused = {}
    for obj in queryset:
        refusal = modeladmin.deletion_refusal(obj)
        if refusal:
            refused[obj.pk] = refusal
    for refusal in refused.values():
        modeladmin.message_user(request, refusal, messages.ERROR)
    deletable = queryset.exclude(pk__in=refused)
    if not deletable.exists():
        return None
    return delete_selected(modeladmin, request, deletable)


class GuardedDeletionAdmin(TenantModelAdmin):
    """Rows that must not be deleted say why in ``deletion_refusal``; the delete page, the
    change page's button and the bulk action all respect it and show that message."""

    def deletion_refusal(self, obj) -> str | None:
        return None

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self.deletion_refusal(obj) is None)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _function, name, description = actions["delete_selected"]
            actions["delete_selected"] = (delete_selected_unless_refused, name, description)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))  # another organization's: 404
        refusal = self.deletion_refusal(obj)
        if refusal:
            self.message_user(request, refusal, messages.ERROR)
            opts = self.model._meta
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", obj.pk)
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        refusal = self.deletion_refusal(obj)
        if refusal:
            raise PermissionDenied(refusal)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        deletable = [obj.pk for obj in queryset if self.deletion_refusal(obj) is None]
        super().delete_queryset(request, self.model._default_manager.filter(pk__in=deletable))


def changelist_url(model, **filters) -> str:
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return f"{url}?{urlencode(filters)}" if filters else url


def report_errors(modeladmin, request, error: ValidationError, prefix: str = "") -> None:
    for message in error.messages:
        modeladmin.message_user(request, f"{prefix}{message}", messages.ERROR)
