"""What program managers see of the feedback loop: survey results and feedback statistics
per program, as counts, averages and scores only.

Feedback text, reflections and survey comments belong to the two people of a pair, so no
ModelAdmin here shows them: Feedback and SkillRating are not registered at all, and survey
answers are listed as bare records (program, survey, role, period, date) under each
program's aggregates, with no respondent and no answer, since a name or a single answer
next to a small group would identify the person. Groups under five are hidden.
"""

from django.contrib import admin

from mentoring.request_validation import parse_id
from mentoring.tenancy.admin import ReadOnlyTenantAdmin, organization_admin_site

from .models import FeedbackKind, SurveyResponse
from .selectors.statistics import (
    RECOGNITION_MINIMUM,
    RECOGNITION_THRESHOLD,
    overview_programs,
    program_overviews,
)
from .services import PROGRAM_QUESTIONS, PULSE_QUESTIONS
from .suppression import MIN_GROUP, NO_ANSWER_NOTE, RESIDUAL, RESIDUAL_NOTE, TOO_FEW_NOTE


def _hidden_note(result) -> str:
    """Why a group is hidden, as ``feedback.suppression`` decided it."""
    if result.averages is not None:
        return ""
    if not result.respondents:
        return NO_ANSWER_NOTE
    return RESIDUAL_NOTE if result.hidden_because == RESIDUAL else TOO_FEW_NOTE


def _survey_table(title: str, results, questions: dict[str, str]) -> dict:
    """Rows of one survey's results: a group, its number of people, then one average per
    question (none when the group is hidden) and the recommendation score if any."""
    keys = list(questions)
    return {
        "title": title,
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
    return {
        "program": overview.program,
        "feedback_count": feedback["count"],
        "feedback_specificity": feedback["specificity"],
        "feedback_rows": [
            {**row, "kind": FeedbackKind(row["kind"]).label}
            for row in feedback["by_skill_and_kind"]
        ],
        "surveys": [
            _survey_table("Relationship pulse", overview.pulse, PULSE_QUESTIONS),
            _survey_table("Program usefulness", overview.program_survey, PROGRAM_QUESTIONS),
        ],
        "recognition": overview.recognition,
    }


RECORD_FIELDS = ["program", "kind", "respondent_role", "period", "answered_on", "is_current"]


@admin.register(SurveyResponse, site=organization_admin_site)
class SurveyResponseAdmin(ReadOnlyTenantAdmin):
    """Read only. The list page opens with each program's results and statistics."""

    change_list_template = "feedback/admin/surveyresponse_change_list.html"
    list_display = RECORD_FIELDS
    list_filter = [("program", admin.RelatedOnlyFieldListFilter), "kind", "is_current"]
    list_select_related = ["program"]
    ordering = ["-created_at", "-pk"]
    fields = RECORD_FIELDS
    readonly_fields = RECORD_FIELDS
    actions = None

    @admin.display(description="Answered on", ordering="created_at")
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
