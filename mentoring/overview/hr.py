"""The HR home and a program's HR page: the HR API's figures, drawn as charts with their
tables, and the same tables as CSV.

One read model with the API: every figure comes from the functions the API's endpoints
call (``summary.organization_summary``, and ``program_figures`` through
``programs_api.shape_programs``; the skill-progress and survey aggregates of
``feedback.api``), so the suppression of small groups, the "closed periods only" rule of
surveys and the aggregates-only rule are the API's own. Individual progress is never
shown here, whatever ``Organization.hr_sees_individual_progress`` says: the pages show
groups, and the API's per-mentee endpoint is where that switch applies.

Two figures are counted here, each in one grouped query: the enrolment funnel's first
step (every mentee application, whatever became of it) and the sessions held per month
(``clock.held_per_month``, as on the managers' home).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count
from django.http import Http404
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from feedback.api import SkillProgressAggregateList, SurveyAggregates
from feedback.models import SurveyKind
from mentoring.charts import keyed_bar_chart
from programs.models import Enrollment, EnrollmentRole, Program, ProgramStatus
from sessions.models import Session

from .clock import Clock, chart, held_per_month
from .programs_api import PROGRAM_FIELDS, shape_programs, with_focus_skills
from .summary import organization_summary

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def percent(ratio: float | None) -> float | None:
    """An API ratio (0 to 1) as the percentage the pages show, to one decimal."""
    return None if ratio is None else round(ratio * 100, 1)


@dataclass
class Row:
    """One row of a table: its label (the row header), its values (None: no figure) and
    why its figures are hidden, if they are."""

    label: str
    values: list
    note: str = ""
    note_on: int | None = None  # the value the note is about (None: every hidden value)
    link: str = ""
    chart_label: str = ""  # a shorter name under the chart's bar (default: the label)


@dataclass
class Table:
    key: str
    caption: str
    columns: list[str]  # the first names the row labels
    rows: list[Row] = field(default_factory=list)
    empty: StrOrPromise = _("Nothing to show yet.")  # noqa: RUF009 - lazy, one for all

    @property
    def has_notes(self) -> bool:
        return any(row.note for row in self.rows)


@dataclass
class Chart:
    """A bar chart and its table (the chart's text alternative, and the CSV's rows)."""

    table: Table
    labels: list[str]
    values: list[float]
    intro: str = ""

    @property
    def svg(self) -> SafeString:
        return keyed_bar_chart(self.table.key, self.table.caption, self.labels, self.values)

    @property
    def key(self) -> str:
        return self.table.key

    @property
    def title(self) -> str:
        return self.table.caption


@dataclass
class HrPage:
    tables: list[Table]  # every table of the page, in its order: the CSV's rows
    charts: list[Chart]
    figures: Table
    programs: Table | None = None
    program: dict | None = None


def _short(text: str, length: int = 14) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _bars(table: Table, column: int, intro: str = "") -> Chart:
    """A chart of one column of ``table``: the rows with a figure (hidden rows have none)."""
    shown = [row for row in table.rows if row.values[column] is not None]
    return Chart(
        table=table,
        labels=[_short(row.chart_label or row.label) for row in shown],
        values=[row.values[column] for row in shown],
        intro=intro,
    )


# ---------------------------------------------------------------- the figures


def funnel_counts(program_ids=None) -> dict:
    """Mentee applications (any status) per program: program id -> count. One query."""
    applications = Enrollment.objects.filter(role=EnrollmentRole.MENTEE)
    if program_ids is not None:
        applications = applications.filter(program_id__in=list(program_ids))
    rows = applications.values("program_id").annotate(count=Count("id")).order_by()
    return {row["program_id"]: row["count"] for row in rows}


def _funnel(key: str, applied: int, approved: int, matched: int, where: str) -> Chart:
    table = Table(
        key,
        gettext("Enrolment funnel %(where)s") % {"where": where},
        [gettext("Step"), gettext("Mentee enrolments")],
        [
            Row(gettext("Applied"), [applied]),
            Row(gettext("Approved"), [approved]),
            Row(gettext("Matched with a mentor"), [matched]),
        ],
    )
    return _bars(
        table,
        0,
        gettext(
            "Every mentee application, those approved, and those approved "
            "who have an active or paused mentorship."
        ),
    )


def _held(key: str, sessions, clock: Clock, where: str) -> Chart:
    monthly = chart(key, "", held_per_month(sessions, clock), None, clock)
    table = Table(
        key,
        gettext("Sessions held per month %(where)s") % {"where": where},
        [gettext("Month"), gettext("Sessions held")],
        [Row(label, [value]) for label, value in monthly.rows],
    )
    intro = gettext("In your time zone, the last %(count)s months.") % {"count": len(monthly.rows)}
    return _bars(table, 0, intro)


def _skill_tables(
    rows: list[dict], dimensions: tuple[str, ...], *, one_program: bool = False
) -> list[Chart]:
    """A table and chart per dimension; on one program's page its bars are named by skill."""
    charts = []
    headings = {"program": gettext("Program"), "department": gettext("Department")}
    captions = {
        "program": gettext("Skill progress by program"),
        "department": gettext("Skill progress by department"),
    }
    for dimension in dimensions:
        heading = headings[dimension]
        mine = [row for row in rows if row["dimension"] == dimension]
        table = Table(
            f"skills-by-{dimension}",
            captions[dimension],
            [
                heading,
                gettext("Skill"),
                gettext("Mentees rated"),
                gettext("Average latest self view"),
                gettext("Average latest observed level"),
                gettext("Average self-view change"),
                gettext("Average observed change"),
            ],
            [
                Row(
                    f"{row['group_name']} · {row['skill']}",
                    [
                        row["skill"],
                        row["mentees"],
                        row["average_latest_self"],
                        row["average_latest_observed"],
                        row["average_self_change"],
                        row["average_observed_change"],
                    ],
                    note=row["suppression_reason"] or "",
                    chart_label=row["skill"] if one_program else "",
                )
                for row in mine
            ],
            empty=gettext("No mentee has been rated yet."),
        )
        charts.append(
            _bars(
                table,
                5,
                gettext(
                    "Average change of the mentor's observed level (1 to 5) since the start, "
                    "per group and focus skill. Groups of fewer than five mentees are hidden."
                ),
            )
        )
    return charts


GROUP_NAMES = {"mentees": _("mentees"), "mentors": _("mentors"), "everyone": _("everyone")}


def _survey_name(row: dict, names: dict[int, str]) -> str:
    if row["kind"] == SurveyKind.PROGRAM:
        survey = gettext("program survey")
    else:
        survey = gettext("pulse %(period)s") % {"period": row["period"]}
    return f"{names.get(row['program_id'], '')} · {survey}"


def _surveys(rows: list[dict], names: dict[int, str]) -> Chart:
    """One row per released period and respondent group (mentees, mentors, everyone);
    the chart shows everyone's average "useful" answer where it is shown."""
    table = Table(
        "surveys",
        gettext("Survey results of closed periods"),
        [
            gettext("Survey and group"),
            gettext("Closed on"),
            gettext("Respondents"),
            gettext("Average 'useful' (1 to 5)"),
            gettext("Average 'candid' (1 to 5)"),
            gettext("Net promoter score"),
        ],
        [
            Row(
                f"{_survey_name(row, names)} · {GROUP_NAMES.get(row['group'], row['group'])}",
                [
                    row["closes_on"],
                    row["respondents"],
                    row["useful_average"],
                    row["candid_average"],
                    row["nps"],
                ],
                note=row["suppression_reason"] or "",
            )
            for row in rows
        ],
        empty=gettext("No survey period has closed yet."),
    )
    everyone = [
        row for row in rows if row["group"] == "everyone" and row["useful_average"] is not None
    ]
    return Chart(
        table=table,
        labels=[_short(_survey_name(row, names)) for row in everyone],
        values=[row["useful_average"] for row in everyone],
        intro=gettext(
            "Answers count once their period has closed (a pulse period, or the whole "
            "program for the program survey). Groups of fewer than five people are hidden, "
            "and so is any total that would reveal them. The chart shows everyone's average "
            "'useful' answer."
        ),
    )


def _figure_rows(figures: dict) -> list[Row]:
    def hidden_score():
        if figures.get("program_score_is_suppressed"):
            return gettext("Fewer than 5 respondents: hidden.")
        return ""

    return [
        Row(gettext("Mentees enrolled (approved)"), [figures["people_enrolled_mentees"]]),
        Row(gettext("Mentors enrolled (approved)"), [figures["people_enrolled_mentors"]]),
        Row(gettext("Mentees matched"), [figures["matched_mentees"]]),
        Row(gettext("Match rate (%)"), [percent(figures["match_rate"])]),
        Row(gettext("Active mentorships"), [figures["active_mentorships"]]),
        Row(gettext("Of them, circles (a circle counts once)"), [figures["active_circles"]]),
        Row(
            gettext("People in active pairs and circles"), [figures["people_in_active_mentorships"]]
        ),
        Row(gettext("Sessions held, last 30 days"), [figures["sessions_held_30d"]]),
        Row(gettext("Sessions held, last 90 days"), [figures["sessions_held_90d"]]),
        Row(gettext("Goal reviews due"), [figures["goal_reviews_due"]]),
        Row(gettext("Goal reviews done"), [figures["goal_reviews_done"]]),
        Row(gettext("Goal-review completion (%)"), [percent(figures["goal_review_completion"])]),
        Row(gettext("Program score (1 to 5)"), [figures["program_score"]], note=hidden_score()),
        Row(gettext("Program score respondents"), [figures["program_score_respondents"]]),
    ]


def _program_rows() -> list[dict]:
    rows = list(
        with_focus_skills(Program.objects.exclude(status=ProgramStatus.DRAFT))
        .order_by("-starts_on", "id")
        .values(*PROGRAM_FIELDS)
    )
    return shape_programs(rows, members=True)


# ---------------------------------------------------------------- the pages


def hr_home(*, clock: Clock, program_url) -> HrPage:
    """The organization's progress: the summary's figures, its programs (drafts left out)
    with theirs, the funnel, sessions per month, goal-review completion and skill
    progress per program and per department, and survey results of closed periods. A
    fixed number of queries whatever the number of programs, people and rows."""
    summary = organization_summary()
    programs = _program_rows()
    names = {row["id"]: row["name"] for row in programs}
    applied = funnel_counts()
    people = summary["people_enrolled"]
    figures = Table(
        "figures",
        gettext("The organization at a glance"),
        [gettext("Figure"), gettext("Value")],
        [
            Row(gettext("Programs (all statuses)"), [summary["programs"]]),
            Row(gettext("People enrolled as mentees"), [people["mentees"]]),
            Row(gettext("People enrolled as mentors"), [people["mentors"]]),
            Row(gettext("Approved mentee enrolments"), [summary["approved_mentee_enrolments"]]),
            Row(gettext("Mentees matched"), [summary["matched_mentees"]]),
            Row(gettext("Match rate (%)"), [percent(summary["match_rate"])]),
            Row(gettext("Active mentorships"), [summary["active_mentorships"]]),
            Row(gettext("Of them, circles (a circle counts once)"), [summary["active_circles"]]),
            Row(
                gettext("People in active pairs and circles"),
                [summary["people_in_active_mentorships"]],
            ),
            Row(gettext("Sessions held, last 30 days"), [summary["sessions_held_30d"]]),
            Row(gettext("Sessions held, last 90 days"), [summary["sessions_held_90d"]]),
            Row(
                gettext("Goal-review completion (%)"), [percent(summary["goal_review_completion"])]
            ),
            Row(
                gettext("Program score (1 to 5)"),
                [summary["program_score"]],
                note=gettext("Programs with fewer than 5 respondents are left out."),
            ),
            Row(gettext("Program score respondents"), [summary["program_score_respondents"]]),
        ],
    )
    listing = Table(
        "programs",
        gettext("Programs"),
        [
            gettext("Program"),
            gettext("Status"),
            gettext("Mentees"),
            gettext("Mentors"),
            gettext("Match rate (%)"),
            gettext("Active pairs and circles"),
            gettext("Sessions held, 90 days"),
            gettext("Goal-review completion (%)"),
            gettext("Program score (1 to 5)"),
        ],
        [
            Row(
                row["name"],
                [
                    ProgramStatus(row["status"]).label,
                    row["people_enrolled_mentees"],
                    row["people_enrolled_mentors"],
                    percent(row["match_rate"]),
                    row["active_mentorships"],
                    row["sessions_held_90d"],
                    percent(row["goal_review_completion"]),
                    row["program_score"],
                ],
                note=(
                    gettext("Program score: fewer than 5 respondents, hidden.")
                    if row["program_score_is_suppressed"]
                    else ""
                ),
                note_on=7,
                link=program_url(row["id"]),
            )
            for row in programs
        ],
        empty=gettext("No program has opened yet."),
    )
    match = Table(
        "match-rate",
        gettext("Match rate by program"),
        [
            gettext("Program"),
            gettext("Approved mentees"),
            gettext("Matched"),
            gettext("Match rate (%)"),
        ],
        [
            Row(
                row["name"],
                [
                    row["people_enrolled_mentees"],
                    row["matched_mentees"],
                    percent(row["match_rate"]),
                ],
            )
            for row in programs
        ],
    )
    reviews = Table(
        "goal-reviews",
        gettext("Goal-review completion by program"),
        [
            gettext("Program"),
            gettext("Reviews due"),
            gettext("Reviews done"),
            gettext("Completion (%)"),
        ],
        [
            Row(
                row["name"],
                [
                    row["goal_reviews_due"],
                    row["goal_reviews_done"],
                    percent(row["goal_review_completion"]),
                ],
            )
            for row in programs
        ],
    )
    charts = [
        _funnel(
            "funnel",
            sum(applied.values()),
            summary["approved_mentee_enrolments"],
            summary["matched_mentees"],
            gettext("across the organization"),
        ),
        _bars(match, 2, gettext("Approved mentees with an active or paused mentorship.")),
        _held("held", Session.objects.all(), clock, gettext("across the organization")),
        _bars(reviews, 2, gettext("Goal reviews the mentees wrote, over the reviews due so far.")),
        *_skill_tables(SkillProgressAggregateList().aggregate_rows({}), ("program", "department")),
        _surveys(SurveyAggregates().aggregate_rows({}), names),
    ]
    return HrPage(
        tables=[figures, listing, *(c.table for c in charts)],
        charts=charts,
        figures=figures,
        programs=listing,
    )


def hr_program(*, clock: Clock, program_id: int) -> HrPage:
    """One program of the active organization with the home's figures, funnel, sessions
    per month, skill progress and survey results; 404 for any other id."""
    row = with_focus_skills(Program.objects.filter(pk=program_id)).values(*PROGRAM_FIELDS).first()
    if row is None:
        raise Http404("No such program in this organization.")
    program = shape_programs([row], members=True)[0]
    figures = Table(
        "figures",
        gettext("The program at a glance"),
        [gettext("Figure"), gettext("Value")],
        _figure_rows(program),
    )
    charts = [
        _funnel(
            "funnel",
            funnel_counts([program_id]).get(program_id, 0),
            program["people_enrolled_mentees"],
            program["matched_mentees"],
            gettext("in this program"),
        ),
        _held(
            "held",
            Session.objects.filter(mentorship__program_id=program_id),
            clock,
            gettext("in this program"),
        ),
        *_skill_tables(
            SkillProgressAggregateList().aggregate_rows({"program": program_id}),
            ("program",),
            one_program=True,
        ),
        _surveys(
            SurveyAggregates().aggregate_rows({"program": program_id}),
            {program_id: program["name"]},
        ),
    ]
    return HrPage(
        tables=[figures, *(c.table for c in charts)],
        charts=charts,
        figures=figures,
        program=program,
    )


def csv_rows(page: HrPage) -> list[dict]:
    """Every figure of the page, one line each: table, row, column, value, and why it is
    hidden (if it is). The same cells as the page's tables."""
    lines = []
    for table in page.tables:
        for row in table.rows:
            for index, (column, value) in enumerate(
                zip(table.columns[1:], row.values, strict=True)
            ):
                lines.append(
                    {
                        "table": table.caption,
                        "row": row.label,
                        "column": column,
                        "value": value,
                        "hidden_because": row.note
                        if value is None and row.note_on in (None, index)
                        else "",
                    }
                )
    return lines


CSV_HEADER = ["table", "row", "column", "value", "hidden_because"]
