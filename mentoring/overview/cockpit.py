"""The program cockpit: one program as its manager runs it, read across the apps.

Its state and what to do next in plain words, the lifecycle moves allowed from that state
(``programs.services.programs.TRANSITIONS``), the enrolment funnel, this program's match
runs, the pairs at risk (the one rule, ``sessions.selectors.at_risk``) and the survey
results of closed periods (``feedback.selectors.statistics``, the same figures and the
same suppression as the survey statistics page). Counts, names and dates only: never a
pair's notes, feedback text or survey answers. A fixed number of queries per page.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, OuterRef
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, ngettext

from feedback.admin import PROGRAM_TITLE, PULSE_TITLE, survey_table
from feedback.models import SurveyKind
from feedback.selectors.statistics import survey_results
from feedback.services import PROGRAM_QUESTIONS, PULSE_QUESTIONS
from feedback.suppression import MIN_GROUP
from matching.models import (
    OPEN_MENTORSHIP,
    MatchRun,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
)
from mentoring.common.admin import changelist_url
from mentoring.notifications.models import OutboxMessage
from mentoring.tenancy.models import Organization
from programs.models import (
    Enrollment,
    EnrollmentRole,
    EnrollmentStatus,
    Program,
    ProgramSkill,
    ProgramStatus,
)
from programs.services.programs import TRANSITIONS
from sessions.models import Session
from sessions.selectors.at_risk import activity_of, with_activity

from .cockpit_services import nudge_prefix

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Move:
    """A lifecycle button: the state it leads to, its label and what it means."""

    to_status: str
    label: StrOrPromise
    explanation: StrOrPromise
    confirm: StrOrPromise  # the confirmation's button, "Yes, open enrolment"
    is_back: bool = False


# What each move does, in the words the manager sees on its button and confirmation.
MOVES: dict[tuple[str, str], tuple[StrOrPromise, StrOrPromise, StrOrPromise]] = {
    (ProgramStatus.DRAFT, ProgramStatus.ENROLLING): (
        gettext_lazy("Open enrolment"),
        gettext_lazy("People can apply to the program, and you can enrol them yourself."),
        gettext_lazy("Yes, open enrolment"),
    ),
    (ProgramStatus.ENROLLING, ProgramStatus.MATCHING): (
        gettext_lazy("Start matching"),
        gettext_lazy(
            "Applications close for now and you can run the matching on the approved people."
        ),
        gettext_lazy("Yes, start matching"),
    ),
    (ProgramStatus.ENROLLING, ProgramStatus.DRAFT): (
        gettext_lazy("Back to draft"),
        gettext_lazy("The program is hidden from people again until you reopen enrolment."),
        gettext_lazy("Yes, back to draft"),
    ),
    (ProgramStatus.MATCHING, ProgramStatus.RUNNING): (
        gettext_lazy("Start the program"),
        gettext_lazy(
            "The pairs you approved begin: reminders, check-ins and surveys start running."
        ),
        gettext_lazy("Yes, start the program"),
    ),
    (ProgramStatus.MATCHING, ProgramStatus.ENROLLING): (
        gettext_lazy("Back to enrolment"),
        gettext_lazy("People can apply again; approved pairs stay as they are."),
        gettext_lazy("Yes, back to enrolment"),
    ),
    (ProgramStatus.RUNNING, ProgramStatus.CLOSED): (
        gettext_lazy("Close the program"),
        gettext_lazy("The program ends for everyone. This cannot be undone."),
        gettext_lazy("Yes, close the program"),
    ),
}


def moves_from(status: str) -> list[Move]:
    current = ProgramStatus(status)
    order = list(ProgramStatus)
    return [
        Move(
            target.value,
            *MOVES[(current, target)],
            is_back=order.index(target) < order.index(current),
        )
        for target in TRANSITIONS[current]
    ]


def move_of(status: str, to_status: str) -> Move | None:
    """The move from ``status`` to ``to_status``, when it is allowed."""
    return next((move for move in moves_from(status) if move.to_status == to_status), None)


@dataclass(frozen=True)
class FunnelRow:
    label: str
    mentees: int
    mentors: int


@dataclass(frozen=True)
class QuietPair:
    """A pair at risk, with the day its check-in clock runs from."""

    mentorship: Mentorship
    last_held_on: date | None
    quiet_since: date


@dataclass
class Cockpit:
    program: Program
    next_step: str
    moves: list[Move]
    funnel: list[FunnelRow]
    matched_pairs: int
    match_runs: int
    match_runs_url: str
    start_run_url: str | None
    enrolments_url: str
    at_risk: list[QuietPair] = field(default_factory=list)
    surveys: list[dict] = field(default_factory=list)
    shows_surveys: bool = False
    min_group: int = MIN_GROUP


def access_program(organization: Organization, program_id: int) -> Program:
    """The organization's program, or a 404 (missing and another organization's alike)."""
    program = Program.objects.filter(pk=program_id).first()
    if program is None:
        raise Http404("No such program in this organization.")
    return program


def _next_step(program: Program, funnel: Counter, matched: int, has_skills: bool) -> str:
    waiting = (
        funnel[(EnrollmentRole.MENTEE, EnrollmentStatus.APPLIED)]
        + funnel[(EnrollmentRole.MENTOR, EnrollmentStatus.APPLIED)]
    )
    approved_mentees = funnel[(EnrollmentRole.MENTEE, EnrollmentStatus.APPROVED)]
    approved_mentors = funnel[(EnrollmentRole.MENTOR, EnrollmentStatus.APPROVED)]
    status = program.status
    if status == ProgramStatus.DRAFT:
        if not has_skills:
            return gettext(
                "Choose at least one focus skill in the program's settings, then open enrolment."
            )
        return gettext(
            "Check the program's settings, then open enrolment so that people can apply."
        )
    if status == ProgramStatus.ENROLLING:
        if waiting:
            return ngettext(
                "%(count)s application waits for your decision. "
                "Once enough mentors and mentees are approved, start matching.",
                "%(count)s applications wait for your decision. "
                "Once enough mentors and mentees are approved, start matching.",
                waiting,
            ) % {"count": waiting}
        if not approved_mentees or not approved_mentors:
            return gettext("Invite or enrol people: matching needs approved mentees and mentors.")
        mentees = ngettext("%(count)s mentee", "%(count)s mentees", approved_mentees) % {
            "count": approved_mentees
        }
        mentors = ngettext("%(count)s mentor", "%(count)s mentors", approved_mentors) % {
            "count": approved_mentors
        }
        return gettext(
            "%(mentees)s and %(mentors)s are approved. When nobody else is coming, start matching."
        ) % {"mentees": mentees, "mentors": mentors}
    if status == ProgramStatus.MATCHING:
        if not matched:
            return gettext(
                "Start a match run, review its proposals and approve it to create the pairs."
            )
        return ngettext(
            "%(count)s pair is ready. Start the program when you want them to begin.",
            "%(count)s pairs are ready. Start the program when you want them to begin.",
            matched,
        ) % {"count": matched}
    if status == ProgramStatus.RUNNING:
        return gettext(
            "The pairs are meeting. Keep an eye on the pairs at risk below and nudge them "
            "when they go quiet; close the program when it ends."
        )
    return gettext("The program has ended. The survey results of its closed periods are below.")


def program_cockpit(*, organization: Organization, program_id: int, now: datetime) -> Cockpit:
    """The cockpit of one program of ``organization`` at ``now`` (404 if not its own)."""
    program = access_program(organization, program_id)
    funnel = Counter(
        {
            (row["role"], row["status"]): row["count"]
            for row in Enrollment.objects.filter(program=program)
            .values("role", "status")
            .annotate(count=Count("pk"))
            .order_by()
        }
    )
    members = MentorshipMember.objects.filter(mentorship=OuterRef("pk")).order_by("pk")
    pairs = list(
        with_activity(Mentorship.objects.filter(OPEN_MENTORSHIP, program=program), now)
        .select_related("mentee__person", "mentor__person", "focus_skill")
        # every seat of a circle, not only the first mentee and mentor its row names
        .annotate(
            mentee_seats=ArraySubquery(
                members.filter(role=EnrollmentRole.MENTEE).values("enrollment_id")
            ),
            mentor_seats=ArraySubquery(
                members.filter(role=EnrollmentRole.MENTOR).values("enrollment_id")
            ),
        )
        .order_by("pk")
    )
    today = now.astimezone(organization_zone()).date()
    at_risk = []
    for pair in pairs:
        activity = activity_of(pair)
        if activity.is_at_risk(today, organization_zone()):
            held = activity.last_held_at
            at_risk.append(
                QuietPair(
                    pair,
                    held.astimezone(organization_zone()).date() if held else None,
                    activity.quiet_since(organization_zone()),
                )
            )
    at_risk.sort(key=lambda row: (row.quiet_since, row.mentorship.pk))
    mentees_matched = len({seat for pair in pairs for seat in pair.mentee_seats})
    mentors_matched = len({seat for pair in pairs for seat in pair.mentor_seats})

    def row(label: str, status: str) -> FunnelRow:
        return FunnelRow(
            label,
            funnel[(EnrollmentRole.MENTEE, status)],
            funnel[(EnrollmentRole.MENTOR, status)],
        )

    applied = FunnelRow(
        gettext("Applied or enrolled (all)"),
        sum(n for (role, _), n in funnel.items() if role == EnrollmentRole.MENTEE),
        sum(n for (role, _), n in funnel.items() if role == EnrollmentRole.MENTOR),
    )
    rows = [
        applied,
        row(gettext("Waiting for your decision"), EnrollmentStatus.APPLIED),
        row(gettext("Approved"), EnrollmentStatus.APPROVED),
        row(gettext("Declined"), EnrollmentStatus.DECLINED),
        row(gettext("Withdrawn"), EnrollmentStatus.WITHDRAWN),
        FunnelRow(gettext("In a pair now"), mentees_matched, mentors_matched),
    ]
    has_skills = True
    if program.status == ProgramStatus.DRAFT:
        has_skills = ProgramSkill.objects.filter(program=program).exists()
    runs = MatchRun.objects.filter(program=program).count()
    start_run_url = None
    if program.status == ProgramStatus.MATCHING:
        start_run_url = (
            f"{reverse('admin:matching_matchrun_start')}?{urlencode({'program': program.pk})}"
        )
    cockpit = Cockpit(
        program=program,
        next_step=_next_step(program, funnel, len(pairs), has_skills),
        moves=moves_from(program.status),
        funnel=rows,
        matched_pairs=len(pairs),
        match_runs=runs,
        match_runs_url=changelist_url(MatchRun, program__id__exact=program.pk),
        start_run_url=start_run_url,
        enrolments_url=changelist_url(Enrollment, program__id__exact=program.pk),
        at_risk=at_risk,
    )
    if program.status != ProgramStatus.DRAFT:
        cockpit.shows_surveys = True
        cockpit.surveys = [
            *(
                survey_table(PROGRAM_TITLE, released, PROGRAM_QUESTIONS)
                for released in survey_results(program, SurveyKind.PROGRAM)
            ),
            *(
                survey_table(PULSE_TITLE, released, PULSE_QUESTIONS)
                for released in reversed(survey_results(program, SurveyKind.PULSE))
            ),
        ]
    return cockpit


def organization_zone() -> tzinfo:
    """The dates of the cockpit are the platform's (the zone survey periods use too)."""
    return timezone.get_default_timezone()


# ---------------------------------------------------------------- one pair


@dataclass
class PairPage:
    """A mentorship as its manager sees it: the pair, its sessions (dates and status only,
    never notes), its last activity and whether it is at risk."""

    mentorship: Mentorship
    sessions: list[Session]
    last_held_on: date | None
    next_planned_at: datetime | None
    quiet_since: date
    is_at_risk: bool
    can_nudge: bool
    nudged_today: bool


def pair_page(*, organization: Organization, mentorship_id: int, now: datetime) -> PairPage:
    pair = (
        with_activity(Mentorship.objects.filter(pk=mentorship_id), now)
        .select_related("program", "mentee__person", "mentor__person")
        .first()
    )
    if pair is None:
        raise Http404("No such mentorship in this organization.")
    sessions = list(
        Session.objects.filter(mentorship=pair)
        .only("pk", "mentorship_id", "starts_at", "status", "kind", "duration_minutes")
        .order_by("-starts_at", "-pk")
    )
    activity = activity_of(pair)
    zone = organization_zone()
    return PairPage(
        mentorship=pair,
        sessions=sessions,
        last_held_on=activity.last_held_at.astimezone(zone).date()
        if activity.last_held_at
        else None,
        next_planned_at=activity.next_planned_at,
        quiet_since=activity.quiet_since(zone),
        is_at_risk=activity.is_at_risk(now.astimezone(zone).date(), zone),
        can_nudge=pair.status == MentorshipStatus.ACTIVE,
        nudged_today=OutboxMessage.objects.filter(
            dedupe_key__startswith=nudge_prefix(pair.pk, timezone.localdate(now))
        ).exists(),
    )
