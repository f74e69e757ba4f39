"""HR API: enrolments, goals and goal reviews. Never an application's situations, growth
story or decision reason, never the texts of a goal review. Goals and goal reviews are
each mentee's progress: served only when the organization lets HR see it
(``mentoring.api.individual``). (Programs with their figures
are read across the apps: ``mentoring.overview.programs_api``.)"""

from __future__ import annotations

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef
from django_filters import rest_framework as filters

from mentoring.api.base import (
    DateTimeFilter,
    HrListView,
    IdFilter,
    IntegerFilter,
    UpdatedSinceFilter,
)
from mentoring.api.individual import INDIVIDUAL_PROGRESS

from .models import (
    Enrollment,
    EnrollmentRole,
    EnrollmentSkill,
    EnrollmentStatus,
    Goal,
    GoalReview,
    GoalStatus,
)
from .serializers import EnrolmentRow, GoalReviewRow, GoalRow

# ---------------------------------------------------------------- enrolments


class EnrolmentFilter(UpdatedSinceFilter):
    program = IdFilter(field_name="program_id", label="A program's id")
    role = filters.ChoiceFilter(field_name="role", choices=EnrollmentRole.choices)
    status = filters.ChoiceFilter(field_name="status", choices=EnrollmentStatus.choices)
    department = IdFilter(field_name="person__department_id", label="A department's id")
    focus_skill = IdFilter(
        field_name="skill_links__skill_id", label="A skill's id: enrolments with that focus skill"
    )
    person = IdFilter(field_name="person_id", label="A person's (profile) id")

    class Meta:
        model = Enrollment
        fields = ["program", "role", "status", "department", "focus_skill", "person"]


class EnrolmentList(HrListView):
    """Participants: each person's enrolment in a program as mentee or mentor, with their
    department and focus skills. Never the application's texts."""

    serializer_class = EnrolmentRow
    filterset_class = EnrolmentFilter
    ordering_fields = ("created_at", "updated_at")
    fields = (
        "id",
        "program_id",
        "person_id",
        "person__display_name",
        "person__user__email",
        "person__department_id",
        "person__department__name",
        "role",
        "status",
        "skill_ids",
        "capacity",
        "decided_at",
        "created_at",
        "updated_at",
    )

    def get_queryset(self):
        return Enrollment.objects.all()

    def annotate(self, queryset):
        return queryset.annotate(
            skill_ids=ArraySubquery(
                EnrollmentSkill.objects.filter(enrollment=OuterRef("pk"))
                .order_by("skill_id")
                .values("skill_id")
            )
        )

    def shape(self, row: dict) -> dict:
        return {
            "id": row["id"],
            "program_id": row["program_id"],
            "person_id": row["person_id"],
            "person_name": row["person__display_name"],
            "person_email": row["person__user__email"],
            "department_id": row["person__department_id"],
            "department": row["person__department__name"],
            "role": row["role"],
            "status": row["status"],
            "focus_skill_ids": row["skill_ids"],
            "capacity": row["capacity"],
            "decided_at": row["decided_at"],
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }


# ---------------------------------------------------------------- goals and reviews


class GoalFilter(UpdatedSinceFilter):
    program = IdFilter(field_name="enrollment__program_id", label="A program's id")
    enrolment = IdFilter(field_name="enrollment_id", label="An enrolment's id")
    skill = IdFilter(field_name="skill_id", label="A skill's id")
    status = filters.ChoiceFilter(field_name="status", choices=GoalStatus.choices)

    class Meta:
        model = Goal
        fields = ["program", "enrolment", "skill", "status"]


class GoalList(HrListView):
    """Mentees' goals: statement, skill, status and target date. Only when the
    organization lets HR see each mentee's progress; otherwise 403."""

    permission_classes = INDIVIDUAL_PROGRESS
    serializer_class = GoalRow
    filterset_class = GoalFilter
    ordering_fields = ("created_at", "updated_at")
    fields = (
        "id",
        "enrollment_id",
        "enrollment__program_id",
        "enrollment__person_id",
        "statement",
        "skill_id",
        "skill__name",
        "status",
        "target_on",
        "created_at",
        "updated_at",
    )

    def get_queryset(self):
        return Goal.objects.all()

    def shape(self, row: dict) -> dict:
        return {
            "id": row["id"],
            "enrolment_id": row["enrollment_id"],
            "program_id": row["enrollment__program_id"],
            "person_id": row["enrollment__person_id"],
            "statement": row["statement"],
            "skill_id": row["skill_id"],
            "skill": row["skill__name"],
            "status": row["status"],
            "target_on": row["target_on"],
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }


class GoalReviewFilter(filters.FilterSet):
    program = IdFilter(field_name="goal__enrollment__program_id", label="A program's id")
    enrolment = IdFilter(field_name="goal__enrollment_id", label="An enrolment's id")
    goal = IdFilter(field_name="goal_id", label="A goal's id")
    author_role = filters.ChoiceFilter(field_name="author_role", choices=EnrollmentRole.choices)
    period = IntegerFilter(field_name="period", label="A review period (1, 2…)")
    updated_since = DateTimeFilter(
        field_name="created_at",
        lookup_expr="gte",
        label="Reviews given at or after (ISO 8601); reviews are never edited",
    )

    class Meta:
        model = GoalReview
        fields = ["program", "enrolment", "goal", "author_role", "period", "updated_since"]


class GoalReviewList(HrListView):
    """Goal reviews, oldest first: the period, who reviewed (mentee or mentor) and the
    progress rating (1 to 5). Never what changed, the next steps or the adjusted focus.
    Only when the organization lets HR see each mentee's progress; otherwise 403."""

    permission_classes = INDIVIDUAL_PROGRESS
    serializer_class = GoalReviewRow
    filterset_class = GoalReviewFilter
    ordering = ("created_at", "id")
    ordering_fields = ("created_at",)
    changed_key = "created_at"  # reviews are never edited
    fields = (
        "id",
        "goal_id",
        "goal__enrollment_id",
        "goal__enrollment__program_id",
        "period",
        "author_role",
        "progress",
        "created_at",
    )

    def get_queryset(self):
        return GoalReview.objects.all()

    def shape(self, row: dict) -> dict:
        return {
            "id": row["id"],
            "goal_id": row["goal_id"],
            "enrolment_id": row["goal__enrollment_id"],
            "program_id": row["goal__enrollment__program_id"],
            "period": row["period"],
            "author_role": row["author_role"],
            "progress": row["progress"],
            "created_at": row["created_at"],
        }
