"""Reads for the participant pages of matching: suggested mentors and requests sent
(self-match), requests received, and the mentorships of the signed-in person; and for the
admin's review of a match-run draft: its summary, a page of its pairs, and the short lists
of its search pickers (pairs, mentees left unmatched, mentors with their free places).

Every selector takes the organization and the signed-in user. A page is for the people it
concerns: a row that is missing, of another organization or someone else's is the same
404 (STYLE.md: ``access_*``). Related rows come through select_related / prefetch_related,
so a page costs the same number of queries whatever the number of mentors or requests.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from django.db.models import (
    Avg,
    Case,
    Count,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from mentoring.people.models import Department
from programs.models import (
    Enrollment,
    EnrollmentRole,
    EnrollmentSkill,
    EnrollmentStatus,
    Goal,
    GoalStatus,
    MatchingMode,
    Program,
    ProgramStatus,
)
from programs.selectors import VISIBLE_STATUSES

from . import services
from .access import MentorshipRow, member_filter, side_of
from .events import pair_has_met
from .models import (
    OPEN_MENTORSHIP,
    OPEN_STATUSES,
    FitCheck,
    MatchProposal,
    MatchRun,
    MentorRequest,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    RequestStatus,
    UnmatchedMentee,
    UnmatchedReason,
)
from .pool import load_pool, program_weights
from .scoring import score_block

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from mentoring.tenancy.models import Organization

SUGGESTION_LIMIT = 10


def _skills_prefetch(lookup: str) -> Prefetch:
    return Prefetch(
        lookup, queryset=EnrollmentSkill.objects.select_related("skill").order_by("skill__name")
    )


def _goals_prefetch(lookup: str) -> Prefetch:
    """The goals a mentor should read: in progress or achieved, not the ones set aside."""
    return Prefetch(
        lookup,
        queryset=Goal.objects.exclude(status=GoalStatus.DROPPED)
        .select_related("skill")
        .order_by("created_at", "pk"),
    )


# ---------------------------------------------------------------- self-match (mentee side)


def access_self_match_mentee(
    *, organization: Organization, user: User, program_id: int
) -> Enrollment:
    """The user's approved mentee enrolment in a visible self-match program (with the
    program), or 404: managed programs, other people's programs and drafts have no
    suggestions page."""
    mentee = (
        Enrollment.objects.filter(
            program_id=program_id,
            program__status__in=VISIBLE_STATUSES,
            program__matching_mode=MatchingMode.SELF,
            person__user=user,
            role=EnrollmentRole.MENTEE,
            status=EnrollmentStatus.APPROVED,
        )
        .select_related("program", "person")
        .first()
    )
    if mentee is None:
        raise Http404("No mentor suggestions here.")
    return mentee


def access_program_mentor(
    *, organization: Organization, program: Program, mentor_id: int
) -> Enrollment:
    """A mentor enrolment of ``program``, or 404 (whether they are free is the service's
    question)."""
    mentor = (
        Enrollment.objects.filter(pk=mentor_id, program=program, role=EnrollmentRole.MENTOR)
        .select_related("person")
        .first()
    )
    if mentor is None:
        raise Http404("No such mentor.")
    return mentor


@dataclass
class Suggestion:
    """A suggested mentor, their score with its breakdown, and the mentee's latest request
    to them (or None)."""

    mentor: Enrollment
    score: float
    breakdown: list[dict]
    request: MentorRequest | None = None
    form: object = None  # the view attaches the request form

    @property
    def is_pending(self) -> bool:
        return self.request is not None and self.request.status == RequestStatus.PENDING


@dataclass
class SelfMatchPage:
    program: Program
    mentee: Enrollment
    mentorship: Mentorship | None
    suggestions: list[Suggestion] = field(default_factory=list)
    requests: list[MentorRequest] = field(default_factory=list)
    max_pending: int = services.MAX_PENDING_REQUESTS

    @property
    def is_closed(self) -> bool:
        return self.program.status == ProgramStatus.CLOSED

    @property
    def pending_count(self) -> int:
        return sum(1 for request in self.requests if request.status == RequestStatus.PENDING)

    @property
    def can_ask(self) -> bool:
        return self.mentorship is None and not self.is_closed


def self_match_page(*, organization: Organization, user: User, program_id: int) -> SelfMatchPage:
    """The suggestions page of a self-match program: the mentee's open mentorship if any,
    otherwise the best free mentors (``services.best_mentors``, best first) with their
    departments, and every request the mentee sent in this program, newest first."""
    mentee = access_self_match_mentee(organization=organization, user=user, program_id=program_id)
    program = mentee.program
    mentorship = (
        Mentorship.objects.filter(OPEN_MENTORSHIP, mentee=mentee)
        .select_related("mentor__person")
        .first()
    )
    requests = list(
        MentorRequest.objects.filter(mentee=mentee)
        .select_related("mentor__person")
        .order_by("-created_at", "-pk")
    )
    page = SelfMatchPage(program=program, mentee=mentee, mentorship=mentorship, requests=requests)
    if not page.can_ask:
        return page
    latest: dict[int, MentorRequest] = {}
    for request in requests:
        latest.setdefault(request.mentor_id, request)
    rows = services.best_mentors(program, mentee, limit=SUGGESTION_LIMIT)
    # best_mentors loads each person with their seniority; the page also names departments
    departments = Department.objects.in_bulk(
        {row["mentor"].person.department_id for row in rows} - {None}
    )
    for row in rows:
        person = row["mentor"].person
        person.department = departments.get(person.department_id)
        page.suggestions.append(
            Suggestion(
                mentor=row["mentor"],
                score=row["score"],
                breakdown=row["breakdown"],
                request=latest.get(row["mentor"].pk),
            )
        )
    return page


# ---------------------------------------------------------------- requests received (mentor)


def access_received_request(
    *, organization: Organization, user: User, request_id: int
) -> MentorRequest:
    """A request addressed to the user as mentor, or 404 (also for the mentee who sent it:
    only the mentor answers)."""
    request = (
        MentorRequest.objects.filter(pk=request_id, mentor__person__user=user)
        .select_related("program", "mentee__person", "mentor__person")
        .first()
    )
    if request is None:
        raise Http404("No such request.")
    return request


@dataclass
class MentorPlaces:
    enrollment: Enrollment
    taken: int

    @property
    def free(self) -> int:
        return max(0, (self.enrollment.capacity or 0) - self.taken)


@dataclass
class InboxPage:
    pending: list[MentorRequest]
    answered: list[MentorRequest]
    places: list[MentorPlaces]


def mentor_inbox(*, organization: Organization, user: User) -> InboxPage:
    """Requests the user received as mentor: those waiting, oldest first, then the answered
    ones, newest first; each with the mentee's person, focus skills and goals. And the
    user's free places in each self-match program they mentor in."""
    requests = list(
        MentorRequest.objects.filter(mentor__person__user=user)
        .exclude(program__status=ProgramStatus.DRAFT)
        .select_related("program", "mentee__person__department")
        .prefetch_related(_skills_prefetch("mentee__skill_links"), _goals_prefetch("mentee__goals"))
        .annotate(
            waiting=Case(
                When(status=RequestStatus.PENDING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("waiting", "created_at", "pk")
    )
    places = [
        MentorPlaces(enrollment=enrollment, taken=enrollment.taken)
        for enrollment in Enrollment.objects.filter(
            person__user=user,
            role=EnrollmentRole.MENTOR,
            status=EnrollmentStatus.APPROVED,
            program__matching_mode=MatchingMode.SELF,
            program__status__in=(
                ProgramStatus.ENROLLING,
                ProgramStatus.MATCHING,
                ProgramStatus.RUNNING,
            ),
        )
        .select_related("program")
        .annotate(taken=Count("as_mentor", filter=Q(as_mentor__status__in=OPEN_STATUSES)))
        .order_by("program__name", "pk")
    ]
    answered = [r for r in requests if r.status != RequestStatus.PENDING]
    return InboxPage(
        pending=[r for r in requests if r.status == RequestStatus.PENDING],
        answered=sorted(answered, key=lambda r: r.answered_at or r.created_at, reverse=True),
        places=places,
    )


# ---------------------------------------------------------------- mentorships


def _rows(mentorships, user: User) -> list[MentorshipRow]:
    """Each mentorship from the user's side. A circle's row names all its members: one
    query reads them for every circle of the list (none when the list has no circle)."""
    mentorships = list(mentorships)
    circles = [m for m in mentorships if m.program.is_circle]
    if circles:
        prefetch_related_objects(
            circles,
            Prefetch("members", queryset=MentorshipMember.objects.select_related("person")),
        )
    return [side_of(m, user) for m in mentorships]


@dataclass
class MentorshipsPage:
    rows: list[MentorshipRow]
    pending_requests: int
    # whether mentees may ask the user (a mentor of a self-match program), and the requests
    # the user sent as mentee
    takes_requests: bool = False
    sent_requests: list[MentorRequest] = field(default_factory=list)

    @property
    def open_as_mentee(self) -> list[MentorshipRow]:
        """Open pairs in which the user is the mentee (circles are ``open_circles``)."""
        return [
            row
            for row in self.rows
            if row.is_mentee and row.mentorship.is_open and not row.is_circle
        ]

    @property
    def open_as_mentor(self) -> list[MentorshipRow]:
        return [
            row
            for row in self.rows
            if not row.is_mentee and row.mentorship.is_open and not row.is_circle
        ]

    @property
    def open_circles(self) -> list[MentorshipRow]:
        return [row for row in self.rows if row.is_circle and row.mentorship.is_open]


def mentorships_of(*, organization: Organization, user: User) -> MentorshipsPage:
    """The user's mentorships, as mentee or as mentor, open ones first, then newest; and
    how many requests wait for the user's answer as mentor."""
    mentorships = (
        Mentorship.objects.filter(member_filter(user))
        .select_related("program", "mentee__person", "mentor__person", "focus_skill")
        .annotate(
            closed=Case(
                When(OPEN_MENTORSHIP, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("closed", "-started_on", "-pk")
    )
    pending = MentorRequest.objects.filter(
        mentor__person__user=user, status=RequestStatus.PENDING
    ).count()
    return MentorshipsPage(
        rows=_rows(mentorships, user),
        pending_requests=pending,
        takes_requests=Enrollment.objects.filter(
            person__user=user,
            role=EnrollmentRole.MENTOR,
            program__matching_mode=MatchingMode.SELF,
        ).exists(),
        sent_requests=list(
            MentorRequest.objects.filter(mentee__person__user=user).select_related(
                "program", "mentor__person"
            )
        ),
    )


def open_mentorships_of(*, organization: Organization, user: User) -> MentorshipsPage:
    """Only the user's open mentorships (for the home page's line); no request count."""
    mentorships = (
        Mentorship.objects.filter(member_filter(user), OPEN_MENTORSHIP)
        .select_related("program", "mentee__person", "mentor__person", "focus_skill")
        .order_by("-started_on", "-pk")
    )
    return MentorshipsPage(rows=_rows(mentorships, user), pending_requests=0)


@dataclass
class MentorshipPage:
    row: MentorshipRow
    my_fit_check: FitCheck | None
    # the mentee enrolments whose focus skills and goals the page shows (with their person,
    # skill links and goals): a pair's mentee; in a circle the viewer's own as a mentee,
    # every mentee's for its mentors
    goal_holders: list[Enrollment] = field(default_factory=list)

    @property
    def mentorship(self) -> Mentorship:
        return self.row.mentorship

    @property
    def reasons(self) -> list[MatchReasons]:
        return match_reasons(self.row)

    @property
    def fit_check_is_open(self) -> bool:
        """After the pair's first session is logged as held, while the pair is active (a
        pair's question only: a circle has no fit check)."""
        return (
            not self.row.is_circle
            and self.mentorship.status == MentorshipStatus.ACTIVE
            and self.mentorship.has_held_session  # type: ignore[attr-defined]  # annotated on reading
        )


@dataclass(frozen=True)
class MatchReasons:
    """Why a pair or a circle's member was matched: whose reasons (a circle's mentee, for
    its mentors; None for the viewer's own), their points and the parts."""

    name: str | None
    score: float
    parts: list[dict]


def match_reasons(row: MentorshipRow) -> list[MatchReasons]:
    """The stored breakdown as its viewer may read it: a pair's whole; in a circle, a
    mentee's own parts only (each part names its mentee: ``person``), every mentee's under
    their name for the circle's mentors."""
    parts = row.mentorship.breakdown or []
    if not row.is_circle:
        return [MatchReasons(None, row.mentorship.score or 0, parts)] if parts else []
    people = {p.pk: p for p in row.mentees}
    shown = [row.me.pk] if row.is_mentee else list(people)
    found = []
    for person_id in shown:
        mine = [part for part in parts if part.get("person") == person_id]
        if mine:
            name = None if person_id == row.me.pk else people[person_id].display_name
            found.append(MatchReasons(name, sum(part["points"] for part in mine), mine))
    return found


def _circle_goal_holders(row: MentorshipRow) -> list[Enrollment]:
    """The mentee enrolments of a circle whose goals the viewer reads: their own as a
    mentee, every mentee's as a mentor. Three queries, whatever the circle's size."""
    mentees = [m for m in row.members if m.role == EnrollmentRole.MENTEE]
    if row.is_mentee:
        mentees = [m for m in mentees if m.person_id == row.person_id]
    return list(
        Enrollment.objects.filter(pk__in=[m.enrollment_id for m in mentees])
        .select_related("person__department")
        .prefetch_related(_skills_prefetch("skill_links"), _goals_prefetch("goals"))
        .order_by("person__display_name", "pk")
    )


def access_mentorship(
    *, organization: Organization, user: User, mentorship_id: int
) -> MentorshipPage:
    """A mentorship of which the user is a member, with its people, the focus skills and
    goals the user reads (``goal_holders``), and the user's own fit-check answer; or 404 for
    anyone else, program managers and HR included (they use the admin)."""
    mentorship = (
        Mentorship.objects.filter(member_filter(user), pk=mentorship_id)
        .select_related(
            "program", "mentee__person__department", "mentor__person__department", "focus_skill"
        )
        .annotate(has_held_session=pair_has_met())
        .prefetch_related(
            _skills_prefetch("mentee__skill_links"),
            _goals_prefetch("mentee__goals"),
            Prefetch(
                "fit_checks",
                queryset=FitCheck.objects.filter(respondent__user=user),
                to_attr="my_fit_checks",
            ),
        )
        .first()
    )
    if mentorship is None:
        raise Http404("No such mentorship.")
    if mentorship.program.is_circle:
        # a circle's page names everyone, with their departments: one query for all
        prefetch_related_objects(
            [mentorship],
            Prefetch(
                "members", queryset=MentorshipMember.objects.select_related("person__department")
            ),
        )
    row = side_of(mentorship, user)
    return MentorshipPage(
        row=row,
        my_fit_check=mentorship.my_fit_checks[0] if mentorship.my_fit_checks else None,
        goal_holders=_circle_goal_holders(row) if row.is_circle else [mentorship.mentee],
    )


# ---------------------------------------------------------------- draft review (admin)
#
# The review page of a match run reads a summary in SQL and one page of pairs; the swap
# and add-by-hand pickers search a short list. Nothing here grows with the draft: a run
# of 2,000 pairs costs the same queries as one of ten.

PAIRS_PER_PAGE = 50
PICKER_LIMIT = 20
UNMATCHED_SHOWN = 50
SCORE_BANDS = 5

PAIR_ORDERS = {
    "best": ("Best score first", ("-score", "pk")),
    "worst": ("Lowest score first", ("score", "pk")),
    "mentor": ("Mentor's name", ("mentor__person__display_name", "pk")),
    "mentee": ("Mentee's name", ("mentee__person__display_name", "pk")),
}
PAIR_FILTERS = {
    "": "All pairs",
    "changed": "Changed by hand",
    "overrides": "Breaking a rule (overridden)",
}
_NO_RULE_BROKEN = Q(broken_rules=[])


@dataclass
class ScoreBand:
    low: float
    high: float
    count: int
    share: int  # percent of the pairs, for the bar


@dataclass
class DraftSummary:
    pair_count: int
    unmatched_count: int
    manual_count: int
    override_count: int
    lowest: float | None
    highest: float | None
    average: float | None
    bands: list[ScoreBand]
    unmatched_reasons: list[tuple[str, int]]  # (reason as the manager reads it, count)


def _bands(lowest: float, highest: float) -> list[tuple[float, float]]:
    """Equal-width score bands from the lowest to the highest score, whole numbers."""
    low, high = math.floor(lowest), math.ceil(highest)
    if high <= low:
        return [(low, high)]
    width = max(1, math.ceil((high - low) / SCORE_BANDS))
    edges = list(range(low, high, width))
    return [(edge, min(edge + width, high)) for edge in edges]


def draft_summary(*, organization: Organization, run: MatchRun) -> DraftSummary:
    """What a manager reads first about a run: how many pairs and how good (scores in
    bands), who is left unmatched and why (counted per reason), and the changes by hand
    and rule overrides; three aggregate queries whatever the size of the draft."""
    proposals = MatchProposal.objects.filter(run=run).order_by()
    totals = proposals.aggregate(
        pair_count=Count("pk"),
        manual_count=Count("pk", filter=Q(is_manual=True)),
        override_count=Count("pk", filter=~_NO_RULE_BROKEN),
        lowest=Min("score"),
        highest=Max("score"),
        average=Avg("score"),
    )
    bands: list[ScoreBand] = []
    if totals["pair_count"]:
        edges = _bands(totals["lowest"], totals["highest"])
        counts = proposals.aggregate(
            **{
                f"band{n}": Count(
                    "pk",
                    filter=Q(score__gte=low)
                    & (Q(score__lte=high) if n == len(edges) - 1 else Q(score__lt=high)),
                )
                for n, (low, high) in enumerate(edges)
            }
        )
        for n, (low, high) in enumerate(edges):
            count = counts[f"band{n}"]
            bands.append(ScoreBand(low, high, count, round(100 * count / totals["pair_count"])))
    labels = dict(UnmatchedReason.choices)
    reasons = (
        UnmatchedMentee.objects.filter(run=run)
        .order_by()
        .values("reason")
        .annotate(total=Count("pk"))
        .order_by("-total", "reason")
    )
    unmatched_reasons = [(str(labels.get(r["reason"], r["reason"])), r["total"]) for r in reasons]
    return DraftSummary(
        pair_count=totals["pair_count"],
        unmatched_count=sum(count for _label, count in unmatched_reasons),
        manual_count=totals["manual_count"],
        override_count=totals["override_count"],
        lowest=totals["lowest"],
        highest=totals["highest"],
        average=totals["average"],
        bands=bands,
        unmatched_reasons=unmatched_reasons,
    )


CIRCLES_PER_PAGE = 20


def draft_circles(*, organization: Organization, run: MatchRun, q: str = ""):
    """The circles of a circle run (those with a person whose name matches ``q``), by
    number, each with its skill, mentors and mentees (best score first, with departments):
    a queryset for one page to be cut from, three queries a page."""
    circles = run.circles.select_related("skill", "mentor__person", "co_mentor__person")
    if q.strip():
        found = _name_filter(q, "mentor", "co_mentor", "proposals__mentee")
        circles = circles.filter(pk__in=run.circles.filter(found).values("pk"))
    return circles.order_by("number").prefetch_related(
        Prefetch(
            "proposals",
            MatchProposal.objects.select_related("mentee__person__department").order_by(
                "-score", "pk"
            ),
        )
    )


def draft_circle_count(*, organization: Organization, run: MatchRun) -> int:
    return run.circles.count()


def _name_filter(q: str, *sides: str) -> Q:
    """Rows where every word of ``q`` is in the name of one of the ``sides`` (mentor,
    mentee): "ana lee" finds Ana Lee as mentor or as mentee."""
    words = q.split()[:5]
    found = Q()
    for side in sides:
        on_side = Q()
        for word in words:
            on_side &= Q(**{f"{side}__person__display_name__icontains": word})
        found |= on_side
    return found if words else Q()


def draft_pairs(
    *, organization: Organization, run: MatchRun, q: str = "", order: str = "best", only: str = ""
):
    """The run's pairs matching a search on either person's name, in the chosen order,
    with both people and their departments (a queryset for one page to be cut from)."""
    pairs = MatchProposal.objects.filter(run=run).select_related(
        "mentee__person__department", "mentor__person__department"
    )
    if q.strip():
        pairs = pairs.filter(_name_filter(q, "mentor", "mentee"))
    if only == "changed":
        pairs = pairs.filter(is_manual=True)
    elif only == "overrides":
        pairs = pairs.exclude(_NO_RULE_BROKEN)
    return pairs.order_by(*PAIR_ORDERS.get(order, PAIR_ORDERS["best"])[1])


def draft_unmatched(*, organization: Organization, run: MatchRun, q: str = ""):
    """The run's unmatched mentees (matching a search on their name), by name."""
    rows = UnmatchedMentee.objects.filter(run=run).select_related("mentee__person__department")
    if q.strip():
        rows = rows.filter(_name_filter(q, "mentee"))
    return rows.order_by("mentee__person__display_name", "pk")


def draft_version_now(*, organization: Organization, run: MatchRun) -> str:
    """``services.draft_version`` of the run as it is now, from its ids only."""
    return services.draft_version(
        MatchProposal.objects.filter(run=run).order_by().values_list("pk", "mentor_id")
    )


def search_draft_pairs(
    *, organization: Organization, run: MatchRun, q: str = "", limit: int = PICKER_LIMIT
) -> list[MatchProposal]:
    """At most ``limit`` pairs of the run with a person whose name matches ``q``, by
    mentor's name (all of them, up to the limit, for an empty search)."""
    pairs = MatchProposal.objects.filter(run=run).select_related("mentee__person", "mentor__person")
    if q.strip():
        pairs = pairs.filter(_name_filter(q, "mentor", "mentee"))
    return list(
        pairs.order_by("mentor__person__display_name", "mentee__person__display_name", "pk")[:limit]
    )


def search_draft_unmatched(
    *, organization: Organization, run: MatchRun, q: str = "", limit: int = PICKER_LIMIT
) -> list[Enrollment]:
    """At most ``limit`` mentee enrolments left unmatched in the run, matching ``q``."""
    mentees = Enrollment.objects.filter(
        program_id=run.program_id,
        role=EnrollmentRole.MENTEE,
        status=EnrollmentStatus.APPROVED,
        pk__in=UnmatchedMentee.objects.filter(run=run).values("mentee_id"),
    ).select_related("person")
    if q.strip():
        mentees = mentees.filter(_name_filter_person(q))
    return list(mentees.order_by("person__display_name", "pk")[:limit])


def _name_filter_person(q: str) -> Q:
    found = Q()
    for word in q.split()[:5]:
        found &= Q(person__display_name__icontains=word)
    return found


@dataclass
class MentorChoice:
    """A mentor of the run's program as the add-by-hand picker shows them."""

    enrollment: Enrollment
    places: int  # free places once the draft's pairs are counted (0 or less: full)
    score: float | None = None  # with the chosen mentee, when one is chosen

    @property
    def label(self) -> str:
        free = (
            "full"
            if self.places <= 0
            else f"{self.places} place{'s' if self.places != 1 else ''} free"
        )
        scored = "" if self.score is None else f", score {self.score:.0f}"
        return f"{self.enrollment.person} ({free}{scored})"


def _mentors_with_places(run: MatchRun):
    in_draft = (
        MatchProposal.objects.filter(run=run, mentor=OuterRef("pk"))
        .order_by()
        .values("mentor")
        .annotate(total=Count("pk"))
        .values("total")
    )
    taken = (
        Mentorship.objects.filter(mentor=OuterRef("pk"), status__in=OPEN_STATUSES)
        .order_by()
        .values("mentor")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return (
        Enrollment.objects.filter(
            program_id=run.program_id,
            status=EnrollmentStatus.APPROVED,
            role=EnrollmentRole.MENTOR,
        )
        .select_related("person")
        .annotate(
            taken=Coalesce(Subquery(taken, output_field=IntegerField()), 0),
            drafted=Coalesce(Subquery(in_draft, output_field=IntegerField()), 0),
        )
    )


def _choice(mentor, score: float | None = None) -> MentorChoice:
    return MentorChoice(mentor, (mentor.capacity or 0) - mentor.taken - mentor.drafted, score)


def search_draft_mentors(
    *, organization: Organization, run: MatchRun, q: str = "", limit: int = PICKER_LIMIT
) -> list[MentorChoice]:
    """At most ``limit`` approved mentors of the run's program matching ``q``, by name,
    each with the places left once the draft's pairs are counted (one query)."""
    mentors = _mentors_with_places(run)
    if q.strip():
        mentors = mentors.filter(_name_filter_person(q))
    return [_choice(m) for m in mentors.order_by("person__display_name", "pk")[:limit]]


def best_draft_mentors(
    *, organization: Organization, run: MatchRun, mentee_id: int, limit: int = PICKER_LIMIT
) -> list[MentorChoice]:
    """The ``limit`` mentors with the best score with a mentee left unmatched in the run,
    best first, with their places; [] when the mentee is not waiting in this run."""
    if not UnmatchedMentee.objects.filter(run=run, mentee_id=mentee_id).exists():
        return []
    pool = load_pool(
        run.program, program_weights(run.program, run.weights), only_mentee_ids=[mentee_id]
    )
    if not pool.mentee_ids or not pool.mentor_ids:
        return []
    block, _eligible = score_block(pool.problem, np.array([0]))
    scores = {pk: float(block[0, j]) for j, pk in enumerate(pool.mentor_ids)}
    best = sorted(scores, key=lambda pk: (-scores[pk], pk))[:limit]
    found = _mentors_with_places(run).in_bulk(best)
    return [_choice(found[pk], scores[pk]) for pk in best if pk in found]
