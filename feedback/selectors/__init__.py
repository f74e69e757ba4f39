"""Reads of the feedback loop, by noun: the pair's pages (``feedback``, ``progress``,
``surveys``) and, as aggregates only, the managers' ``statistics``.

Re-exported here: the names other code imports from ``feedback.selectors``."""

from .progress import skill_progress
from .statistics import (
    program_overviews,
    survey_results,
)
from .surveys import pulse_period

__all__ = [
    "program_overviews",
    "pulse_period",
    "skill_progress",
    "survey_results",
]
