"""What program managers see of the feedback loop: survey results and feedback statistics
per program, as counts, averages and scores only.

Feedback text, reflections and survey comments belong to the two people of a pair, so no
ModelAdmin here shows them: Feedback and SkillRating are not registered at all, and survey
answers are listed as bare records (program, survey, role, period, date) under each
program's aggregates, with no respondent and no answer, since a name or a single answer
next to a small group would identify the person. Groups under five are hidden.

Survey figures and records are those of released periods only
(``feedback.selectors.releases``): an answer stored in a period still open appears
nowhere, neither in a figure nor as a record, until its period is released, and an
answer stored after its period was released never changes what was shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentoring.request_validation import parse_id
from mentoring.tenancy.admin import ReadOnlyTenantAdmin, organization_admin_site
from programs.models import Program

from .models import FeedbackKind, SurveyKind, SurveyResponse
from .selectors.releases import released_filter
from .selectors.statistics import (
    RECOGNITION_MINIMUM,
    RECOGNITION_THRESHOLD,
    overview_programs,
    program_overviews,
)
from .services import PROGRAM_QUESTIONS, PULSE_QUESTIONS
from .suppression import MIN_GROUP, NO_ANSWER_NOTE, RESIDUAL, RESIDUAL_NOTE, TOO_FEW_NOTE

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _hidden_note(result) -> str:
    """Why a group is hidden, as ``feedback.suppression`` decided it."""
    if result.averages is not None:
        return ""
    if not result.respondents:
        return NO_ANSWER_NOTE
    return _reason_note(result.hidden_because)


def _reason_note(reason: str | None) -> str:
    if reason is None:
        return ""
    return RESIDUAL_NOTE if reason == RESIDUAL else TOO_FEW_NOTE


def _period(release) -> str:
    if release.kind == SurveyKind.PROGRAM:
        return _("answers until %(date)s") % {"date": date_format(release.closes_on)}
    return _("period %(number)s, %(start)s to %(end)s") % {
        "number": release.number,
        "start": date_format(release.opens_on),
        "end": date_format(release.closes_on),
    }


def survey_table(title: StrOrPromise, released, questions: dict[str, str]) -> dict:
    """Rows of one released period's results: a group, its number of people, then one
    average per question (none when the group is hidden) and the recommendation score."""
    keys = list(questions)
    results = released.results
    return {
        "title": title,
        "period": _period(released.release),
        "questions": [questions[key] for key in keys],
        "has_nps": "recommend" in keys,
        "columns": len(keys) + ("recommend" in keys),
        "rows": [
            {
                "group": result.group,
                "respondents": result.respondents,
                "is_hidden": result.averages is None,
                "note": _hidden_note(result),
                "averages": [result.averages.get(key) for key in keys] if result.averages else [],
                "nps": result.nps,
            }
            for result in results
        ],
    }


def _panel(overview) -> dict:
    feedback = overview.feedback
    pulse = [
        survey_table(PULSE_TITLE, released, PULSE_QUESTIONS)
        for released in reversed(overview.pulse)  # the latest period first
    ]
    program = [
        survey_table(PROGRAM_TITLE, released, PROGRAM_QUESTIONS)
        for released in overview.program_survey
    ]
    return {
        "program": overview.program,
        "feedback_count": feedback["count"],
        "feedback_specificity": feedback["specificity"],
        "feedback_note": _reason_note(feedback["hidden_because"]),
        "feedback_rows": [
            {
                **row,
                "kind": FeedbackKind(row["kind"]).label,
                "note": _reason_note(row["hidden_because"]),
            }
            for row in feedback["by_skill_and_kind"]
        ],
        "surveys": [*program, *pulse],
        "next_pulse_on": overview.next_pulse_on,
        "program_survey_on": None if program else overview.program_survey_on,
        "recognition": overview.recognition,
    }


PULSE_TITLE, PROGRAM_TITLE = gettext_lazy("Relationship pulse"), gettext_lazy("Program usefulness")
# Not whether an answer is current: a later answer would change it on a released record.
RECORD_FIELDS: tuple[str, ...] = ("program", "kind", "respondent_role", "period", "answered_on")


@admin.register(SurveyResponse, site=organization_admin_site)
class SurveyResponseAdmin(ReadOnlyTenantAdmin):
    """Read only. The list page opens with each program's results and statistics."""

    change_list_template = "feedback/admin/surveyresponse_change_list.html"
    list_display = RECORD_FIELDS
    list_filter = [("program", admin.RelatedOnlyFieldListFilter), "kind"]
    list_select_related = ["program"]
    ordering = ["-created_at", "-pk"]
    fields = RECORD_FIELDS
    readonly_fields = RECORD_FIELDS
    actions = None

    def get_queryset(self, request):
        """The answers of released periods only (lists, object pages and their ids)."""
        answers = super().get_queryset(request)
        return answers.filter(released_filter(Program.objects.all()))

    @admin.display(description=gettext_lazy("Answered on"), ordering="created_at")
    def answered_on(self, response):
        return response.created_at.date()

    def changelist_view(self, request, extra_context=None):
        program_id = parse_id(request.GET.get("program__id__exact"))
        programs = overview_programs(program_id)
        context = {
            "panels": [_panel(overview) for overview in program_overviews(programs)],
            "min_group": MIN_GROUP,
            "recognition_minimum": RECOGNITION_MINIMUM,
            "recognition_threshold": RECOGNITION_THRESHOLD,
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=context)
