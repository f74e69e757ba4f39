"""HR API: feedback per program, skill and kind, as counts and average specificity,
under the one suppression rule (a group with fewer than five givers or receivers is
hidden). Feedback text never leaves the database."""

from __future__ import annotations

from django_filters import rest_framework as filters

from mentoring.api.base import HrAggregateView, IdFilter

from ..models import Feedback, FeedbackKind
from ..selectors.statistics import FEEDBACK_GROUPS, feedback_people
from ..serializers import FeedbackStatistics, FeedbackStatisticsRow
from ..suppression import suppress


class FeedbackStatisticsFilter(filters.FilterSet):
    program = IdFilter(field_name="mentorship__program_id", label="A program's id")
    skill = IdFilter(field_name="skill_id", label="A skill's id")
    kind = filters.ChoiceFilter(field_name="kind", choices=FeedbackKind.choices)

    class Meta:
        model = Feedback
        fields = ["program", "skill", "kind"]


class FeedbackStatisticsList(HrAggregateView):
    """Feedback per program, skill and kind: how much was given and how specific it was
    on average (0 to 4). A group with fewer than five givers or five receivers is hidden
    (the row says so). Never any text."""

    queryset = Feedback.objects.none()
    serializer_class = FeedbackStatistics
    row_serializer_class = FeedbackStatisticsRow
    filterset_class = FeedbackStatisticsFilter

    def aggregate_rows(self, params: dict) -> list[dict]:
        feedback = Feedback.objects.all()
        if params.get("program") is not None:
            feedback = feedback.filter(mentorship__program_id=params["program"])
        if params.get("skill") is not None:
            feedback = feedback.filter(skill_id=params["skill"])
        if params.get("kind"):
            feedback = feedback.filter(kind=params["kind"])
        rows = list(
            feedback.values("mentorship__program_id", "skill_id", "skill__name", "kind")
            .annotate(**FEEDBACK_GROUPS)
            .order_by("mentorship__program_id", "skill__name", "skill_id", "kind")
        )
        # Each row is a group of its own (program, skill and kind), whatever the filters:
        # no total is shown, so no hidden group can be worked out by difference.
        verdict = suppress({i: feedback_people(row) for i, row in enumerate(rows)})
        return [
            {
                "program_id": row["mentorship__program_id"],
                "skill_id": row["skill_id"],
                "skill": row["skill__name"],
                "kind": row["kind"],
                "count": row["count"] if verdict.shows(i) else None,
                "average_specificity": _round(row["specificity"]) if verdict.shows(i) else None,
                "is_suppressed": not verdict.shows(i),
                "suppression_reason": verdict.hidden.get(i),
            }
            for i, row in enumerate(rows)
        ]


def _round(value) -> float | None:
    return None if value is None else round(float(value), 2)
