"""What feedback registers with the core's hooks (see mentoring/hooks.py)."""

from django.urls import path

from mentoring import hooks

from . import privacy

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
