"""Programs (cohorts): their settings and focus skills, lifecycle actions, and the object
tools other apps add to a program's page (PROGRAM_ADMIN_LINKS). A saved program's page
leads to its cockpit (``mentoring.overview.cockpit_views``), where the lifecycle moves are
one confirmed button each; the bulk actions here stay for several programs at once."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentoring import hooks
from mentoring.common.admin import (
    GuardedDeletionAdmin,
    ServiceFormAdmin,
    ServiceModelForm,
    changelist_url,
    report_errors,
)
from mentoring.tenancy.admin import organization_admin_site

from .. import services
from ..events import PROGRAM_ADMIN_LINKS
from ..models import (
    STATUS_IN_A_SENTENCE,
    Enrollment,
    EnrollmentRole,
    EnrollmentStatus,
    Program,
    ProgramSkill,
    ProgramStatus,
    Recognition,
    Skill,
)
from .session_plans import use_default_session_plan

CIRCLE_SETTINGS = ("circle_min_mentees", "circle_max_mentees", "circle_mentors")


class ProgramForm(ServiceModelForm):
    """A program's settings and focus skills (matching's admin adds the matching weights)."""

    focus_skills = forms.ModelMultipleChoiceField(
        queryset=Skill.objects.none(),  # the request's organization's, set in __init__
        widget=FilteredSelectMultiple(gettext_lazy("focus skills"), is_stacked=False),
        help_text=gettext_lazy("The skills mentees of this program choose from (one or two each)."),
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
            "format",
            "requires_training",
            "circle_min_mentees",
            "circle_max_mentees",
            "circle_mentors",
        ]
        labels = {
            "checkin_cadence_days": gettext_lazy("Check-in cadence (days)"),
            "goal_review_interval_months": gettext_lazy("Goal review every (months)"),
            "cross_functional": gettext_lazy("Cross-functional pairs"),
            "min_seniority_gap": gettext_lazy("Minimum seniority gap"),
            "max_mentees_per_mentor": gettext_lazy("Maximum mentees per mentor"),
            "enrollment_mode": gettext_lazy("Enrolment mode"),
            "circle_min_mentees": gettext_lazy("Fewest mentees in a circle"),
            "circle_max_mentees": gettext_lazy("Most mentees in a circle"),
            "circle_mentors": gettext_lazy("Mentors per circle"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in CIRCLE_SETTINGS:
            if name in self.fields:
                # only circle programs use them: a form of another format may leave them out
                self.fields[name].required = False
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
            _("%(skill)s (archived)") % {"skill": skill.name} if skill.is_archived else skill.name
        )

    def clean(self):
        cleaned = super().clean()
        for name in CIRCLE_SETTINGS:
            if name in self.fields and cleaned.get(name) is None and name not in self.errors:
                cleaned[name] = getattr(self.instance, name)
                setattr(self.instance, name, cleaned[name])
        low, high = cleaned.get("circle_min_mentees"), cleaned.get("circle_max_mentees")
        if low is not None and high is not None and low > high:
            self.add_error(
                "circle_min_mentees",
                _(
                    "A circle cannot start with more mentees (%(low)s) than it may hold "
                    "(%(high)s): lower the fewest or raise the most."
                )
                % {"low": low, "high": high},
            )
        return cleaned

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if Program.objects.filter(name=name).exclude(pk=self.instance.pk).exists():
            raise ValidationError(
                _("Another program is already called “%(name)s”.") % {"name": name}
            )
        return name

    def save_through_service(self):
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
                    request,
                    _("“%(program)s” is already %(status)s.")
                    % {"program": program, "status": STATUS_IN_A_SENTENCE[target]},
                    messages.INFO,
                )
                continue
            if (STATUS_ORDER.index(current) > STATUS_ORDER.index(target)) != back:
                # Both directions lead to "enrolling": "Open enrolment" must not quietly
                # reopen a program that is matching, nor the reverse.
                modeladmin.message_user(
                    request,
                    _("“%(program)s” is %(status)s: “%(action)s” does not apply to it.")
                    % {
                        "program": program,
                        "status": STATUS_IN_A_SENTENCE[current],
                        "action": label,
                    },
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
                    request,
                    _("“%(program)s” is now %(status)s.")
                    % {"program": program, "status": STATUS_IN_A_SENTENCE[target]},
                    messages.SUCCESS,
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
        "cockpit_link",
    ]
    list_filter = ["status", "enrollment_mode", "is_onboarding"]
    search_fields = ["name"]
    readonly_fields = ["status", "recognized_mentors"]
    actions = [
        program_move_action(
            "open_enrolment", gettext_lazy("Open enrolment"), ProgramStatus.ENROLLING
        ),
        program_move_action(
            "start_matching", gettext_lazy("Start matching"), ProgramStatus.MATCHING
        ),
        program_move_action("start_running", gettext_lazy("Start running"), ProgramStatus.RUNNING),
        program_move_action("close_program", gettext_lazy("Close program"), ProgramStatus.CLOSED),
        program_move_action(
            "back_to_draft", gettext_lazy("Back to draft"), ProgramStatus.DRAFT, back=True
        ),
        program_move_action(
            "back_to_enrolment",
            gettext_lazy("Back to enrolment"),
            ProgramStatus.ENROLLING,
            back=True,
        ),
        "duplicate_as_template",
        use_default_session_plan,
    ]

    change_form_template = "admin/matching/program/change_form.html"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            # The apps above programs add their object tools (match runs, survey results).
            context["matching_links"] = [
                link for links in hooks.run(PROGRAM_ADMIN_LINKS, obj) for link in links
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def settings_fieldsets(self) -> list:
        """The fieldsets of the program's settings; an app above may add its own."""
        return [
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
            (
                _("Format"),
                {"fields": ["format", "requires_training"]},
            ),
            (
                _("Circles"),
                {
                    "fields": [("circle_min_mentees", "circle_max_mentees"), "circle_mentors"],
                    "description": _(
                        "Used by circle programs only: how large each circle is, and how "
                        "many mentors guide it. A mentor's capacity then counts circles."
                    ),
                },
            ),
            (_("Rhythm"), {"fields": ["checkin_cadence_days", "goal_review_interval_months"]}),
            (
                _("Matching"),
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
            (_("Enrolment"), {"fields": ["enrollment_mode", "is_onboarding"]}),
        ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = self.settings_fieldsets()
        if obj is not None:
            fieldsets.append((_("Recognized mentors"), {"fields": ["recognized_mentors"]}))
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

    @admin.display(description=gettext_lazy("Mentees"), ordering="approved_mentee_count")
    def approved_mentees(self, program):
        return program.approved_mentee_count

    @admin.display(description=gettext_lazy("Mentors"), ordering="approved_mentor_count")
    def approved_mentors(self, program):
        return program.approved_mentor_count

    @admin.display(description=gettext_lazy("Waiting for approval"), ordering="pending_count")
    def pending_applications(self, program):
        return program.pending_count

    @admin.display(description=gettext_lazy("Enrolments"))
    def enrolments_link(self, program):
        url = changelist_url(Enrollment, program__id__exact=program.pk)
        text = _("Enrolments of %(program)s") % {"program": program.name}
        return format_html('<a href="{}">{}</a>', url, text)

    @admin.display(description=gettext_lazy("Run it"))
    def cockpit_link(self, program):
        # The cockpit reads across the apps, so it lives in the composition layer
        # (mentoring.overview.cockpit_views): linked by its URL name, never imported.
        url = reverse("program_cockpit", kwargs={"program_id": program.pk})
        text = _("Cockpit of %(program)s") % {"program": program.name}
        return format_html('<a href="{}">{}</a>', url, text)

    @admin.display(description=gettext_lazy("Recognized mentors"))
    def recognized_mentors(self, program):
        if program.pk is None:
            return "-"
        recognitions = Recognition.objects.filter(program=program).select_related("mentor")
        if not recognitions:
            return _("No mentor of this program has been recognized yet.")
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
            return _(
                "“%(program)s” has been opened or has enrolments, so it cannot be deleted: "
                "close it instead, so that its participants keep their history."
            ) % {"program": program}
        return None

    @admin.action(
        description=gettext_lazy("Duplicate as template (a new draft)"), permissions=["add"]
    )
    def duplicate_as_template(self, request, queryset):
        for program in queryset:
            copy = services.program_duplicate(
                organization=request.organization, actor=request.user, program=program
            )
            self.message_user(
                request,
                _("“%(copy)s” created as a draft from “%(program)s”.")
                % {"copy": copy, "program": program},
                messages.SUCCESS,
            )
