"""HR API: feedback per program, skill and kind, as counts and average specificity.
Feedback text never leaves the database."""

from __future__ import annotations

from django.db.models import Avg, Count
from django_filters import rest_framework as filters

from mentoring.api.base import HrAggregateView, IdFilter

from ..models import Feedback, FeedbackKind
from ..serializers import FeedbackStatistics, FeedbackStatisticsRow


class FeedbackStatisticsFilter(filters.FilterSet):
    program = IdFilter(field_name="mentorship__program_id", label="A program's id")
    skill = IdFilter(field_name="skill_id", label="A skill's id")
    kind = filters.ChoiceFilter(field_name="kind", choices=FeedbackKind.choices)

    class Meta:
        model = Feedback
        fields = ["program", "skill", "kind"]


class FeedbackStatisticsList(HrAggregateView):
    """Feedback per program, skill and kind: how much was given and how specific it was
    on average (0 to 4). Never any text."""

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
        rows = (
            feedback.values("mentorship__program_id", "skill_id", "skill__name", "kind")
            .annotate(count=Count("id"), specificity=Avg("specificity"))
            .order_by("mentorship__program_id", "skill__name", "skill_id", "kind")
        )
        return [
            {
                "program_id": row["mentorship__program_id"],
                "skill_id": row["skill_id"],
                "skill": row["skill__name"],
                "kind": row["kind"],
                "count": row["count"],
                "average_specificity": _round(row["specificity"]),
            }
            for row in rows
        ]


def _round(value) -> float | None:
    return None if value is None else round(float(value), 2)
