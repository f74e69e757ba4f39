"""What program managers see of the feedback loop, per program: survey results, feedback
statistics and recognition candidates. Counts, averages and scores only, never any text
and never a respondent. Survey results are those of released periods only
(``releases``); survey groups and feedback groups pass the one suppression rule
(``feedback.suppression``), so no answer can be traced back to a person."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Avg, Count, QuerySet
from django.utils import timezone

from matching.models import Mentorship, MentorshipMember
from mentoring.people.models import Profile
from mentoring.tenancy.context import active_organization_id
from programs.models import EnrollmentRole, Program, ProgramStatus, Skill

from ..models import Feedback, SurveyKind, SurveyResponse
from ..suppression import suppress
from .releases import Release, next_release_on, program_release, pulse_release, released_until

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


def _nps(promoters: int, detractors: int, answers: int) -> int:
    return round(100 * (promoters - detractors) / answers)


@dataclass(frozen=True)
class ReleasedResults:
    """The results of one released period (``releases.Release``)."""

    release: Release
    results: list[SurveyResult]


@dataclass
class GroupFigures:
    """What the database summed over one group of one released period's answers."""

    people: int = 0  # distinct respondents
    answers: int = 0  # the answers counted (one per respondent, pair and period)
    promoters: int = 0  # "recommend" of 9 or 10
    detractors: int = 0  # "recommend" of 6 or less
    totals: dict[str, int | float] = field(default_factory=dict)  # question: sum of scores


# The answers each released period counts, as ``releases.released_answers`` picks them
# (the answer's period from its local day, the latest per person), grouped per period
# and respondent role and per period for everyone (GROUPING SETS): first the group sizes
# and the recommendation counts (question NULL), then each question's sum of scores.
# Every table is pinned to the active organization (a parameter, never text) and
# row-level security applies all the same.
RELEASED_GROUPS = """
WITH released (program_id, kind, until) AS (
    SELECT * FROM unnest(%(programs)s::bigint[], %(kinds)s::text[], %(untils)s::timestamptz[])
), answered AS (
    SELECT r.id, r.program_id, r.kind, r.mentorship_id, r.respondent_id, r.respondent_role,
           r.period, r.answers, r.created_at,
           CASE WHEN r.kind = %(program_kind)s THEN 0
                ELSE floor(((r.created_at AT TIME ZONE %(zone)s)::date - p.starts_on)::numeric
                           / p.checkin_cadence_days)::int + 1
           END AS number
      FROM "{response}" r
      JOIN released ON released.program_id = r.program_id AND released.kind = r.kind
                   AND r.created_at < released.until
      JOIN "{program}" p ON p.id = r.program_id AND p.organization_id = %(organization)s
     WHERE r.organization_id = %(organization)s {kind}
), counted AS (
    SELECT * FROM (
        SELECT answered.*, row_number() OVER (
                   PARTITION BY program_id, kind, number, respondent_id,
                       CASE WHEN kind = %(program_kind)s THEN NULL ELSE mentorship_id END,
                       CASE WHEN kind = %(program_kind)s THEN NULL ELSE period END
                   ORDER BY created_at DESC, id DESC) AS newest
          FROM answered) ranked
     WHERE newest = 1
)
SELECT program_id, kind, number, respondent_role, GROUPING(respondent_role) = 1, NULL,
       count(DISTINCT respondent_id), count(*),
       count(*) FILTER (WHERE (answers ->> 'recommend')::numeric >= 9),
       count(*) FILTER (WHERE (answers ->> 'recommend')::numeric <= 6)
  FROM counted
 GROUP BY GROUPING SETS ((program_id, kind, number, respondent_role), (program_id, kind, number))
UNION ALL
SELECT program_id, kind, number, respondent_role, GROUPING(respondent_role) = 1, question.key,
       NULL, NULL, NULL, sum((question.value #>> '{{}}')::numeric)
  FROM counted, jsonb_each(counted.answers) AS question
 GROUP BY GROUPING SETS ((program_id, kind, number, respondent_role, question.key),
                         (program_id, kind, number, question.key))
"""


def _number(total: Decimal) -> int | float:
    """A sum of scores as Python summed it: an int for whole scores."""
    return int(total) if total == total.to_integral_value() else float(total)


def released_groups(
    programs: Iterable[Program], kind: str | None = None, today: datetime.date | None = None
) -> list[tuple[Release, dict[str | None, GroupFigures]]]:
    """Every released period of ``programs`` (of one ``kind``, or both) with the figures
    of its answers per respondent role (and under None, of everyone), oldest period first;
    one query, summed in the database. A period without answers is left out."""
    today = today or timezone.localdate()
    by_id = {program.pk: program for program in programs}
    released = [
        (program.pk, survey_kind, until)
        for program in by_id.values()
        for survey_kind in SurveyKind.values
        if (kind is None or survey_kind == kind)
        and (until := released_until(program, survey_kind, today)) is not None
    ]
    if not released:
        return []
    sql = RELEASED_GROUPS.format(
        response=SurveyResponse._meta.db_table,
        program=Program._meta.db_table,
        kind="" if kind is None else "AND r.kind = %(kind)s",
    )
    params: dict[str, Any] = {
        "organization": active_organization_id(),
        "programs": [row[0] for row in released],
        "kinds": [row[1] for row in released],
        "untils": [row[2] for row in released],
        "program_kind": SurveyKind.PROGRAM,
        "zone": timezone.get_current_timezone_name(),
        "kind": kind,
    }
    periods: dict[tuple[int, str, int], dict[str | None, GroupFigures]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for program_id, survey_kind, number, role, is_everyone, question, *figures in rows:
        groups = periods.setdefault((program_id, survey_kind, number), {})
        group = groups.setdefault(None if is_everyone else role, GroupFigures())
        if question is None:  # people, answers, promoters, detractors
            group.people, group.answers, group.promoters, group.detractors = figures
        else:  # the question's sum of scores, last
            group.totals[question] = _number(figures[-1])
    results = []
    for (program_id, survey_kind, number), groups in sorted(periods.items()):
        program = by_id[program_id]
        release = (
            program_release(program)
            if survey_kind == SurveyKind.PROGRAM
            else pulse_release(program, number)
        )
        results.append((release, groups))
    return results


def survey_results(program: Program, kind: str) -> list[ReleasedResults]:
    """Each released period's answers per respondent role, and all together, oldest
    period first; small groups hidden."""
    return [
        ReleasedResults(release, _survey_results_of(groups, kind))
        for release, groups in released_groups([program], kind)
    ]


def _survey_results_of(groups: Mapping[str | None, GroupFigures], kind: str) -> list[SurveyResult]:
    """``survey_results`` of one period from its figures (``released_groups``): mentees,
    mentors and everyone, as ``suppress`` allows ("everyone" is the total of the two
    roles, hidden when it would reveal a hidden one by difference)."""
    members = {group: groups.get(role, GroupFigures()) for group, role in ROLE_GROUPS}
    members[EVERYONE] = groups.get(None, GroupFigures())
    verdict = suppress(
        {group: members[group].people for group, _role in ROLE_GROUPS}, members[EVERYONE].people
    )
    results = []
    for group, figures in members.items():
        reason = verdict.total_reason if group == EVERYONE else verdict.hidden.get(group)
        if reason is not None:
            results.append(SurveyResult(group, figures.people, None, hidden_because=reason))
            continue
        averages = {
            key: round(figures.totals[key] / figures.answers, 2) for key in sorted(figures.totals)
        }
        nps = None
        if kind == SurveyKind.PROGRAM:
            nps = _nps(figures.promoters, figures.detractors, figures.answers)
        results.append(SurveyResult(group, figures.people, averages, nps))
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


# The feedback figures of ``program_overviews`` in one statement over the programs'
# feedback: counts, average specificity and distinct givers and receivers per program,
# skill and kind and per program (GROUPING SETS), then the recognition candidates (the
# feedback of a mentor of the mentorship per giver, every mentor of a circle included, at
# least ``minimum`` pieces averaging ``threshold`` or more). ``place`` keeps the order the
# database's collation gives each list. Every table is pinned to the active organization
# (a parameter, never text); row-level security applies all the same.
FEEDBACK_FIGURES = """
WITH given AS (
    SELECT m.program_id, s.name AS skill, f.kind, f.giver_id, f.receiver_id, f.specificity,
           mm.id IS NOT NULL AS by_mentor
      FROM "{feedback}" f
      JOIN "{mentorship}" m ON m.id = f.mentorship_id AND m.organization_id = %(organization)s
      LEFT JOIN "{member}" mm ON mm.mentorship_id = f.mentorship_id
           AND mm.person_id = f.giver_id AND mm.role = %(mentor_role)s
           AND mm.organization_id = %(organization)s
      JOIN "{skill}" s ON s.id = f.skill_id AND s.organization_id = %(organization)s
     WHERE f.organization_id = %(organization)s AND m.program_id = ANY(%(programs)s)
)
SELECT program_id, GROUPING(skill, kind) = 0, skill, kind, NULL::bigint, NULL,
       count(*), avg(specificity), count(DISTINCT giver_id), count(DISTINCT receiver_id),
       row_number() OVER (ORDER BY skill, kind)
  FROM given
 GROUP BY GROUPING SETS ((program_id, skill, kind), (program_id))
UNION ALL
SELECT given.program_id, NULL, NULL, NULL, given.giver_id, max(g.display_name),
       count(*), avg(given.specificity), NULL, NULL,
       row_number() OVER (ORDER BY avg(given.specificity) DESC, max(g.display_name))
  FROM given
  JOIN "{profile}" g ON g.id = given.giver_id AND g.organization_id = %(organization)s
 WHERE given.by_mentor
 GROUP BY given.program_id, given.giver_id
HAVING count(*) >= %(minimum)s AND avg(given.specificity) >= %(threshold)s
"""


def feedback_groups(
    program_ids: list[int],
) -> tuple[dict[int, list[dict]], dict[int, dict], dict[int, list[dict]]]:
    """Per program: its feedback counts by skill and kind (by skill name, then kind), its
    total, and its recognition candidates (the most specific first), in the shapes of
    the feedback counts under the suppression rule and the recognition candidates; one
    query."""
    by_skill: dict[int, list[tuple[int, dict]]] = {}
    totals: dict[int, dict] = {}
    recognition: dict[int, list[tuple[int, dict]]] = {}
    if not program_ids:
        return {}, {}, {}
    sql = FEEDBACK_FIGURES.format(
        feedback=Feedback._meta.db_table,
        mentorship=Mentorship._meta.db_table,
        member=MentorshipMember._meta.db_table,
        skill=Skill._meta.db_table,
        profile=Profile._meta.db_table,
    )
    params: dict[str, Any] = {
        "organization": active_organization_id(),
        "programs": list(program_ids),
        "minimum": RECOGNITION_MINIMUM,
        "threshold": RECOGNITION_THRESHOLD,
        "mentor_role": EnrollmentRole.MENTOR.value,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for (
        program_id,
        is_skill,
        skill,
        kind,
        giver,
        name,
        count,
        mean,
        givers,
        receivers,
        place,
    ) in rows:
        specificity = None if mean is None else float(mean)
        if giver is not None:
            recognition.setdefault(program_id, []).append(
                (
                    place,
                    {
                        "giver_id": giver,
                        "giver__display_name": name,
                        "count": count,
                        "specificity": specificity,
                    },
                )
            )
            continue
        figures = {
            "count": count,
            "specificity": specificity,
            "givers": givers,
            "receivers": receivers,
        }
        if is_skill:
            by_skill.setdefault(program_id, []).append(
                (place, {"skill__name": skill, "kind": kind, **figures})
            )
        else:
            totals[program_id] = figures
    return (
        {key: [row for _place, row in sorted(rows)] for key, rows in by_skill.items()},
        totals,
        {key: [row for _place, row in sorted(rows)] for key, rows in recognition.items()},
    )


@dataclass
class ProgramOverview:
    program: Program
    pulse: list[ReleasedResults]  # each released pulse period, oldest first
    program_survey: list[ReleasedResults]  # the one release, once the program has ended
    next_pulse_on: datetime.date  # when the pulse period open today is released
    program_survey_on: datetime.date  # when the program survey is released
    feedback: dict  # counts by skill and kind, suppressed (``suppressed_feedback``)
    recognition: list[dict]  # mentors whose feedback is consistently specific


def overview_programs(program_id: int | None = None) -> QuerySet[Program]:
    """The programs a manager's overview covers: one, or every program past its draft."""
    programs = Program.objects.exclude(status=ProgramStatus.DRAFT)
    if program_id is not None:
        programs = programs.filter(pk=program_id)
    return programs.order_by("-starts_on", "name", "pk")


def program_overviews(programs: Iterable[Program]) -> list[ProgramOverview]:
    """``survey_results`` (pulse and program), the feedback statistics and
    the recognition candidates for each program, in two queries whatever their number
    (the surveys, then the feedback), besides reading ``programs``. Never any text, never
    a respondent."""
    programs = list(programs)
    ids = [program.pk for program in programs]
    surveys: dict[tuple[int, str], list[ReleasedResults]] = {}
    for release, groups in released_groups(programs):
        surveys.setdefault((release.program_id, release.kind), []).append(
            ReleasedResults(release, _survey_results_of(groups, release.kind))
        )
    by_skill, totals, recognition = feedback_groups(ids)
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
