"""What program managers see of the feedback loop, per program: survey results, feedback
statistics and recognition candidates. Counts, averages and scores only, never any text
and never a respondent. Survey results are those of released periods only
(``releases``); survey groups and feedback groups pass the one suppression rule
(``feedback.suppression``), so no answer can be traced back to a person."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, F, QuerySet

from programs.models import Program, ProgramStatus

from ..models import Feedback, SurveyKind
from ..suppression import suppress
from .releases import Release, next_release_on, released_answers

RECOGNITION_MINIMUM, RECOGNITION_THRESHOLD = 3, 3.5  # feedback entries, average specificity
EVERYONE = "Everyone"
ROLE_GROUPS = (("Mentees", "mentee"), ("Mentors", "mentor"))


@dataclass(frozen=True)
class SurveyResult:
    group: str
    respondents: int
    averages: dict[str, float] | None  # None: hidden (``hidden_because`` says why)
    nps: int | None = None
    hidden_because: str | None = None  # a reason of ``feedback.suppression``


def _nps(scores: list[int]) -> int:
    promoters = sum(score >= 9 for score in scores)
    detractors = sum(score <= 6 for score in scores)
    return round(100 * (promoters - detractors) / len(scores))


@dataclass(frozen=True)
class ReleasedResults:
    """The results of one released period (``releases.Release``)."""

    release: Release
    results: list[SurveyResult]


def survey_results(program: Program, kind: str) -> list[ReleasedResults]:
    """Each released period's answers per respondent role, and all together, oldest
    period first; small groups hidden."""
    return [
        ReleasedResults(period.release, _survey_results_of(period.answers, kind))
        for period in released_answers([program], kind)
    ]


def _survey_results_of(rows: Sequence[Mapping[str, Any]], kind: str) -> list[SurveyResult]:
    """``survey_results`` over rows already loaded (respondent_id, respondent_role,
    answers): mentees, mentors and everyone, as ``suppress`` allows ("everyone" is the
    total of the two roles, hidden when it would reveal a hidden one by difference)."""
    members: dict[str, Sequence[Mapping[str, Any]]] = {
        group: [r for r in rows if r["respondent_role"] == role] for group, role in ROLE_GROUPS
    }
    members[EVERYONE] = rows
    people = {group: len({r["respondent_id"] for r in of}) for group, of in members.items()}
    verdict = suppress({group: people[group] for group, _role in ROLE_GROUPS}, people[EVERYONE])
    results = []
    for group, of in members.items():
        reason = verdict.total_reason if group == EVERYONE else verdict.hidden.get(group)
        if reason is not None:
            results.append(SurveyResult(group, people[group], None, hidden_because=reason))
            continue
        keys = sorted({key for r in of for key in r["answers"]})
        averages = {key: round(sum(r["answers"][key] for r in of) / len(of), 2) for key in keys}
        nps = None
        if kind == SurveyKind.PROGRAM:
            nps = _nps([r["answers"]["recommend"] for r in of])
        results.append(SurveyResult(group, people[group], averages, nps))
    return results


FEEDBACK_GROUPS = {
    "count": Count("pk"),
    "specificity": Avg("specificity"),
    "givers": Count("giver_id", distinct=True),
    "receivers": Count("receiver_id", distinct=True),
}


def feedback_people(row: Mapping[str, Any]) -> int:
    """The people a feedback figure is about: its givers (their specificity) and its
    receivers (what they were told), the fewer of the two."""
    return min(row["givers"], row["receivers"])


def suppressed_feedback(rows: list[dict], total: dict) -> dict:
    """Counts by skill and kind and the program's total, as ``suppress`` allows: a
    hidden group or total keeps neither its count nor its specificity, only why."""
    verdict = suppress(
        {i: feedback_people(row) for i, row in enumerate(rows)}, feedback_people(total)
    )
    shown_rows = []
    for i, row in enumerate(rows):
        reason = verdict.hidden.get(i)
        shown_rows.append(
            {
                "skill__name": row["skill__name"],
                "kind": row["kind"],
                "count": None if reason else row["count"],
                "specificity": None if reason else row["specificity"],
                "hidden_because": reason,
            }
        )
    hidden = verdict.total_reason if total["count"] else None
    return {
        "by_skill_and_kind": shown_rows,
        "count": None if hidden else total["count"],
        "specificity": None if hidden else total["specificity"],
        "hidden_because": hidden,
    }


def feedback_statistics(program: Program) -> dict:
    """Counts by skill and kind and the average specificity, under the suppression rule:
    never any text."""
    of_program = Feedback.objects.filter(mentorship__program=program)
    rows = (
        of_program.values("skill__name", "kind")
        .annotate(**FEEDBACK_GROUPS)
        .order_by("skill__name", "kind")
    )
    return suppressed_feedback(list(rows), of_program.aggregate(**FEEDBACK_GROUPS))


def recognition_candidates(
    program: Program, minimum: int = RECOGNITION_MINIMUM, threshold: float = RECOGNITION_THRESHOLD
) -> list[dict]:
    """Mentors whose feedback is consistently specific (counts and averages only)."""
    return list(
        Feedback.objects.filter(mentorship__program=program, giver=F("mentorship__mentor__person"))
        .values("giver_id", "giver__display_name")
        .annotate(count=Count("pk"), specificity=Avg("specificity"))
        .filter(count__gte=minimum, specificity__gte=threshold)
        .order_by("-specificity", "giver__display_name")
    )


@dataclass
class ProgramOverview:
    program: Program
    pulse: list[ReleasedResults]  # each released pulse period, oldest first
    program_survey: list[ReleasedResults]  # the one release, once the program has ended
    next_pulse_on: datetime.date  # when the pulse period open today is released
    program_survey_on: datetime.date  # when the program survey is released
    feedback: dict  # the shape of ``feedback_statistics``
    recognition: list[dict]  # the shape of ``recognition_candidates``


def overview_programs(program_id: int | None = None) -> QuerySet[Program]:
    """The programs a manager's overview covers: one, or every program past its draft."""
    programs = Program.objects.exclude(status=ProgramStatus.DRAFT)
    if program_id is not None:
        programs = programs.filter(pk=program_id)
    return programs.order_by("-starts_on", "name", "pk")


def program_overviews(programs: Iterable[Program]) -> list[ProgramOverview]:
    """``survey_results`` (pulse and program), ``feedback_statistics`` and
    ``recognition_candidates`` for each program, in four queries whatever their number.
    Never any text, never a respondent."""
    programs = list(programs)
    ids = [program.pk for program in programs]
    surveys: dict[tuple[int, str], list[ReleasedResults]] = {}
    for period in released_answers(programs):
        release = period.release
        surveys.setdefault((release.program_id, release.kind), []).append(
            ReleasedResults(release, _survey_results_of(period.answers, release.kind))
        )
    of_programs = Feedback.objects.filter(mentorship__program__in=ids)
    by_skill: dict[int, list[dict]] = {}
    for count in (
        of_programs.values("mentorship__program_id", "skill__name", "kind")
        .annotate(**FEEDBACK_GROUPS)
        .order_by("skill__name", "kind")
    ):
        program_id = count.pop("mentorship__program_id")
        by_skill.setdefault(program_id, []).append(count)
    totals = {
        row["mentorship__program_id"]: row
        for row in of_programs.values("mentorship__program_id")
        .annotate(**FEEDBACK_GROUPS)
        .order_by()
    }
    recognition: dict[int, list[dict]] = {}
    for mentor in (
        of_programs.filter(giver=F("mentorship__mentor__person"))
        .values("mentorship__program_id", "giver_id", "giver__display_name")
        .annotate(count=Count("pk"), specificity=Avg("specificity"))
        .filter(count__gte=RECOGNITION_MINIMUM, specificity__gte=RECOGNITION_THRESHOLD)
        .order_by("-specificity", "giver__display_name")
    ):
        program_id = mentor.pop("mentorship__program_id")
        recognition.setdefault(program_id, []).append(mentor)
    overviews = []
    nothing = {"count": 0, "specificity": None, "givers": 0, "receivers": 0}
    for program in programs:
        overviews.append(
            ProgramOverview(
                program=program,
                pulse=surveys.get((program.pk, SurveyKind.PULSE), []),
                program_survey=surveys.get((program.pk, SurveyKind.PROGRAM), []),
                next_pulse_on=next_release_on(program, SurveyKind.PULSE),
                program_survey_on=next_release_on(program, SurveyKind.PROGRAM),
                feedback=suppressed_feedback(
                    by_skill.get(program.pk, []), totals.get(program.pk, nothing)
                ),
                recognition=recognition.get(program.pk, []),
            )
        )
    return overviews
