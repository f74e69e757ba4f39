"""HR API: pulse and program survey aggregates per program, released period and
respondent group.

Only released periods are shown (``feedback.selectors.releases``): nothing of a period
still open, and nothing stored after a period was released. Survey groups pass the one
suppression rule (``feedback.suppression``): a group under ``MIN_GROUP`` respondents is
hidden, and so is a group from which a hidden one could be worked out
(``survey_groups``). Comments are never read."""

from __future__ import annotations

from collections.abc import Iterable

from django_filters import rest_framework as filters

from mentoring.api.base import HrAggregateView, IdFilter
from programs.models import Program

from ..models import SurveyKind, SurveyResponse
from ..selectors.releases import released_answers
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


def survey_sums(answers: Iterable[dict]) -> list[dict]:
    """Per respondent role of one released period's answers: respondents, answers
    (``answered``), promoters, detractors and the sum of each question's answers."""
    by_role: dict[str, dict] = {}
    for answer in answers:
        row = by_role.setdefault(
            answer["respondent_role"],
            {
                "respondent_role": answer["respondent_role"],
                "_people": set(),
                "answered": 0,
                "promoters": 0,
                "detractors": 0,
                **{f"{key}_sum": None for key in QUESTION_KEYS},
            },
        )
        row["_people"].add(answer["respondent_id"])
        row["answered"] += 1
        values = answer["answers"]
        recommend = values.get("recommend")
        row["promoters"] += recommend is not None and recommend >= 9
        row["detractors"] += recommend is not None and recommend <= 6
        for key in QUESTION_KEYS:
            if values.get(key) is not None:
                row[f"{key}_sum"] = (row[f"{key}_sum"] or 0) + values[key]
    rows = []
    for role in sorted(by_role):
        row = by_role[role]
        row["respondents"] = len(row.pop("_people"))
        rows.append(row)
    return rows


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


def program_survey_groups(program_ids: Iterable[int] | None = None) -> dict[int, list[dict]]:
    """``survey_groups`` of each program's released program survey (sums kept): the
    answers stored until the program's last day, once it has ended."""
    programs = Program.objects.all()
    if program_ids is not None:
        programs = programs.filter(pk__in=list(program_ids))
    return {
        period.release.program_id: survey_groups(
            survey_sums(period.answers), SurveyKind.PROGRAM, keep_sums=True
        )
        for period in released_answers(programs, SurveyKind.PROGRAM)
    }


class SurveyFilter(filters.FilterSet):
    program = IdFilter(field_name="program_id", label="A program's id")
    kind = filters.ChoiceFilter(field_name="kind", choices=SurveyKind.choices)

    class Meta:
        model = SurveyResponse
        fields = ["program", "kind"]


class SurveyAggregates(HrAggregateView):
    """Pulse and program surveys per program and released period: respondents, average
    answers and the net promoter score of mentees, mentors and everyone. A pulse period
    (the program's check-in cadence, counted from its start) is shown once it has ended;
    the program survey once the program has ended; an answer given later never changes
    them. Groups under five people are hidden (the row says so); comments are never
    exposed."""

    queryset = SurveyResponse.objects.none()
    serializer_class = Surveys
    row_serializer_class = SurveyRow
    filterset_class = SurveyFilter

    def aggregate_rows(self, params: dict) -> list[dict]:
        programs = Program.objects.all()
        if params.get("program") is not None:
            programs = programs.filter(pk=params["program"])
        return [
            {
                "program_id": release.program_id,
                "kind": release.kind,
                "period": release.number,
                "opens_on": release.opens_on,
                "closes_on": release.closes_on,
                **group,
            }
            for release, answers in (
                (period.release, period.answers)
                for period in released_answers(programs, params.get("kind") or None)
            )
            for group in survey_groups(survey_sums(answers), release.kind)
        ]
