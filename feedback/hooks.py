"""What feedback registers with the core's hooks (see mentoring/hooks.py)."""

from django.urls import path
from django.utils.translation import gettext

from mentoring import hooks
from mentoring.common.admin import changelist_url
from programs.events import PROGRAM_ADMIN_LINKS

from . import privacy
from .models import SurveyResponse

hooks.register(hooks.PRIVACY_RULES, privacy.RULES)


@hooks.register(hooks.API_ROUTES)
def api_routes() -> list:
    from .api import (
        FeedbackStatisticsList,
        SkillProgressAggregateList,
        SkillProgressList,
        SurveyAggregates,
    )

    return [
        path("v1/skill-progress/", SkillProgressList.as_view(), name="api-skill-progress"),
        path(
            "v1/skill-progress/aggregates/",
            SkillProgressAggregateList.as_view(),
            name="api-skill-progress-aggregates",
        ),
        path(
            "v1/feedback-statistics/",
            FeedbackStatisticsList.as_view(),
            name="api-feedback-statistics",
        ),
        path("v1/surveys/", SurveyAggregates.as_view(), name="api-surveys"),
    ]


@hooks.register(PROGRAM_ADMIN_LINKS)
def program_survey_links(program) -> list[tuple[str, str]]:
    return [
        (
            gettext("Survey results and feedback statistics"),
            changelist_url(SurveyResponse, program__id__exact=program.pk),
        )
    ]
