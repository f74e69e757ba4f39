"""The mentee's and the mentor's parts of the home page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Prefetch,
    prefetch_related_objects,
)
from django.utils.translation import gettext

from matching.access import MentorshipRow, circle_members, person_filter
from matching.models import OPEN_MENTORSHIP, Mentorship, MentorshipMember
from mentoring.people.models import Profile
from programs.models import (
    Enrollment,
    EnrollmentRole,
    EnrollmentStatus,
    Goal,
    GoalStatus,
    ProgramStatus,
)
from sessions.models import ActionItem, AgendaItem, Session, SessionStatus

from .clock import (
    TO_LOG_PER_PAIR,
    UPCOMING_PER_PAIR,
    ChecklistProgress,
    Clock,
    MonthlyChart,
    ReviewDue,
    chart,
    held_per_month,
    last_held_at,
    mentee_reviewed_periods,
    next_review,
)


@dataclass
class MenteePair:
    mentorship: Mentorship
    next_session: Session | None


@dataclass
class GoalsOfEnrollment:
    enrollment: Enrollment
    goals: list[Goal]
    review: ReviewDue


@dataclass
class MenteeDashboard:
    pairs: list[MenteePair]
    experiments: list[ActionItem]
    enrollments: list[GoalsOfEnrollment]
    checklist: ChecklistProgress | None
    chart: MonthlyChart

    @property
    def next_review(self) -> ReviewDue | None:
        reviews = [entry.review for entry in self.enrollments if entry.goals]
        return min(reviews, key=lambda review: review.due_on, default=None)


@dataclass
class MentorDashboard:
    mentorships: list[Mentorship]
    upcoming: list[Session]
    to_log: list[Session]
    awaiting_reflection: list[ActionItem]
    checklist: ChecklistProgress | None


def my_open_pairs(profile: Profile, clock: Clock) -> list[Mentorship]:
    """The person's open mentorships (pairs and circles: the one member rule), either side,
    with both people, the last held session (``last_held_at``), the next planned ones
    (``upcoming_sessions``) and the planned ones whose time has passed
    (``sessions_to_log``). Each carries ``side``, the person's row (``matching.access``):
    a circle's members are read for circles only, in one query."""
    planned = Session.objects.filter(status=SessionStatus.PLANNED).order_by("starts_at", "pk")
    pairs: list[Mentorship] = list(
        Mentorship.objects.filter(OPEN_MENTORSHIP)
        .filter(person_filter(profile))
        .select_related(
            "program", "focus_skill", "mentee__person", "mentee__program", "mentor__person"
        )
        .annotate(last_held_at=last_held_at())
        .prefetch_related(
            Prefetch(
                "sessions",
                queryset=planned.filter(starts_at__gte=clock.now)[:UPCOMING_PER_PAIR],
                to_attr="upcoming_sessions",
            ),
            Prefetch(
                "sessions",
                queryset=planned.filter(starts_at__lt=clock.now)[:TO_LOG_PER_PAIR],
                to_attr="sessions_to_log",
            ),
        )
        .order_by("-started_on", "pk")
    )
    circles = [pair for pair in pairs if pair.program.is_circle]
    if circles:
        prefetch_related_objects(
            circles, Prefetch("members", MentorshipMember.objects.select_related("person"))
        )
    for pair in pairs:
        pair.side = side_of_person(pair, profile)  # type: ignore[attr-defined]
    return pairs


def side(pair: Mentorship) -> MentorshipRow:
    """The person's row of a mentorship of ``my_open_pairs``."""
    return pair.side  # type: ignore[attr-defined]


def side_of_person(pair: Mentorship, profile: Profile) -> MentorshipRow:
    """``matching.access.side_of`` by profile (the home page has the profile, not always
    its user loaded): a circle's row from its prefetched members."""
    if not pair.program.is_circle:
        return MentorshipRow(mentorship=pair, is_mentee=pair.mentee.person_id == profile.pk)
    members = circle_members(pair)
    mine = next(m for m in members if m.person_id == profile.pk)
    return MentorshipRow(
        mentorship=pair,
        is_mentee=mine.role == EnrollmentRole.MENTEE,
        members=members,
        person_id=profile.pk,
    )


def active_mentee_enrollments(profile: Profile) -> list[Enrollment]:
    """The person's mentee enrolments that are applied or approved, in programs under way,
    with their goals (those set aside left out)."""
    return list(
        Enrollment.objects.filter(
            person=profile,
            role=EnrollmentRole.MENTEE,
            status__in=(EnrollmentStatus.APPLIED, EnrollmentStatus.APPROVED),
        )
        .exclude(program__status__in=(ProgramStatus.DRAFT, ProgramStatus.CLOSED))
        .select_related("program")
        .prefetch_related(
            Prefetch(
                "goals",
                queryset=Goal.objects.exclude(status=GoalStatus.DROPPED)
                .select_related("skill")
                .order_by("created_at", "pk"),
            )
        )
        .order_by("program__name", "pk")
    )


def waiting_mentor_enrollments(profile: Profile, as_mentor: list[Mentorship]) -> list[Enrollment]:
    """The person's mentor enrolments, applied or approved, in programs under way, where
    they have no open mentorship yet: they wait for approval or for matching."""
    matched_programs = {pair.program_id for pair in as_mentor}
    return [
        enrollment
        for enrollment in Enrollment.objects.filter(
            person=profile,
            role=EnrollmentRole.MENTOR,
            status__in=(EnrollmentStatus.APPLIED, EnrollmentStatus.APPROVED),
        )
        .exclude(program__status__in=(ProgramStatus.DRAFT, ProgramStatus.CLOSED))
        .select_related("program")
        .order_by("program__name", "pk")
        if enrollment.program_id not in matched_programs
    ]


def _mark_overdue(items, today: date):
    for item in items:
        item.is_overdue = item.due_on < today
    return items


def mentee_dashboard(
    profile, pairs, enrollments, experiments, checklist, clock: Clock
) -> MenteeDashboard:
    reviewed = mentee_reviewed_periods([enrollment.pk for enrollment in enrollments])
    next_sessions = [pair.upcoming_sessions[0] for pair in pairs if pair.upcoming_sessions]
    prefetch_related_objects(
        next_sessions, Prefetch("agenda", queryset=AgendaItem.objects.order_by("position", "pk"))
    )
    held = held_per_month(
        Session.objects.filter(
            mentorship__members__person=profile, mentorship__members__role=EnrollmentRole.MENTEE
        ),
        clock,
    )
    return MenteeDashboard(
        pairs=[
            MenteePair(
                mentorship=pair,
                next_session=pair.upcoming_sessions[0] if pair.upcoming_sessions else None,
            )
            for pair in pairs
        ],
        experiments=_mark_overdue(experiments, clock.today),
        enrollments=[
            GoalsOfEnrollment(
                enrollment=enrollment,
                goals=list(enrollment.goals.all()),
                review=next_review(enrollment, reviewed.get(enrollment.pk, set()), clock.today),
            )
            for enrollment in enrollments
        ],
        checklist=checklist,
        chart=chart("mine", gettext("Sessions held per month"), held, None, clock),
    )


def mentor_dashboard(pairs, experiments, checklist, clock: Clock) -> MentorDashboard:
    upcoming = sorted(
        (session for pair in pairs for session in pair.upcoming_sessions),
        key=lambda session: (session.starts_at, session.pk),
    )
    to_log = sorted(
        (session for pair in pairs for session in pair.sessions_to_log),
        key=lambda session: (session.starts_at, session.pk),
    )
    by_pk = {pair.pk: pair for pair in pairs}
    for session in (*upcoming, *to_log):
        session.mentorship = by_pk[session.mentorship_id]  # the pair is already loaded
    # the mentee's next goal review, from the one schedule (as on their home and enrolment);
    # a circle's mentees each have theirs, shown on the circle's page
    reviewed = mentee_reviewed_periods([pair.mentee_id for pair in pairs])
    for pair in pairs:
        pair.next_session = pair.upcoming_sessions[0] if pair.upcoming_sessions else None
        pair.next_review = (
            None
            if side(pair).is_circle
            else next_review(pair.mentee, reviewed.get(pair.mentee_id, set()), clock.today)
        )
    return MentorDashboard(
        mentorships=pairs,
        upcoming=upcoming,
        to_log=to_log,
        awaiting_reflection=_mark_overdue(experiments, clock.today),
        checklist=checklist,
    )
