"""The mentor training path of a program, composed from the resource bank, and each
mentor's progress through it (modules finished and when; never the reflections, which are
the mentor's own words).

The program's page links here (``programs.hooks``): the list of modules filtered by the
program shows the mentors' progress above it, and offers the default path to a program
that has none.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from mentoring.common.admin import changelist_url, report_errors
from mentoring.request_validation import parse_id
from mentoring.tenancy.admin import TenantModelAdmin, organization_admin_site

from ..models import Program, Resource, TrainingModule
from ..services.training import training_path_use_defaults
from ..training_selectors import training_progress


class TrainingModuleForm(forms.ModelForm):
    class Meta:
        model = TrainingModule
        fields = ["program", "resource", "reflection_prompt", "position"]

    def clean(self):
        data = super().clean()
        program, resource = data.get("program"), data.get("resource")
        if program and resource and resource.program_id not in (None, program.pk):
            self.add_error(
                "resource",
                _(
                    "“%(resource)s” belongs to another program's resource bank: choose one of "
                    "“%(program)s” or one for every program."
                )
                % {"resource": resource, "program": program},
            )
        return data


@admin.register(TrainingModule, site=organization_admin_site)
class TrainingModuleAdmin(TenantModelAdmin):
    form = TrainingModuleForm
    list_display = ["resource", "program", "position", "reflection_prompt", "finished_by"]
    list_editable = ["position"]
    list_filter = [("program", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["resource", "program"]
    ordering = ["program", "position", "pk"]
    search_fields = ["resource__title", "reflection_prompt"]
    change_list_template = "admin/programs/trainingmodule/change_list.html"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "resource":
            kwargs["queryset"] = Resource.objects.order_by("title", "pk")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        program_id = parse_id(request.GET.get("program"))
        if program_id is not None:
            initial["program"] = program_id
        return initial

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(finished_total=Count("completions"))

    @admin.display(description=gettext_lazy("Finished by"), ordering="finished_total")
    def finished_by(self, module):
        count = module.finished_total
        return ngettext("%(count)s mentor", "%(count)s mentors", count) % {"count": count}

    def get_urls(self):
        return [
            path(
                "use-defaults/<int:program_id>/",
                self.admin_site.admin_view(self.use_defaults_view),
                name="programs_trainingmodule_use_defaults",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        """Filtered by a program: its mentors' progress comes first."""
        program_id = parse_id(request.GET.get("program__id__exact"))
        program = Program.objects.filter(pk=program_id).first() if program_id else None
        extra = {"training_program": program}
        if program is not None:
            extra["training_progress"] = training_progress(
                organization=request.organization, program=program
            )
            add_url = reverse("admin:programs_trainingmodule_add")
            extra["training_add_url"] = f"{add_url}?program={program.pk}"
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    @method_decorator(require_POST)
    def use_defaults_view(self, request, program_id: int):
        if not self.has_add_permission(request):
            raise PermissionDenied
        program = get_object_or_404(Program, pk=program_id)
        try:
            modules = training_path_use_defaults(
                organization=request.organization, actor=request.user, program=program
            )
        except ValidationError as error:
            report_errors(self, request, error)
        else:
            self.message_user(
                request,
                _(
                    "“%(program)s” now has the default training path of %(count)s modules. "
                    "Change, reorder or remove them below."
                )
                % {"program": program, "count": len(modules)},
                messages.SUCCESS,
            )
        return redirect(changelist_url(TrainingModule, program__id__exact=program.pk))
