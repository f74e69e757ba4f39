"""HR API of the feedback loop, by noun: ``surveys``, feedback ``statistics`` and skill
``progress``. Levels, counts, averages and scores only: feedback text, reflections and
survey comments never leave the database.

Re-exported here: the names other code imports from ``feedback.api`` (the API's URL
configuration and the HR summary)."""

from .progress import SkillProgressAggregateList, SkillProgressList
from .statistics import FeedbackStatisticsList
from .surveys import SurveyAggregates, program_survey_groups

__all__ = [
    "FeedbackStatisticsList",
    "SkillProgressAggregateList",
    "SkillProgressList",
    "SurveyAggregates",
    "program_survey_groups",
]
