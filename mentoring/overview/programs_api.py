"""HR API: programs (cohorts) with their progress figures, read across the apps."""

from __future__ import annotations

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef
from django_filters import rest_framework as filters
from rest_framework.exceptions import NotFound

from mentoring.api.base import HrListView, HrObjectView, UpdatedSinceFilter
from programs.models import Program, ProgramSkill, ProgramStatus
from programs.serializers import ProgramRow

from .summary import FIGURE_FIELDS, MEMBER_FIELDS, program_figures

PROGRAM_FIELDS = (
    "id",
    "name",
    "status",
    "starts_on",
    "ends_on",
    "enrollment_mode",
    "matching_mode",
    "checkin_cadence_days",
    "goal_review_interval_months",
    "focus_skill_ids",
    "updated_at",
)


def with_focus_skills(programs):
    return programs.annotate(
        focus_skill_ids=ArraySubquery(
            ProgramSkill.objects.filter(program=OuterRef("pk"))
            .order_by("skill_id")
            .values("skill_id")
        )
    )


def shape_programs(rows: list[dict], *, members: bool = False) -> list[dict]:
    """Program rows with their figures: seven queries for any number of programs. With
    ``members`` (the HR pages), the circles and the people in active mentorships too."""
    figures = program_figures([row["id"] for row in rows]) if rows else {}
    keys = (*FIGURE_FIELDS, *MEMBER_FIELDS) if members else FIGURE_FIELDS
    return [
        {
            **{key: row[key] for key in PROGRAM_FIELDS if key != "updated_at"},
            **{key: figures[row["id"]][key] for key in keys},
            "updated_at": row["updated_at"],
        }
        for row in rows
    ]


class ProgramFilter(UpdatedSinceFilter):
    status = filters.ChoiceFilter(field_name="status", choices=ProgramStatus.choices)

    class Meta:
        model = Program
        fields = ["status", "updated_since"]


class ProgramList(HrListView):
    """Programs (cohorts) with the organization summary's figures for each: people
    enrolled, match rate, active mentorships, sessions held, goal-review completion and
    program score."""

    serializer_class = ProgramRow
    filterset_class = ProgramFilter
    ordering = ("-starts_on", "id")
    ordering_fields = ("starts_on", "ends_on", "name", "updated_at")
    fields = PROGRAM_FIELDS

    def get_queryset(self):
        return Program.objects.all()

    def annotate(self, queryset):
        return with_focus_skills(queryset)

    def shape_rows(self, rows: list[dict]) -> list[dict]:
        return shape_programs(rows)


class ProgramDetail(HrObjectView):
    """One program with its figures (404 for an id of another organization)."""

    serializer_class = ProgramRow
    queryset = Program.objects.none()

    def get_object_data(self) -> dict:
        programs = Program.objects.filter(pk=self.kwargs["pk"])
        row = with_focus_skills(programs).values(*PROGRAM_FIELDS).first()
        if row is None:
            raise NotFound("No such program in this organization.")
        return shape_programs([row])[0]
