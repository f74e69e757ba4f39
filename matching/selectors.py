"""Reads for the participant pages of matching: suggested mentors and requests sent
(self-match), requests received, and the mentorships of the signed-in person.

Every selector takes the organization and the signed-in user. A page is for the people it
concerns: a row that is missing, of another organization or someone else's is the same
404 (STYLE.md: ``access_*``). Related rows come through select_related / prefetch_related,
so a page costs the same number of queries whatever the number of mentors or requests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Case, Count, IntegerField, Prefetch, Q, Value, When
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
    MentorRequest,
    Mentorship,
    MentorshipStatus,
    RequestStatus,
)

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


@dataclass
class MentorshipsPage:
    rows: list[MentorshipRow]
    pending_requests: int
    # whether the user mentors (a mentor enrolment), and the requests they sent as mentee
    is_mentor: bool = False
    sent_requests: list[MentorRequest] = field(default_factory=list)

    @property
    def open_as_mentee(self) -> list[MentorshipRow]:
        return [row for row in self.rows if row.is_mentee and row.mentorship.is_open]

    @property
    def open_as_mentor(self) -> list[MentorshipRow]:
        return [row for row in self.rows if not row.is_mentee and row.mentorship.is_open]


def mentorships_of(*, organization: Organization, user: User) -> MentorshipsPage:
    """The user's mentorships, as mentee or as mentor, open ones first, then newest; and
    how many requests wait for the user's answer as mentor."""
    mentorships = (
        Mentorship.objects.filter(member_filter(user))
        .select_related("program", "mentee__person", "mentor__person")
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
        rows=[side_of(m, user) for m in mentorships],
        pending_requests=pending,
        is_mentor=Enrollment.objects.filter(person__user=user, role=EnrollmentRole.MENTOR).exists(),
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
        .select_related("program", "mentee__person", "mentor__person")
        .order_by("-started_on", "-pk")
    )
    return MentorshipsPage(rows=[side_of(m, user) for m in mentorships], pending_requests=0)


@dataclass
class MentorshipPage:
    row: MentorshipRow
    my_fit_check: FitCheck | None

    @property
    def mentorship(self) -> Mentorship:
        return self.row.mentorship

    @property
    def fit_check_is_open(self) -> bool:
        """After the pair's first session is logged as held, while the pair is active."""
        return (
            self.mentorship.status == MentorshipStatus.ACTIVE and self.mentorship.has_held_session  # type: ignore[attr-defined]  # annotated on reading
        )


def access_mentorship(
    *, organization: Organization, user: User, mentorship_id: int
) -> MentorshipPage:
    """A mentorship of which the user is the mentee or the mentor, with both people, the
    mentee's focus skills and goals, and the user's own fit-check answer; or 404 for
    anyone else, program managers and HR included (they use the admin)."""
    mentorship = (
        Mentorship.objects.filter(member_filter(user), pk=mentorship_id)
        .select_related("program", "mentee__person__department", "mentor__person__department")
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
    return MentorshipPage(
        row=side_of(mentorship, user),
        my_fit_check=mentorship.my_fit_checks[0] if mentorship.my_fit_checks else None,
    )
