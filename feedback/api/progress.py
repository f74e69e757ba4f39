"""HR API: skill progress per mentee and focus skill (every self and observed rating over
time; only when the organization lets HR see each mentee's progress), and aggregated per
program and per department. Levels only; a group of fewer than ``MIN_GROUP`` mentees is
hidden (``feedback.suppression``), and so is any group the other split would reveal."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django_filters import rest_framework as filters

from mentoring.api.base import DateTimeFilter, HrAggregateView, HrListView, IdFilter
from mentoring.api.individual import INDIVIDUAL_PROGRESS
from mentoring.people.models import Department
from programs.models import (
    Enrollment,
    EnrollmentRole,
    EnrollmentSkill,
    EnrollmentStatus,
    Program,
    Skill,
)

from ..models import RaterRole, RatingMoment, SkillRating
from ..serializers import SkillProgressAggregateRow, SkillProgressAggregates, SkillProgressRow
from ..suppression import MIN_GROUP, suppress

MOMENT_ORDER = {RatingMoment.START: 0, RatingMoment.REVIEW: 1, RatingMoment.END: 2}
RATING_FIELDS = ("enrollment_id", "skill_id", "rater_role", "moment", "period", "level")


def progress_ends(ratings) -> dict[str, tuple[int, int] | None]:
    """(start, latest) level per rater role, from ratings (role, moment, period, level)
    oldest first. As on the pair's progress page, each moment counts its latest rating;
    the start is the earliest moment rated, the latest the last one."""
    points: dict[str, dict[tuple[int, int], int]] = {RaterRole.SELF: {}, RaterRole.MENTOR: {}}
    for role, moment, period, level in ratings:
        points.setdefault(role, {})[(MOMENT_ORDER.get(moment, 1), period)] = level
    ends: dict[str, tuple[int, int] | None] = {}
    for role, by_point in points.items():
        if by_point:
            ordered = [by_point[key] for key in sorted(by_point)]
            ends[role] = (ordered[0], ordered[-1])
        else:
            ends[role] = None
    return ends


def _change(ends) -> tuple:
    if ends is None:
        return None, None, None
    start, latest = ends
    return start, latest, latest - start


class SkillProgressFilter(filters.FilterSet):
    program = IdFilter(field_name="enrollment__program_id", label="A program's id")
    enrolment = IdFilter(field_name="enrollment_id", label="A mentee enrolment's id")
    skill = IdFilter(field_name="skill_id", label="A skill's id")
    department = IdFilter(field_name="enrollment__person__department_id", label="A department's id")
    enrolment_status = filters.ChoiceFilter(
        field_name="enrollment__status", choices=EnrollmentStatus.choices
    )
    updated_since = DateTimeFilter(
        method="rated_since", label="Rows with a rating given at or after (ISO 8601)"
    )

    class Meta:
        model = EnrollmentSkill
        fields = ["program", "enrolment", "skill", "department", "enrolment_status"]

    def rated_since(self, queryset, name, value):
        return queryset.filter(
            Exists(
                SkillRating.objects.filter(
                    enrollment_id=OuterRef("enrollment_id"),
                    skill_id=OuterRef("skill_id"),
                    created_at__gte=value,
                )
            )
        )


class SkillProgressList(HrListView):
    """Per mentee and focus skill: every self and observed rating over time, and the
    change since the start (latest minus first level of each rater). Only when the
    organization lets HR see each mentee's progress; otherwise 403 (the aggregates stay
    open)."""

    permission_classes = INDIVIDUAL_PROGRESS
    serializer_class = SkillProgressRow
    filterset_class = SkillProgressFilter
    ordering = ("id",)
    fields = (
        "id",
        "enrollment_id",
        "enrollment__program_id",
        "enrollment__person_id",
        "enrollment__person__department_id",
        "enrollment__status",
        "skill_id",
        "skill__name",
    )

    def get_queryset(self):
        return EnrollmentSkill.objects.filter(enrollment__role=EnrollmentRole.MENTEE)

    def shape_rows(self, rows: list[dict]) -> list[dict]:
        wanted = {(row["enrollment_id"], row["skill_id"]) for row in rows}
        ratings: dict[tuple, list] = {}
        if wanted:
            for rating in (
                SkillRating.objects.filter(
                    enrollment_id__in={e for e, _s in wanted}, skill_id__in={s for _e, s in wanted}
                )
                .order_by("created_at", "id")
                .values(
                    "enrollment_id",
                    "skill_id",
                    "rater_role",
                    "moment",
                    "period",
                    "level",
                    "created_at",
                )
            ):
                key = (rating["enrollment_id"], rating["skill_id"])
                if key in wanted:
                    ratings.setdefault(key, []).append(rating)
        shaped = []
        for row in rows:
            history = ratings.get((row["enrollment_id"], row["skill_id"]), [])
            ends = progress_ends(
                (r["rater_role"], r["moment"], r["period"], r["level"]) for r in history
            )
            self_start, self_latest, self_change = _change(ends[RaterRole.SELF])
            seen_start, seen_latest, seen_change = _change(ends[RaterRole.MENTOR])
            shaped.append(
                {
                    "id": row["id"],
                    "enrolment_id": row["enrollment_id"],
                    "program_id": row["enrollment__program_id"],
                    "person_id": row["enrollment__person_id"],
                    "department_id": row["enrollment__person__department_id"],
                    "enrolment_status": row["enrollment__status"],
                    "skill_id": row["skill_id"],
                    "skill": row["skill__name"],
                    "ratings": [
                        {
                            "moment": r["moment"],
                            "period": r["period"],
                            "level": r["level"],
                            "role": r["rater_role"],
                            "at": r["created_at"],
                        }
                        for r in history
                    ],
                    "self_start": self_start,
                    "self_latest": self_latest,
                    "self_change": self_change,
                    "observed_start": seen_start,
                    "observed_latest": seen_latest,
                    "observed_change": seen_change,
                    "updated_at": history[-1]["created_at"] if history else None,
                }
            )
        return shaped


class SkillProgressAggregateFilter(filters.FilterSet):
    dimension = filters.ChoiceFilter(
        method="keep_all",
        choices=[("program", "Per program"), ("department", "Per department")],
        label="Only the groups per program, or per department",
    )
    program = IdFilter(method="keep_all", label="Only this program's rows")
    department = IdFilter(method="keep_all", label="Only this department's rows")
    skill = IdFilter(method="keep_all", label="Only this skill's rows")

    class Meta:
        model = SkillRating
        fields = ["dimension", "program", "department", "skill"]

    def keep_all(self, queryset, name, value):
        return queryset  # a choice of rows, not a filter of ratings: see ``shown_rows``


def _average(values: list) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


DIMENSIONS = ("program", "department")
ACROSS = (
    "Hidden with the groups per {other}: side by side with them, it would reveal a group "
    f"of fewer than {MIN_GROUP} mentees by difference."
)


def dimension_verdicts(groups: dict[tuple, list]) -> dict[tuple, str]:
    """Why each hidden (dimension, group, skill) is hidden. Per skill, the groups per
    program and the groups per department are two splits of the same mentees, so a group
    hidden in one split could be worked out from the other split minus the groups shown:
    when a split hides a group, only one split is shown for that skill (the one that
    hides none, else the programs) and every group of the other is hidden too. The
    decision reads all the ratings, whatever rows a request asks for."""
    sizes = {key: len(members) for key, members in groups.items()}
    reasons: dict[tuple, str] = dict(suppress(sizes, counting="mentees").hidden)
    for skill in {key[2] for key in groups}:
        hides = {
            dimension: any(
                key in reasons for key in groups if key[0] == dimension and key[2] == skill
            )
            for dimension in DIMENSIONS
        }
        if not any(hides.values()):
            continue
        kept = "department" if hides["program"] and not hides["department"] else "program"
        other = "department" if kept == "program" else "program"
        for key in groups:
            if key[0] == other and key[2] == skill:
                reasons.setdefault(key, ACROSS.format(other=kept))
    return reasons


def shown_rows(rows: list[dict], params: dict) -> list[dict]:
    """The rows a request asks for: one dimension, and this program's, this
    department's (both: either's) or this skill's rows."""
    wanted = {
        dimension: params[dimension]
        for dimension in DIMENSIONS
        if params.get(dimension) is not None
    }
    return [
        row
        for row in rows
        if (not params.get("dimension") or row["dimension"] == params["dimension"])
        and (params.get("skill") is None or row["skill_id"] == params["skill"])
        and (not wanted or wanted.get(row["dimension"], object()) == row["group_id"])
    ]


class SkillProgressAggregateList(HrAggregateView):
    """Per program and per department, for each focus skill: how many mentees have been
    rated and their average latest self and observed levels and change since the start.
    Groups of fewer than five mentees are hidden (the row says so), and so are the groups
    of the other split when a split hides one (``dimension_verdicts``). Filters choose
    rows; the groups are always those of every rated mentee."""

    queryset = SkillRating.objects.none()
    serializer_class = SkillProgressAggregates
    row_serializer_class = SkillProgressAggregateRow
    filterset_class = SkillProgressAggregateFilter

    def aggregate_rows(self, params: dict) -> list[dict]:
        ratings = SkillRating.objects.filter(enrollment__role=EnrollmentRole.MENTEE)
        history: dict[tuple[int, int], list] = {}
        for enrolment, skill, role, moment, period, level in ratings.order_by(
            "created_at", "id"
        ).values_list(*RATING_FIELDS):
            history.setdefault((enrolment, skill), []).append((role, moment, period, level))
        if not history:
            return []
        enrolments = {
            row[0]: row[1:]
            for row in Enrollment.objects.filter(
                id__in={enrolment for enrolment, _skill in history}
            ).values_list("id", "program_id", "person__department_id")
        }
        skills = dict(Skill.objects.values_list("id", "name"))
        programs = dict(Program.objects.values_list("id", "name"))
        departments = dict(Department.objects.values_list("id", "name"))
        groups: dict[tuple, list] = {}
        for (enrolment, skill), points in history.items():
            program_id, department_id = enrolments[enrolment]
            ends = progress_ends(points)
            groups.setdefault(("program", program_id, skill), []).append(ends)
            groups.setdefault(("department", department_id, skill), []).append(ends)
        reasons = dimension_verdicts(groups)
        rows = []
        for (dimension, group_id, skill), members in groups.items():
            names = programs if dimension == "program" else departments
            own = [m[RaterRole.SELF] for m in members if m[RaterRole.SELF]]
            seen = [m[RaterRole.MENTOR] for m in members if m[RaterRole.MENTOR]]
            suppressed = (dimension, group_id, skill) in reasons
            row = {
                "dimension": dimension,
                "group_id": group_id,
                "group_name": names.get(group_id, "No department"),
                "skill_id": skill,
                "skill": skills.get(skill, ""),
                "mentees": len(members),
                "average_latest_self": None if suppressed else _average([e[1] for e in own]),
                "average_latest_observed": None if suppressed else _average([e[1] for e in seen]),
                "average_self_change": None if suppressed else _average([e[1] - e[0] for e in own]),
                "average_observed_change": (
                    None if suppressed else _average([e[1] - e[0] for e in seen])
                ),
                "is_suppressed": suppressed,
                "suppression_reason": reasons.get((dimension, group_id, skill)),
            }
            rows.append(row)
        rows.sort(
            key=lambda r: (
                r["dimension"],
                r["group_name"],
                r["group_id"] or 0,
                r["skill"],
                r["skill_id"],
            )
        )
        return shown_rows(rows, params)
