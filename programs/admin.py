"""The program manager's admin: skills, programs, enrolments, the resource bank, prep
checklists, mentor recognition and (read-only) goals.

Business writes (lifecycle, focus skills, decisions, CSV enrolment, archiving, awards) go
through ``programs.services``. Plain catalogue rows with no workflow (a skill's text, a
resource, a checklist item) and a mentor's capacity are saved by the admin itself, like the
core app's departments. Goal reviews are not registered: they hold a mentee's and a
mentor's reflective text.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html, format_html_join

from matching.forms import CRITERION_LABELS, WEIGHT_CHOICES
from matching.pool import program_weights
from matching.scoring import Criterion
from mentoring.common.admin import (
    GuardedDeletionAdmin,
    ServiceFormAdmin,
    ServiceModelForm,
    changelist_url,
    report_errors,
)
from mentoring.common.forms import add_service_errors
from mentoring.people.models import Profile
from mentoring.request_validation import parse_id
from mentoring.tenancy.admin import ReadOnlyTenantAdmin, TenantModelAdmin, organization_admin_site

from . import services
from .models import (
    ChecklistItem,
    Enrollment,
    EnrollmentRole,
    EnrollmentSkill,
    EnrollmentStatus,
    Goal,
    Program,
    ProgramSkill,
    ProgramStatus,
    Recognition,
    Resource,
    Skill,
)

# ---------------------------------------------------------------- skills


class LinesField(forms.CharField):
    """A short list of texts, edited one per line in a textarea."""

    def __init__(self, *, min_lines: int, max_lines: int, max_line_length: int, **kwargs):
        self.min_lines, self.max_lines, self.max_line_length = min_lines, max_lines, max_line_length
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": max_lines + 1}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]

    def validate(self, value):
        if not value and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        if not self.min_lines <= len(value) <= self.max_lines:
            raise ValidationError(
                f"Write {self.min_lines} to {self.max_lines} behaviours, one per line "
                f"(there are {len(value)}).",
                code="line_count",
            )
        for number, line in enumerate(value, start=1):
            if len(line) > self.max_line_length:
                raise ValidationError(
                    f"Line {number} has {len(line)} characters: keep each behaviour under "
                    f"{self.max_line_length}.",
                    code="line_length",
                )


class SkillForm(forms.ModelForm):
    behaviours = LinesField(
        min_lines=3,
        max_lines=5,
        max_line_length=200,
        help_text="One behaviour per line, 3 to 5 lines: things a person visibly does when "
        "they have this skill, such as “summarizes what they heard before answering”.",
    )

    class Meta:
        model = Skill
        fields = ["name", "description", "behaviours"]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if Skill.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).exists():
            raise ValidationError(f"The catalogue already has a skill called “{name}”.")
        return name


@admin.register(Skill, site=organization_admin_site)
class SkillAdmin(GuardedDeletionAdmin):
    form = SkillForm
    list_display = ["name", "is_archived", "behaviour_count"]
    list_filter = ["is_archived"]
    search_fields = ["name", "description"]
    actions = ["archive", "restore"]

    @admin.display(description="Behaviours")
    def behaviour_count(self, skill):
        return len(skill.behaviours)

    def deletion_refusal(self, skill):
        if services.skill_is_used(skill):
            return (
                f"“{skill}” is used by programs, enrolments or goals, so it cannot be "
                "deleted: archive it instead (it stays on old records but cannot be chosen)."
            )
        return None

    def _set_archived(self, request, queryset, archived: bool) -> int:
        changed = 0
        for skill in queryset.filter(is_archived=not archived):
            services.skill_set_archived(
                organization=request.organization,
                actor=request.user,
                skill=skill,
                archived=archived,
            )
            changed += 1
        return changed

    @admin.action(description="Archive: keep on old records, no longer choosable")
    def archive(self, request, queryset):
        changed = self._set_archived(request, queryset, True)
        self.message_user(request, f"{changed} skill(s) archived.", messages.SUCCESS)

    @admin.action(description="Restore: choosable again")
    def restore(self, request, queryset):
        changed = self._set_archived(request, queryset, False)
        self.message_user(request, f"{changed} skill(s) restored.", messages.SUCCESS)


# ---------------------------------------------------------------- programs


WEIGHT_HELP = (
    "Must: pairs that fail it are never proposed. High, medium, low: more or fewer points. "
    "Off: ignored. A required cross-functional setting always counts as must."
)


def _weight_field(criterion: Criterion) -> forms.ChoiceField:
    help_text = WEIGHT_HELP if criterion == Criterion.FOCUS_SKILLS else ""
    return forms.ChoiceField(
        label=CRITERION_LABELS[criterion], choices=WEIGHT_CHOICES, help_text=help_text
    )


class ProgramForm(ServiceModelForm):
    weight_focus_skills = _weight_field(Criterion.FOCUS_SKILLS)
    weight_cross_functional = _weight_field(Criterion.CROSS_FUNCTIONAL)
    weight_seniority = _weight_field(Criterion.SENIORITY)
    weight_time_zone = _weight_field(Criterion.TIME_ZONE)
    weight_language = _weight_field(Criterion.LANGUAGE)
    weight_preference = _weight_field(Criterion.PREFERENCE)
    focus_skills = forms.ModelMultipleChoiceField(
        queryset=Skill.objects.none(),  # the request's organization's, set in __init__
        widget=FilteredSelectMultiple("focus skills", is_stacked=False),
        help_text="The skills mentees of this program choose from (one or two each).",
    )

    class Meta:
        model = Program
        fields = [
            "name",
            "purpose",
            "guidelines",
            "time_commitment",
            "starts_on",
            "ends_on",
            "checkin_cadence_days",
            "goal_review_interval_months",
            "cross_functional",
            "min_seniority_gap",
            "default_mentees_per_mentor",
            "max_mentees_per_mentor",
            "is_onboarding",
            "enrollment_mode",
            "matching_mode",
            "onboarding_pairs_directly",
        ]
        labels = {
            "checkin_cadence_days": "Check-in cadence (days)",
            "goal_review_interval_months": "Goal review every (months)",
            "cross_functional": "Cross-functional pairs",
            "min_seniority_gap": "Minimum seniority gap",
            "max_mentees_per_mentor": "Maximum mentees per mentor",
            "enrollment_mode": "Enrolment mode",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "focus_skills" not in self.fields:
            return
        choices = Q(is_archived=False)
        if self.instance.pk:
            # An archived skill the program still has stays visible, so that saving
            # never drops it silently: the service then asks to remove or restore it.
            current = ProgramSkill.objects.filter(program=self.instance).values("skill_id")
            choices |= Q(pk__in=current)
            self.initial.setdefault("focus_skills", Skill.objects.filter(pk__in=current))
        self.fields["focus_skills"].queryset = Skill.objects.filter(choices).order_by("name")
        self.fields["focus_skills"].label_from_instance = lambda skill: (
            f"{skill.name} (archived)" if skill.is_archived else skill.name
        )
        for criterion, weight in program_weights(self.instance).items():
            self.fields[f"weight_{criterion}"].initial = str(weight)

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if Program.objects.filter(name=name).exclude(pk=self.instance.pk).exists():
            raise ValidationError(f"Another program is already called “{name}”.")
        return name

    def save_through_service(self):
        self.instance.match_weights = {
            str(criterion): self.cleaned_data[f"weight_{criterion}"]
            for criterion in CRITERION_LABELS
        }
        return services.program_save(
            organization=self.request.organization,
            actor=self.request.user,
            program=self.instance,
            focus_skills=self.cleaned_data["focus_skills"],
        )


STATUS_ORDER = list(ProgramStatus)


def program_move_action(name: str, label: str, target: ProgramStatus, *, back: bool = False):
    """An admin action moving programs to ``target`` through services.program_transition."""

    def move(modeladmin, request, queryset):
        for program in queryset:
            current = ProgramStatus(program.status)
            if current == target:
                modeladmin.message_user(
                    request, f"“{program}” is already {target.label.lower()}.", messages.INFO
                )
                continue
            if (STATUS_ORDER.index(current) > STATUS_ORDER.index(target)) != back:
                # Both directions lead to "enrolling": "Open enrolment" must not quietly
                # reopen a program that is matching, nor the reverse.
                modeladmin.message_user(
                    request,
                    f"“{program}” is {current.label.lower()}: “{label}” does not apply to it.",
                    messages.ERROR,
                )
                continue
            try:
                services.program_transition(
                    organization=request.organization,
                    actor=request.user,
                    program=program,
                    to_status=target,
                )
            except ValidationError as error:
                report_errors(modeladmin, request, error)
            else:
                modeladmin.message_user(
                    request, f"“{program}” is now {target.label.lower()}.", messages.SUCCESS
                )

    move.__name__ = name
    return admin.action(description=label, permissions=["change"])(move)


@admin.register(Program, site=organization_admin_site)
class ProgramAdmin(GuardedDeletionAdmin, ServiceFormAdmin):
    form = ProgramForm
    list_display = [
        "name",
        "status",
        "starts_on",
        "ends_on",
        "enrollment_mode",
        "is_onboarding",
        "approved_mentees",
        "approved_mentors",
        "pending_applications",
        "enrolments_link",
    ]
    list_filter = ["status", "enrollment_mode", "is_onboarding"]
    search_fields = ["name"]
    readonly_fields = ["status", "recognized_mentors"]
    actions = [
        program_move_action("open_enrolment", "Open enrolment", ProgramStatus.ENROLLING),
        program_move_action("start_matching", "Start matching", ProgramStatus.MATCHING),
        program_move_action("start_running", "Start running", ProgramStatus.RUNNING),
        program_move_action("close_program", "Close program", ProgramStatus.CLOSED),
        program_move_action("back_to_draft", "Back to draft", ProgramStatus.DRAFT, back=True),
        program_move_action(
            "back_to_enrolment", "Back to enrolment", ProgramStatus.ENROLLING, back=True
        ),
        "duplicate_as_template",
    ]

    change_form_template = "admin/matching/program/change_form.html"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            from matching.admin import program_matching_links  # it imports this module

            context["matching_links"] = program_matching_links(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (
                None,
                {
                    "fields": [
                        "name",
                        "status",
                        "purpose",
                        "guidelines",
                        "time_commitment",
                        ("starts_on", "ends_on"),
                        "focus_skills",
                    ]
                },
            ),
            ("Rhythm", {"fields": ["checkin_cadence_days", "goal_review_interval_months"]}),
            (
                "Matching",
                {
                    "fields": [
                        "matching_mode",
                        "cross_functional",
                        "min_seniority_gap",
                        ("default_mentees_per_mentor", "max_mentees_per_mentor"),
                        "onboarding_pairs_directly",
                    ]
                },
            ),
            ("Enrolment", {"fields": ["enrollment_mode", "is_onboarding"]}),
            (
                "Matching weights",
                {"fields": [f"weight_{criterion}" for criterion in CRITERION_LABELS]},
            ),
        ]
        if obj is not None:
            fieldsets.append(("Recognized mentors", {"fields": ["recognized_mentors"]}))
        return fieldsets

    def get_queryset(self, request):
        approved = Q(enrollments__status=EnrollmentStatus.APPROVED)
        return (
            super()
            .get_queryset(request)
            .annotate(
                approved_mentee_count=Count(
                    "enrollments", filter=approved & Q(enrollments__role=EnrollmentRole.MENTEE)
                ),
                approved_mentor_count=Count(
                    "enrollments", filter=approved & Q(enrollments__role=EnrollmentRole.MENTOR)
                ),
                pending_count=Count(
                    "enrollments", filter=Q(enrollments__status=EnrollmentStatus.APPLIED)
                ),
            )
        )

    @admin.display(description="Mentees", ordering="approved_mentee_count")
    def approved_mentees(self, program):
        return program.approved_mentee_count

    @admin.display(description="Mentors", ordering="approved_mentor_count")
    def approved_mentors(self, program):
        return program.approved_mentor_count

    @admin.display(description="Waiting for approval", ordering="pending_count")
    def pending_applications(self, program):
        return program.pending_count

    @admin.display(description="Enrolments")
    def enrolments_link(self, program):
        url = changelist_url(Enrollment, program__id__exact=program.pk)
        return format_html('<a href="{}">Enrolments of {}</a>', url, program.name)

    @admin.display(description="Recognized mentors")
    def recognized_mentors(self, program):
        if program.pk is None:
            return "-"
        recognitions = Recognition.objects.filter(program=program).select_related("mentor")
        if not recognitions:
            return "No mentor of this program has been recognized yet."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li><strong>{}</strong> · {}: {}</li>",
                ((r.mentor, r.get_badge_display(), r.note) for r in recognitions),
            ),
        )

    def deletion_refusal(self, program):
        if program.status != ProgramStatus.DRAFT or program.enrollments.exists():
            return (
                f"“{program}” has been opened or has enrolments, so it cannot be deleted: "
                "close it instead, so that its participants keep their history."
            )
        return None

    @admin.action(description="Duplicate as template (a new draft)", permissions=["add"])
    def duplicate_as_template(self, request, queryset):
        for program in queryset:
            copy = services.program_duplicate(
                organization=request.organization, actor=request.user, program=program
            )
            self.message_user(
                request, f"“{copy}” created as a draft from “{program}”.", messages.SUCCESS
            )


# ---------------------------------------------------------------- enrolments


class FocusSkillFilter(admin.SimpleListFilter):
    title = "focus skill"
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
                f"Choose between 1 and {maximum} mentees: that is the maximum per mentor of "
                f"“{self.instance.program}”."
            )
        return capacity


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The applicants see it: say why, and what they could do next time.",
        error_messages={"required": "Give a reason: the applicants see it."},
    )


class EnrollmentCsvForm(forms.Form):
    MAX_BYTES = 2 * 1024 * 1024

    program = forms.ModelChoiceField(queryset=Program.objects.none())
    file = forms.FileField(
        label="CSV file",
        help_text="A header row with email and role (mentee or mentor), then skills "
        "(names separated by ';') and, for mentors, capacity.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.exclude(status=ProgramStatus.CLOSED)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise ValidationError("The file is larger than 2 MB: split it into several files.")
        return upload


ENROLLMENT_FIELDSETS = [
    (None, {"fields": ["person_summary", "program", "role", "status"]}),
    (
        "Application",
        {"fields": ["focus_skills", "situations_list", "growth_story", "goals_list"]},
    ),
    ("Decision", {"fields": ["decision_reason", "decided_by", "decided_at", "created_at"]}),
    ("Mentoring capacity", {"fields": ["capacity"]}),
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

    @admin.display(description="Person", ordering="person__display_name")
    def person_summary(self, enrollment):
        person = enrollment.person
        return format_html("{}<br><small>{}</small>", person.display_name, person.user.email)

    @admin.display(description="Skills")
    def focus_skills(self, enrollment):
        return ", ".join(link.skill.name for link in enrollment.skill_links.all()) or "-"

    @admin.display(description="Capacity", ordering="capacity")
    def capacity_display(self, enrollment):
        return enrollment.capacity if enrollment.role == EnrollmentRole.MENTOR else "-"

    @admin.display(description="Department", ordering="person__department__name")
    def department(self, enrollment):
        return enrollment.person.department or "-"

    @admin.display(description="Applied", ordering="created_at")
    def applied_at(self, enrollment):
        return enrollment.created_at

    @admin.display(description="Situations")
    def situations_list(self, enrollment):
        if not enrollment.situations:
            return "-"
        return format_html(
            "<ol>{}</ol>",
            format_html_join("", "<li>{}</li>", ((s,) for s in enrollment.situations)),
        )

    @admin.display(description="Goals")
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

    @admin.action(description="Approve", permissions=["change"])
    def approve(self, request, queryset):
        selected = list(queryset)
        try:
            changed = services.enrollments_approve(
                organization=request.organization, actor=request.user, enrollments=selected
            )
        except ValidationError as error:
            report_errors(self, request, error)
            return
        self.message_user(request, f"{changed} enrolment(s) approved.", messages.SUCCESS)
        if changed < len(selected):
            self.message_user(
                request,
                f"{len(selected) - changed} left as they were: already approved or withdrawn.",
                messages.INFO,
            )

    @admin.action(description="Decline with a reason…", permissions=["change"])
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
                self.message_user(request, f"{changed} enrolment(s) declined.", messages.SUCCESS)
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Decline with a reason",
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
            )
        ]
        return extra + super().get_urls()

    def import_csv_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = EnrollmentCsvForm(request.POST or None, request.FILES or None)
        errors = []
        if request.method == "POST" and form.is_valid():
            program = form.cleaned_data["program"]
            try:
                created = services.enrollments_import_csv(
                    organization=request.organization,
                    actor=request.user,
                    program=program,
                    data=form.cleaned_data["file"].read(),
                )
            except services.EnrollmentCsvError as error:
                errors = error.errors
            except ValidationError as error:
                errors = error.messages
            else:
                self.message_user(
                    request, f"{len(created)} people enrolled in “{program}”.", messages.SUCCESS
                )
                return redirect(changelist_url(Enrollment, program__id__exact=program.pk))
        context = {
            **self.admin_site.each_context(request),
            "title": "Enrol people from a CSV file",
            "opts": self.model._meta,
            "form": form,
            "errors": errors,
        }
        return TemplateResponse(request, "admin/programs/enrollment/import.html", context)


# ---------------------------------------------------------------- resources and checklists


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
    fields = ["title", "url", "kind", "description", "skill", "program"]

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

    @admin.display(description="Completed by", ordering="completion_count")
    def completed_by(self, item):
        return f"{item.completion_count} people" if item.completion_count != 1 else "1 person"


# ---------------------------------------------------------------- recognition


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
            self.fields["mentor"].help_text = "People who mentor, or mentored, in a program."
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

    def get_fields(self, request, obj=None):
        return self.fields if obj is not None else ["mentor", "program", "badge", "note"]

    def has_change_permission(self, request, obj=None):
        return False  # an award is given or withdrawn (deleted), not rewritten


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

    @admin.display(description="Mentee", ordering="enrollment__person__display_name")
    def person(self, goal):
        return goal.enrollment.person

    @admin.display(description="Program", ordering="enrollment__program__name")
    def program(self, goal):
        return goal.enrollment.program
