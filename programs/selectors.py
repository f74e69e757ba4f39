"""Reads for the participant pages of programs, shaped for each page.

Every selector takes the organization and the signed-in user. Rows that are missing,
in a draft, or someone else's answer with the same 404 (STYLE.md: ``access_*``).
Related rows come through select_related / prefetch_related, so a page costs the same
number of queries whatever the number of programs, goals or reviews.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from mentoring import hooks
from mentoring.people.models import Profile

from .events import GOAL_PARTNERS
from .models import (
    ChecklistAudience,
    ChecklistCompletion,
    ChecklistItem,
    Enrollment,
    EnrollmentRole,
    EnrollmentSkill,
    EnrollmentStatus,
    Goal,
    GoalReview,
    Program,
    ProgramSkill,
    ProgramStatus,
    Recognition,
    Resource,
    ResourceKind,
    Skill,
)
from .schedule import goal_review_start_on, next_review_of, review_due_on, review_period_on
from .services import CHECKLIST_FOR_ROLE
from .services.goals import goal_holder_filter

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from mentoring.tenancy.models import Organization

DIRECTORY_STATUSES = (ProgramStatus.ENROLLING, ProgramStatus.MATCHING, ProgramStatus.RUNNING)
# A closed program keeps its page: its participants still reach it from their enrolments.
VISIBLE_STATUSES = (*DIRECTORY_STATUSES, ProgramStatus.CLOSED)
ACTIVE_ENROLLMENT = (EnrollmentStatus.APPLIED, EnrollmentStatus.APPROVED)


def _focus_skills_prefetch() -> Prefetch:
    return Prefetch(
        "focus_links",
        queryset=ProgramSkill.objects.select_related("skill").order_by("skill__name"),
    )


def _my_enrollments_prefetch(user: User) -> Prefetch:
    return Prefetch(
        "enrollments",
        queryset=Enrollment.objects.filter(person__user=user),
        to_attr="my_enrollments",
    )


# ---------------------------------------------------------------- programs


def program_directory(*, organization: Organization, user: User) -> list[Program]:
    """Programs taking or running people, each with ``focus_links`` and ``my_enrollments``
    (a list of zero or one enrolment of ``user``)."""
    return list(
        Program.objects.filter(status__in=DIRECTORY_STATUSES).prefetch_related(
            _focus_skills_prefetch(), _my_enrollments_prefetch(user)
        )
    )


def access_program(*, organization: Organization, user: User, program_id: int) -> Program:
    """A program a member may see (not a draft), or 404; with its focus skills."""
    program = (
        Program.objects.filter(pk=program_id, status__in=VISIBLE_STATUSES)
        .prefetch_related(_focus_skills_prefetch())
        .first()
    )
    if program is None:
        raise Http404("No such program.")
    return program


def my_enrollment_in(
    *, organization: Organization, user: User, program: Program
) -> Enrollment | None:
    return Enrollment.objects.filter(program=program, person__user=user).first()


# The resource bank's headings, by kind (lessons are read in the mentor training instead).
_GROUP_LABELS = {
    ResourceKind.ARTICLE: gettext_lazy("Articles"),
    ResourceKind.VIDEO: gettext_lazy("Videos"),
    ResourceKind.EXERCISE: gettext_lazy("Exercises"),
}


@dataclass
class ResourceGroup:
    label: str
    resources: list[Resource]


@dataclass
class ProgramPage:
    program: Program
    my_enrollment: Enrollment | None
    resource_groups: list[ResourceGroup]
    recognitions: list[Recognition]

    @property
    def has_active_enrollment(self) -> bool:
        return self.my_enrollment is not None and self.my_enrollment.is_active

    @property
    def can_apply(self) -> bool:
        return self.program.is_open_for_applications and not self.has_active_enrollment


def program_page(*, organization: Organization, user: User, program_id: int) -> ProgramPage:
    """Everything the program page shows: the program and focus skills, the resource bank
    (this program's items and the organization-wide ones, by kind), recognized mentors
    and the user's own enrolment."""
    program = access_program(organization=organization, user=user, program_id=program_id)
    resources = (
        # lessons are read in the mentor training (they have no page to link to)
        Resource.objects.filter(Q(program=program) | Q(program__isnull=True))
        .exclude(kind=ResourceKind.LESSON)
        .select_related("skill")
        .order_by("title", "pk")
    )
    by_kind: dict[str, list[Resource]] = {}
    for resource in resources:
        by_kind.setdefault(resource.kind, []).append(resource)
    groups = [
        ResourceGroup(label=str(_GROUP_LABELS[kind]), resources=by_kind[kind])
        for kind in _GROUP_LABELS
        if kind in by_kind
    ]
    recognitions = list(
        Recognition.objects.filter(program=program).select_related("mentor").order_by("-awarded_at")
    )
    return ProgramPage(
        program=program,
        my_enrollment=my_enrollment_in(organization=organization, user=user, program=program),
        resource_groups=groups,
        recognitions=recognitions,
    )


def program_for_application(
    *, organization: Organization, user: User, program_id: int
) -> ProgramPage:
    """The program and the user's enrolment in it, for the application forms."""
    program = access_program(organization=organization, user=user, program_id=program_id)
    return ProgramPage(
        program=program,
        my_enrollment=my_enrollment_in(organization=organization, user=user, program=program),
        resource_groups=[],
        recognitions=[],
    )


def program_focus_skills(program: Program) -> QuerySet[Skill]:
    """The program's focus skills, as a queryset for a form's choices."""
    return Skill.objects.filter(
        pk__in=ProgramSkill.objects.filter(program=program).values("skill_id")
    ).order_by("name")


def mentor_skill_choices() -> QuerySet[Skill]:
    """Catalogue skills a mentor may offer (archived ones cannot be chosen)."""
    return Skill.objects.filter(is_archived=False).order_by("name")


# ---------------------------------------------------------------- enrolments and goals


@dataclass
class ReviewPeriod:
    number: int
    due_on: date
    reviews: list[GoalReview] = field(default_factory=list)


@dataclass
class ReviewSchedule:
    """Where an enrolment stands in its goal-review rhythm today: the next review, from
    the one schedule (``programs.schedule.next_review_of``, as on the home pages)."""

    interval_months: int
    current_period: int
    current_due_on: date
    today: date

    @property
    def is_overdue(self) -> bool:
        return self.current_due_on < self.today


def mentee_reviewed_periods_of(enrollment: Enrollment) -> set[int]:
    """The periods the mentee reviewed at least one goal in, from the prefetched reviews."""
    return {
        review.period
        for goal in enrollment.goals.all()
        for review in goal.reviews.all()
        if review.author_role == EnrollmentRole.MENTEE
    }


def review_period_now(enrollment: Enrollment, today: date | None = None) -> int:
    """The goal-review period an enrolment (its program loaded) is in today, reviewed or
    not: what a rating is filed under by default. "The next review" is ``review_schedule``."""
    return review_period_on(
        goal_review_start_on(enrollment),
        enrollment.program.goal_review_interval_months,
        today or timezone.localdate(),
    )


def review_schedule(enrollment: Enrollment, today: date | None = None) -> ReviewSchedule:
    """The next goal review of an enrolment loaded by ``access_enrollment``."""
    today = today or timezone.localdate()
    period, due_on = next_review_of(enrollment, mentee_reviewed_periods_of(enrollment), today)
    return ReviewSchedule(
        interval_months=enrollment.program.goal_review_interval_months,
        current_period=period,
        current_due_on=due_on,
        today=today,
    )


def _review_periods(enrollment: Enrollment, goal: Goal) -> list[ReviewPeriod]:
    start = goal_review_start_on(enrollment)
    interval = enrollment.program.goal_review_interval_months
    periods: dict[int, ReviewPeriod] = {}
    for review in goal.reviews.all():
        if review.period not in periods:
            due_on = review_due_on(start, interval, review.period)
            periods[review.period] = ReviewPeriod(number=review.period, due_on=due_on)
        periods[review.period].reviews.append(review)
    return [periods[number] for number in sorted(periods)]


def goal_partner_filter(user: User, *, open_only: bool = False) -> Q:
    """Mentee enrolments whose goals ``user`` sees as the mentee's partner: the apps above
    answer (matching: the mentor of a mentorship with that mentee, by its one member
    rule); nobody when none answers."""
    answers = hooks.run(GOAL_PARTNERS, user=user, open_only=open_only)
    wanted = Q(pk__in=[])
    for answer in answers:
        wanted |= answer
    return wanted


def access_enrollment(*, organization: Organization, user: User, enrollment_id: int) -> Enrollment:
    """An enrolment with its skills, goals and every goal's review history
    (``goal.review_periods``), for its own person or for the mentee's mentor, or in a peer
    pair for the other partner (past pairs too, read-only: ``can_observe`` is true only
    while the pair is open); or the same 404 for anyone else, managers included: it is a
    personal page."""
    reviews = GoalReview.objects.select_related("author", "observed_by").order_by(
        "period", "created_at", "pk"
    )
    goals = Goal.objects.select_related("skill").prefetch_related(
        Prefetch("reviews", queryset=reviews)
    )
    own = Q(person__user=user)
    partner = ~own & goal_holder_filter()
    enrollment = (
        Enrollment.objects.filter(own | (partner & goal_partner_filter(user)), pk=enrollment_id)
        .annotate(
            can_observe=ExpressionWrapper(
                partner & goal_partner_filter(user, open_only=True), output_field=BooleanField()
            )
        )
        .select_related("program", "person")
        .prefetch_related(
            Prefetch(
                "skill_links",
                queryset=EnrollmentSkill.objects.select_related("skill").order_by("skill__name"),
            ),
            Prefetch("goals", queryset=goals.order_by("created_at", "pk")),
        )
        .first()
    )
    if enrollment is None or enrollment.program.status == ProgramStatus.DRAFT:
        raise Http404("No such enrolment.")
    for goal in enrollment.goals.all():
        goal.review_periods = _review_periods(enrollment, goal)  # type: ignore[attr-defined]  # for the page
    return enrollment


def access_review_to_observe(
    *, organization: Organization, user: User, review_id: int
) -> GoalReview:
    """A goal review by its goal's owner that ``user`` may add their observation to: they
    are the mentee's mentor (or the other partner of a peer pair) in an open mentorship and
    the enrolment is still active; or 404."""
    review = (
        GoalReview.objects.filter(
            Q(
                goal__enrollment__in=Enrollment.objects.filter(
                    goal_partner_filter(user, open_only=True)
                )
            ),
            goal_holder_filter("goal__enrollment__"),
            pk=review_id,
            author_role=EnrollmentRole.MENTEE,
            goal__enrollment__status__in=ACTIVE_ENROLLMENT,
        )
        .exclude(goal__enrollment__person__user=user)
        .exclude(goal__enrollment__program__status=ProgramStatus.DRAFT)
        .select_related("goal__enrollment__program", "goal__enrollment__person__user", "author")
        .first()
    )
    if review is None:
        raise Http404("No such goal review.")
    return review


def observation_version(*, organization: Organization, review_id: int) -> int:
    """The observation version stored now (after a refused, conflicting save)."""
    return (
        GoalReview.objects.filter(pk=review_id)
        .values_list("observation_version", flat=True)
        .first()
        or 0
    )


def access_own_enrollment(
    *, organization: Organization, user: User, enrollment_id: int, for_goals: bool = False
) -> Enrollment:
    """The user's own enrolment (without its goals), or 404. ``for_goals``: only an
    active enrolment that keeps goals (a mentee's, or either partner's in a peer program)."""
    enrollments = Enrollment.objects.filter(pk=enrollment_id, person__user=user)
    if for_goals:
        enrollments = enrollments.filter(goal_holder_filter(), status__in=ACTIVE_ENROLLMENT)
    enrollment = enrollments.select_related("program", "person").first()
    if enrollment is None or enrollment.program.status == ProgramStatus.DRAFT:
        raise Http404("No such enrolment.")
    return enrollment


def access_goal(*, organization: Organization, user: User, goal_id: int) -> Goal:
    """A goal of the user's own, still active, enrolment (one that keeps goals), or 404."""
    goal = (
        Goal.objects.filter(
            goal_holder_filter("enrollment__"),
            pk=goal_id,
            enrollment__person__user=user,
            enrollment__status__in=ACTIVE_ENROLLMENT,
        )
        .exclude(enrollment__program__status=ProgramStatus.DRAFT)
        .select_related("skill", "enrollment__program", "enrollment__person")
        .first()
    )
    if goal is None:
        raise Http404("No such goal.")
    return goal


def enrollments_of_member(*, organization: Organization, user: User) -> list[Enrollment]:
    """The user's enrolments, newest first, for the home page."""
    return list(
        Enrollment.objects.filter(person__user=user)
        .exclude(program__status=ProgramStatus.DRAFT)
        .select_related("program")
        .order_by("-created_at")
    )


# ---------------------------------------------------------------- checklists

LAUNCH_SECTION = "launch"


@dataclass
class ChecklistSection:
    """One checklist on the page: an enrolment's prep list, or a manager's launch list."""

    key: str
    title: str
    audience: str
    enrollment: Enrollment | None = None
    items: list[ChecklistItem] = field(default_factory=list)

    @property
    def done_count(self) -> int:
        # ``is_done`` is set on each item by checklists_for
        return sum(1 for item in self.items if item.is_done)  # type: ignore[attr-defined,misc]

    @property
    def total(self) -> int:
        return len(self.items)


def checklists_for(
    *, organization: Organization, user: User, is_manager: bool
) -> list[ChecklistSection]:
    """The user's prep checklists: one per active enrolment in a program that is not
    closed (the organization's defaults for the role plus the program's own items), and,
    for program managers, the launch checklist. Each item carries ``is_done``."""
    enrollments = list(
        Enrollment.objects.filter(person__user=user, status__in=ACTIVE_ENROLLMENT)
        .exclude(program__status__in=[ProgramStatus.DRAFT, ProgramStatus.CLOSED])
        .select_related("program")
        .order_by("program__name", "pk")
    )
    audiences = {CHECKLIST_FOR_ROLE[enrollment.role] for enrollment in enrollments}
    wanted = Q(audience__in=audiences) & (
        Q(program__isnull=True) | Q(program__in=[e.program_id for e in enrollments])
    )
    if is_manager:
        wanted |= Q(audience=ChecklistAudience.MANAGER_LAUNCH) & (
            Q(program__isnull=True)
            | Q(program__status__in=[ProgramStatus.DRAFT, *DIRECTORY_STATUSES])
        )
    items, done = [], set()
    if enrollments or is_manager:
        items = list(
            ChecklistItem.objects.filter(wanted)
            .select_related("program")
            .order_by("position", "pk")
        )
    if items:
        done = set(
            ChecklistCompletion.objects.filter(
                person__user=user, item__in=[item.pk for item in items]
            ).values_list("item_id", flat=True)
        )
    for item in items:
        item.is_done = item.pk in done  # type: ignore[attr-defined]  # for the page

    sections = []
    for enrollment in enrollments:
        audience = CHECKLIST_FOR_ROLE[enrollment.role]
        section = ChecklistSection(
            key=f"e{enrollment.pk}",
            title=f"{enrollment.program.name}: {enrollment.get_role_display().lower()}",
            audience=audience,
            enrollment=enrollment,
        )
        section.items = [
            item
            for item in items
            if item.audience == audience and item.program_id in (None, enrollment.program_id)
        ]
        sections.append(section)
    if is_manager:
        launch = ChecklistSection(
            key=LAUNCH_SECTION,
            title=gettext("Launching a program"),
            audience=ChecklistAudience.MANAGER_LAUNCH,
        )
        launch.items = [i for i in items if i.audience == ChecklistAudience.MANAGER_LAUNCH]
        sections.append(launch)
    return sections


def access_checklist_item(
    *, organization: Organization, user: User, is_manager: bool, item_id: int, section_key: str
) -> tuple[ChecklistSection, ChecklistItem]:
    """An item of one of the user's own checklists (and the section it was ticked in), or
    404: nobody ticks an item of a checklist that is not theirs."""
    sections = checklists_for(organization=organization, user=user, is_manager=is_manager)
    preferred = [s for s in sections if s.key == section_key]
    for section in preferred + sections:
        for item in section.items:
            if item.pk == item_id:
                return section, item
    raise Http404("No such checklist item.")


# ---------------------------------------------------------------- people


def member_profile(*, organization: Organization, user: User, profile_id: int) -> Profile:
    """A current member's public profile with their recognitions, or 404."""
    profile = (
        Profile.objects.filter(
            pk=profile_id,
            user__memberships__organization=organization,
            user__memberships__is_active=True,
        )
        .select_related("department")
        .prefetch_related(
            Prefetch(
                "recognitions",
                queryset=Recognition.objects.select_related("program").order_by("-awarded_at"),
            )
        )
        .first()
    )
    if profile is None:
        raise Http404("No such member.")
    return profile
