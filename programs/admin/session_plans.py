"""A program's session plan: the path its sessions follow. A page of its own (every
program's steps, filtered by program; the program's page links to it) and the action giving
existing programs the default plan. Each new session follows one step
(``programs.session_plans.plan_step_for``) and its agenda starts with the step's points."""

from __future__ import annotations

import re

from django import forms
from django.contrib import admin, messages
from django.contrib.postgres.forms import SimpleArrayField
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentoring.common.locks import lock
from mentoring.tenancy.admin import TenantModelAdmin, organization_admin_site

from ..models import PlanStepKind, Program, SessionPlanStep
from ..services.session_plans import session_plan_install_default
from ..session_plans import POINT_MAX_LENGTH, SKILL

POINTS_MAX = SessionPlanStep._meta.get_field("points").size or 8
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
ONE_EACH = (PlanStepKind.AGREEMENT, PlanStepKind.CLOSING)

KIND_HELP = gettext_lazy(
    "Which sessions follow this step: the pair's first session (agreement), sessions from "
    "a week before a goal review falls due (goal review), sessions in the mentorship's last "
    "two weeks (closing), and every other session (practice). A plan without one of these "
    "uses its practice step instead."
)
POINTS_HELP = format_lazy(
    gettext_lazy(
        "One agenda point a line, up to {max}. Write {skill} where the mentee's focus "
        "skill belongs: a mentee with two focus skills gets that point once for each. The pair "
        "can change or remove every point."
    ),
    max=POINTS_MAX,
    skill=SKILL,
)
POSITION_HELP = gettext_lazy(
    "Steps are listed in this order, and several steps of one kind take turns."
)


class SessionPlanStepForm(forms.ModelForm):
    """One step; its points one a line, checked with messages a manager can act on."""

    points = SimpleArrayField(
        forms.CharField(required=False),
        delimiter="\n",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=POINTS_HELP,
    )

    class Meta:
        model = SessionPlanStep
        fields = ["program", "position", "kind", "title", "points"]
        help_texts = {"kind": KIND_HELP, "position": POSITION_HELP}

    def clean_points(self) -> list[str]:
        points = [" ".join(point.split()) for point in self.cleaned_data["points"]]
        points = [point for point in points if point]
        if not points:
            raise ValidationError(_("Give the step at least one agenda point, one a line."))
        if len(points) > POINTS_MAX:
            raise ValidationError(
                _(
                    "A step starts an agenda with up to %(max)s points (%(count)s now): "
                    "keep the ones that matter most, the pair adds their own."
                )
                % {"max": POINTS_MAX, "count": len(points)}
            )
        for number, point in enumerate(points, start=1):
            if len(point) > POINT_MAX_LENGTH:
                raise ValidationError(
                    _(
                        "Point %(number)s is %(length)s characters long: keep each point "
                        "under %(max)s."
                    )
                    % {"number": number, "length": len(point), "max": POINT_MAX_LENGTH}
                )
            unknown = [found for found in PLACEHOLDER.findall(point) if found != SKILL]
            if unknown:
                raise ValidationError(
                    _(
                        "Point %(number)s has %(found)s: only %(skill)s is filled in (with the "
                        "mentee's focus skill). Write it exactly so, or remove the braces."
                    )
                    % {"number": number, "found": unknown[0], "skill": SKILL}
                )
        return points


class SessionPlanStepPageForm(SessionPlanStepForm):
    """A step on its own page: the program's other steps are in the database."""

    def clean(self):
        cleaned = super().clean()
        program, kind = cleaned.get("program"), cleaned.get("kind")
        if program and kind in ONE_EACH:
            # the admin saves in the same transaction: two pages sent at once go in a row
            lock(Program.objects.filter(pk=program.pk))
            others = SessionPlanStep.objects.filter(program=program, kind=kind)
            if others.exclude(pk=self.instance.pk).exists():
                self.add_error("kind", one_each_message(kind))
        return cleaned


def one_each_message(kind: str) -> str:
    return _(
        "A plan has one step “%(kind)s”: a mentorship has only one such "
        "session. Remove the extra one, or make it practice."
    ) % {"kind": PlanStepKind(kind).label}


@admin.register(SessionPlanStep, site=organization_admin_site)
class SessionPlanStepAdmin(TenantModelAdmin):
    form = SessionPlanStepPageForm
    list_display = ["title", "program", "kind", "position", "point_count"]
    list_filter = [("program", admin.RelatedOnlyFieldListFilter), "kind"]
    list_select_related = ["program"]
    search_fields = ["title", "program__name"]
    ordering = ["program", "position", "pk"]
    fields = ["program", "position", "kind", "title", "points"]

    @admin.display(description=gettext_lazy("Agenda points"))
    def point_count(self, step):
        return len(step.points)


@admin.action(description=gettext_lazy("Use the default session plan"), permissions=["change"])
def use_default_session_plan(modeladmin, request, queryset):
    """Give the chosen programs without any plan step the default plan (a program's own
    plan is left as it is)."""
    for program in queryset:
        if session_plan_install_default(organization=request.organization, program=program):
            modeladmin.message_user(
                request,
                _("“%(program)s” now follows the default session plan.") % {"program": program},
                messages.SUCCESS,
            )
        else:
            modeladmin.message_user(
                request,
                _(
                    "“%(program)s” has a session plan already: it was left as it is. Remove its "
                    "steps first to start again from the default."
                )
                % {"program": program},
                messages.INFO,
            )
