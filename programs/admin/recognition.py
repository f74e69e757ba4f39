"""Recognizing mentors: an award is given through the service, or withdrawn (deleted)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from mentoring.common.admin import ServiceFormAdmin, ServiceModelForm
from mentoring.people.models import Profile
from mentoring.tenancy.admin import organization_admin_site

from .. import services
from ..models import EnrollmentRole, Program, Recognition


class RecognitionForm(ServiceModelForm):
    class Meta:
        model = Recognition
        fields = ["mentor", "program", "badge", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "mentor" in self.fields:  # absent on the read-only view of a past award
            self.fields["mentor"].queryset = (
                Profile.objects.filter(enrollments__role=EnrollmentRole.MENTOR)
                .distinct()
                .order_by("display_name")
            )
            self.fields["mentor"].help_text = _("People who mentor, or mentored, in a program.")
            self.fields["program"].queryset = Program.objects.order_by("name")

    def save_through_service(self):
        data = self.cleaned_data
        return services.recognition_award(
            organization=self.request.organization,
            actor=self.request.user,
            mentor=data["mentor"],
            program=data.get("program"),
            badge=data["badge"],
            note=data["note"],
        )


@admin.register(Recognition, site=organization_admin_site)
class RecognitionAdmin(ServiceFormAdmin):
    form = RecognitionForm
    list_display = ["mentor", "badge", "program", "note", "awarded_by", "awarded_at"]
    list_filter = ["badge", ("program", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["mentor", "program", "awarded_by"]
    search_fields = ["mentor__display_name", "note"]
    fields = ["mentor", "program", "badge", "note", "awarded_by", "awarded_at"]
    readonly_fields = ["awarded_by", "awarded_at"]
    autocomplete_fields = ["mentor"]  # a search of the form's mentors, not all of them

    def get_fields(self, request, obj=None):
        return self.fields if obj is not None else ["mentor", "program", "badge", "note"]

    def has_change_permission(self, request, obj=None):
        return False  # an award is given or withdrawn (deleted), not rewritten
