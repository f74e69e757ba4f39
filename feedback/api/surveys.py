"""HR API: pulse and program survey aggregates per program and respondent group.

Survey groups pass the one suppression rule (``feedback.suppression``): a group under
``MIN_GROUP`` respondents is hidden, and so is a group from which a hidden one could be
worked out (``survey_groups``). Comments never leave the database."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, FloatField, Q, QuerySet, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django_filters import rest_framework as filters

from mentoring.api.base import HrAggregateView, IdFilter

from ..models import SurveyKind, SurveyResponse
from ..serializers import SurveyRow, Surveys
from ..services import PROGRAM_QUESTIONS, PULSE_QUESTIONS
from ..suppression import suppress

QUESTIONS: dict[str, tuple[str, ...]] = {
    SurveyKind.PULSE: tuple(PULSE_QUESTIONS),
    SurveyKind.PROGRAM: tuple(PROGRAM_QUESTIONS),
}
QUESTION_KEYS = tuple(dict.fromkeys([*PULSE_QUESTIONS, *PROGRAM_QUESTIONS]))
EVERYONE = "everyone"
ROLE_GROUPS = (("mentees", "mentee"), ("mentors", "mentor"))


def survey_sums(responses: QuerySet[SurveyResponse]) -> list[dict]:
    """Per program, kind and respondent role: respondents, answers (``answered``),
    promoters, detractors
    and the sum of each question's answers. One grouped query: the answers themselves
    never leave the database."""
    sums = {f"{key}_sum": Sum(Cast(KT(f"answers__{key}"), FloatField())) for key in QUESTION_KEYS}
    return list(
        responses.values("program_id", "kind", "respondent_role")
        .annotate(
            respondents=Count("respondent_id", distinct=True),
            answered=Count("id"),
            promoters=Count("id", filter=Q(answers__recommend__gte=9)),
            detractors=Count("id", filter=Q(answers__recommend__lte=6)),
            **sums,
        )
        .order_by("program_id", "kind", "respondent_role")
    )


def _survey_group(name: str, kind: str, members: list[dict]) -> dict:
    respondents = sum(row["respondents"] for row in members)
    answers = sum(row["answered"] for row in members)
    group = {
        "group": name,
        "respondents": respondents,
        "answers": answers,
        "is_suppressed": False,
        "suppression_reason": None,
    }
    for key in QUESTION_KEYS:
        total = sum(row[f"{key}_sum"] or 0 for row in members)
        shown = key in QUESTIONS.get(kind, ()) and answers
        group[f"{key}_average"] = round(total / answers, 2) if shown else None
        group[f"_{key}_sum"] = total
    group["nps"] = None
    if kind == SurveyKind.PROGRAM and answers:
        promoters = sum(row["promoters"] for row in members)
        detractors = sum(row["detractors"] for row in members)
        group["nps"] = round(100 * (promoters - detractors) / answers)
    return group


def _hide(group: dict, reason: str) -> None:
    group["is_suppressed"] = True
    group["suppression_reason"] = reason
    group["nps"] = None
    for key in QUESTION_KEYS:
        group[f"{key}_average"] = None


def survey_groups(rows: list[dict], kind: str, keep_sums: bool = False) -> list[dict]:
    """Mentees, mentors and everyone, from the ``survey_sums`` rows of one program and
    kind, as ``suppress`` allows: "everyone" is the total of the two roles, hidden too
    when a hidden group could be worked out from it and the groups shown (the rule of
    the managers' statistics)."""
    roles = [
        _survey_group(name, kind, [r for r in rows if r["respondent_role"] == role])
        for name, role in ROLE_GROUPS
    ]
    everyone = _survey_group(EVERYONE, kind, rows)
    verdict = suppress(
        {group["group"]: group["respondents"] for group in roles}, everyone["respondents"]
    )
    for group in roles:
        if not verdict.shows(group["group"]):
            _hide(group, verdict.hidden[group["group"]])
    if verdict.total_reason is not None:
        _hide(everyone, verdict.total_reason)
    groups = [*roles, everyone]
    for group in groups:
        for key in QUESTION_KEYS:
            value = group.pop(f"_{key}_sum")
            if keep_sums:
                group[f"_{key}_sum"] = value
    return groups


def program_survey_groups(
    program_ids: Iterable[int] | None = None, kind: str = SurveyKind.PROGRAM
) -> dict[int, list[dict]]:
    """``survey_groups`` of each program's current answers of one kind (sums kept)."""
    responses = SurveyResponse.objects.filter(kind=kind, is_current=True)
    if program_ids is not None:
        responses = responses.filter(program_id__in=list(program_ids))
    by_program: dict[int, list[dict]] = {}
    for row in survey_sums(responses):
        by_program.setdefault(row["program_id"], []).append(row)
    return {
        program_id: survey_groups(rows, kind, keep_sums=True)
        for program_id, rows in by_program.items()
    }


class SurveyFilter(filters.FilterSet):
    program = IdFilter(field_name="program_id", label="A program's id")
    kind = filters.ChoiceFilter(field_name="kind", choices=SurveyKind.choices)

    class Meta:
        model = SurveyResponse
        fields = ["program", "kind"]


class SurveyAggregates(HrAggregateView):
    """Pulse and program surveys per program: respondents, average answers and the net
    promoter score of mentees, mentors and everyone. Groups under five people are hidden
    (the row says so); comments are never exposed."""

    queryset = SurveyResponse.objects.none()
    serializer_class = Surveys
    row_serializer_class = SurveyRow
    filterset_class = SurveyFilter

    def aggregate_rows(self, params: dict) -> list[dict]:
        responses = SurveyResponse.objects.filter(is_current=True)
        if params.get("program") is not None:
            responses = responses.filter(program_id=params["program"])
        if params.get("kind"):
            responses = responses.filter(kind=params["kind"])
        by_survey: dict[tuple, list[dict]] = {}
        for row in survey_sums(responses):
            by_survey.setdefault((row["program_id"], row["kind"]), []).append(row)
        return [
            {"program_id": program_id, "kind": kind, **group}
            for (program_id, kind), rows in sorted(by_survey.items())
            for group in survey_groups(rows, kind)
        ]
