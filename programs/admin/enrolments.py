"""Enrolments: applications and a manager's decisions, a mentor's capacity, CSV enrolment;
and the mentees' goals, read-only."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from mentoring.common.admin import report_errors
from mentoring.common.forms import add_service_errors
from mentoring.jobs.admin import start_job
from mentoring.request_validation import parse_id
from mentoring.tenancy.admin import ReadOnlyTenantAdmin, TenantModelAdmin, organization_admin_site

from .. import services
from ..jobs import enrolment_import_start
from ..models import (
    Enrollment,
    EnrollmentRole,
    EnrollmentSkill,
    Goal,
    Program,
    ProgramStatus,
    Skill,
)


class FocusSkillFilter(admin.SimpleListFilter):
    title = gettext_lazy("focus skill")
    parameter_name = "skill"

    def lookups(self, request, model_admin):
        return [(str(skill.pk), skill.name) for skill in Skill.objects.order_by("name")]

    def queryset(self, request, queryset):
        skill_id = parse_id(self.value())
        if skill_id is not None:
            return queryset.filter(skill_links__skill_id=skill_id)
        return queryset


class EnrollmentCapacityForm(forms.ModelForm):
    """The one field a manager changes on an enrolment: a mentor's capacity."""

    class Meta:
        model = Enrollment
        fields = ["capacity"]

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        maximum = self.instance.program.max_mentees_per_mentor
        if capacity is None or not 1 <= capacity <= maximum:
            raise ValidationError(
                _(
                    "Choose between 1 and %(maximum)s mentees: that is the maximum per mentor "
                    "of “%(program)s”."
                )
                % {"maximum": maximum, "program": self.instance.program}
            )
        return capacity


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("The applicants see it: say why, and what they could do next time."),
        error_messages={"required": gettext_lazy("Give a reason: the applicants see it.")},
    )


class EnrollmentCsvForm(forms.Form):
    MAX_BYTES = 2 * 1024 * 1024

    program = forms.ModelChoiceField(queryset=Program.objects.none(), label=gettext_lazy("Program"))
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "A header row with email and role (mentee or mentor), then skills "
            "(names separated by ';') and, for mentors, capacity."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.exclude(status=ProgramStatus.CLOSED)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise ValidationError(_("The file is larger than 2 MB: split it into several files."))
        return upload


ENROLLMENT_FIELDSETS = [
    (None, {"fields": ["person_summary", "program", "role", "status"]}),
    (
        gettext_lazy("Application"),
        {"fields": ["focus_skills", "situations_list", "growth_story", "goals_list"]},
    ),
    (
        gettext_lazy("Decision"),
        {"fields": ["decision_reason", "decided_by", "decided_at", "created_at"]},
    ),
    (gettext_lazy("Mentoring capacity"), {"fields": ["capacity"]}),
]


@admin.register(Enrollment, site=organization_admin_site)
class EnrollmentAdmin(TenantModelAdmin):
    form = EnrollmentCapacityForm
    change_list_template = "admin/programs/enrollment/change_list.html"
    list_display = [
        "person_summary",
        "program",
        "role",
        "status",
        "focus_skills",
        "capacity_display",
        "department",
        "applied_at",
    ]
    list_filter = [
        "program",
        "role",
        "status",
        ("person__department", admin.RelatedOnlyFieldListFilter),
        FocusSkillFilter,
    ]
    list_select_related = ["person__user", "person__department", "program"]
    search_fields = ["person__display_name", "person__user__email"]
    show_full_result_count = False
    # newest first, read off the index enrollment_list_newest a page at a time
    ordering = ["-created_at", "-pk"]
    fieldsets = ENROLLMENT_FIELDSETS
    actions = ["approve", "decline_with_reason"]

    def get_queryset(self, request):
        links = EnrollmentSkill.objects.select_related("skill").order_by("skill__name")
        return (
            super().get_queryset(request).prefetch_related(Prefetch("skill_links", queryset=links))
        )

    def has_add_permission(self, request):
        return False  # people apply, or managers enrol them from a CSV file

    def has_delete_permission(self, request, obj=None):
        return False  # declined or withdrawn, never erased: the history stays

    def get_readonly_fields(self, request, obj=None):
        fields = [name for _title, options in ENROLLMENT_FIELDSETS for name in options["fields"]]
        if obj is not None and obj.role == EnrollmentRole.MENTOR:
            fields.remove("capacity")
        return fields

    def save_model(self, request, obj, form, change):
        if "capacity" not in form.cleaned_data:
            return  # a mentee's enrolment: nothing on its page can change
        # Only the capacity changes; saving just it never undoes a concurrent decision.
        services.enrollment_set_capacity(
            organization=request.organization,
            actor=request.user,
            enrollment=obj,
            capacity=form.cleaned_data["capacity"],
        )

    @admin.display(description=gettext_lazy("Person"), ordering="person__display_name")
    def person_summary(self, enrollment):
        person = enrollment.person
        return format_html("{}<br><small>{}</small>", person.display_name, person.user.email)

    @admin.display(description=gettext_lazy("Skills"))
    def focus_skills(self, enrollment):
        return ", ".join(link.skill.name for link in enrollment.skill_links.all()) or "-"

    @admin.display(description=gettext_lazy("Capacity"), ordering="capacity")
    def capacity_display(self, enrollment):
        return enrollment.capacity if enrollment.role == EnrollmentRole.MENTOR else "-"

    @admin.display(description=gettext_lazy("Department"), ordering="person__department__name")
    def department(self, enrollment):
        return enrollment.person.department or "-"

    @admin.display(description=gettext_lazy("Applied"), ordering="created_at")
    def applied_at(self, enrollment):
        return enrollment.created_at

    @admin.display(description=gettext_lazy("Situations"))
    def situations_list(self, enrollment):
        if not enrollment.situations:
            return "-"
        return format_html(
            "<ol>{}</ol>",
            format_html_join("", "<li>{}</li>", ((s,) for s in enrollment.situations)),
        )

    @admin.display(description=gettext_lazy("Goals"))
    def goals_list(self, enrollment):
        goals = Goal.objects.filter(enrollment=enrollment).select_related("skill")
        if not goals:
            return "-"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} <small>({}, {})</small></li>",
                ((g.statement, g.skill, g.get_status_display()) for g in goals),
            ),
        )

    @admin.action(description=gettext_lazy("Approve"), permissions=["change"])
    def approve(self, request, queryset):
        selected = list(queryset)
        try:
            changed = services.enrollments_approve(
                organization=request.organization, actor=request.user, enrollments=selected
            )
        except ValidationError as error:
            report_errors(self, request, error)
            return
        message = ngettext(
            "%(count)s enrolment(s) approved.", "%(count)s enrolment(s) approved.", changed
        )
        self.message_user(request, message % {"count": changed}, messages.SUCCESS)
        if changed < len(selected):
            left = len(selected) - changed
            message = ngettext(
                "%(count)s left as they were: already approved or withdrawn.",
                "%(count)s left as they were: already approved or withdrawn.",
                left,
            )
            self.message_user(request, message % {"count": left}, messages.INFO)

    @admin.action(description=gettext_lazy("Decline with a reason…"), permissions=["change"])
    def decline_with_reason(self, request, queryset):
        form = DeclineForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            try:
                changed = services.enrollments_decline(
                    organization=request.organization,
                    actor=request.user,
                    enrollments=list(queryset),
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                message = ngettext(
                    "%(count)s enrolment(s) declined.", "%(count)s enrolment(s) declined.", changed
                )
                self.message_user(request, message % {"count": changed}, messages.SUCCESS)
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Decline with a reason"),
            "opts": self.model._meta,
            "form": form,
            "queryset": queryset,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/programs/enrollment/decline.html", context)

    def get_urls(self):
        extra = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_csv_view),
                name="programs_enrollment_import",
            ),
            path(
                "import/template.csv",
                self.admin_site.admin_view(self.import_template_view),
                name="programs_enrollment_import_template",
            ),
        ]
        return extra + super().get_urls()

    def _chosen_program(self, request):
        """The program named by ``?program=`` (a link from a program's page), if it takes
        people."""
        program_id = parse_id(request.GET.get("program"))
        if program_id is None:
            return None
        return Program.objects.exclude(status=ProgramStatus.CLOSED).filter(pk=program_id).first()

    def import_template_view(self, request):
        """The CSV to fill in: the importer's columns and one example row."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        program = self._chosen_program(request)
        response = HttpResponse(
            services.enrollment_csv_template(program), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="enrolments-template.csv"'
        return response

    def import_csv_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        program = self._chosen_program(request)
        form = EnrollmentCsvForm(
            request.POST or None,
            request.FILES or None,
            initial={"program": program.pk} if program else None,
        )
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            started = start_job(
                self,
                request,
                job=lambda: enrolment_import_start(
                    actor=request.user,
                    program=form.cleaned_data["program"],
                    filename=upload.name,
                    data=upload.read(),
                ),
            )
            if started is not None:
                return started
        chosen = form["program"].value() if request.method == "POST" else None
        template_url = reverse("admin:programs_enrollment_import_template")
        program_id = parse_id(chosen) or (program.pk if program else None)
        if program_id is not None:
            template_url += f"?program={program_id}"
        context = {
            **self.admin_site.each_context(request),
            "title": _("Enrol people from a CSV file"),
            "opts": self.model._meta,
            "form": form,
            "columns": services.ENROLLMENT_CSV,
            "template_url": template_url,
        }
        return TemplateResponse(request, "admin/programs/enrollment/import.html", context)


# ---------------------------------------------------------------- goals (read-only)


@admin.register(Goal, site=organization_admin_site)
class GoalAdmin(ReadOnlyTenantAdmin):
    """Managers (and HR, through the API) may see goals; they belong to the mentee."""

    list_display = ["statement", "skill", "status", "person", "program", "target_on"]
    list_filter = [
        "status",
        ("skill", admin.RelatedOnlyFieldListFilter),
        ("enrollment__program", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["skill", "enrollment__person", "enrollment__program"]
    search_fields = ["statement", "enrollment__person__display_name"]
    show_full_result_count = False
    fields = ["statement", "skill", "status", "target_on", "person", "program", "created_at"]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("Mentee"), ordering="enrollment__person__display_name")
    def person(self, goal):
        return goal.enrollment.person

    @admin.display(description=gettext_lazy("Program"), ordering="enrollment__program__name")
    def program(self, goal):
        return goal.enrollment.program
