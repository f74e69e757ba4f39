"""The reminders of mentoring pairs and circles, as a source of the core's dispatcher: a
session tomorrow, a pair or circle with no check-in for its cadence (and, after twice the
cadence, an alert to the managers), a goal review due, and the managers' weekly digest.

Everyone who receives one is a member of the mentorship (``MentorshipMember``, the one rule
of ``matching.access``): both people of a pair, every member of a circle, each once (the
dedupe keys end with the person). Goal reviews reach the people who keep goals (mentees;
both partners of a peer pair), each about their own goals, and a pair's mentor about the
mentee's; a circle's mentors follow their mentees' reviews on the circle's pages instead.

It decides from one light row per active mentorship and loads and renders only the
messages not written yet, in a fixed number of queries however many pairs, circles and
sessions there are. Goal-review periods come from the one schedule (``programs.schedule``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial

from django.db.models import Max, Min, Prefetch, Q, prefetch_related_objects
from django.utils import dateformat, timezone

from matching.access import MentorshipRow, circle_members, names_sentence, side_of
from matching.models import Mentorship, MentorshipMember, MentorshipStatus
from mentoring.common.time_zones import time_zone_of
from mentoring.notifications.dispatch import Due
from mentoring.notifications.models import Kind
from mentoring.notifications.outbox import Message
from mentoring.people.models import Profile
from mentoring.tenancy.hosts import organization_link
from mentoring.tenancy.models import Membership, Organization, Role
from programs.models import (
    Enrollment,
    EnrollmentRole,
    EnrollmentStatus,
    GoalReview,
    Program,
    ProgramFormat,
    ProgramStatus,
)
from programs.schedule import review_start_on, reviews_due_by
from programs.services.goals import MUTUAL_FORMATS

from .calendar_files import session_attachment
from .models import AgendaItem, Prompt, PromptPhase, Session, SessionStatus
from .selectors.at_risk import Activity

REMINDER_AHEAD = timedelta(hours=24)
DIGEST_PROGRAM_STATUSES = (ProgramStatus.RUNNING, ProgramStatus.MATCHING)


def local(moment, person: Profile):
    return timezone.localtime(moment, time_zone_of(person.time_zone))


@dataclass(frozen=True)
class GoalHolder:
    """A member who keeps goals (a mentee; either partner of a peer pair)."""

    person_id: int
    enrollment_id: int  # which goal reviews hang from
    reviews_from: date  # programs.schedule.review_start_on of the enrolment


@dataclass(frozen=True)
class Pair:
    """An active mentorship (a pair or a circle) as the dispatcher decides about it: one
    light row."""

    pk: int
    program_id: int
    program_status: str
    is_circle: bool
    people: tuple[int, ...]  # every member's profile id, mentees first
    holders: tuple[GoalHolder, ...]  # the members who keep goals, mentees first
    started_on: date
    cadence_days: int
    interval_months: int
    last_held: datetime | None
    next_planned: datetime | None  # the next planned session after the dispatcher's now

    @property
    def activity(self) -> Activity:
        """The pair as the one at-risk rule (``selectors.at_risk``) sees it."""
        return Activity(
            MentorshipStatus.ACTIVE,
            self.started_on,
            self.cadence_days,
            self.last_held,
            self.next_planned,
        )

    @property
    def since(self) -> date:
        """The check-in clock runs from the last held session, or from the start."""
        return self.activity.quiet_since()

    def cadences(self, today: date) -> int:
        """Whole cadences without a check-in; 0 while a session is planned ahead."""
        return self.activity.quiet_cadences(today)

    def period(self, today: date, holder: GoalHolder) -> int:
        """How many goal reviews of ``holder`` have fallen due (0: none yet)."""
        return reviews_due_by(holder.reviews_from, self.interval_months, today)

    def goals_of(self, person_id: int) -> GoalHolder | None:
        """Whose goal reviews the person is nudged about: their own when they keep goals;
        a pair's mentor, the mentee's; a circle's mentors, none."""
        for holder in self.holders:
            if holder.person_id == person_id:
                return holder
        if self.is_circle or not self.holders:
            return None
        return self.holders[0]


def _members() -> dict[int, list]:
    """{mentorship id: [(person, enrolment, role, decided_at)]} of the active mentorships,
    mentees first, in the order they joined."""
    members: dict[int, list] = {}
    rows = (
        MentorshipMember.objects.filter(mentorship__status=MentorshipStatus.ACTIVE)
        .order_by("mentorship_id", "role", "pk")
        .values_list(
            "mentorship_id", "person_id", "enrollment_id", "role", "enrollment__decided_at"
        )
    )
    for mentorship_id, *member in rows:
        members.setdefault(mentorship_id, []).append(member)
    return members


def _pairs(now: datetime) -> list[Pair]:
    rows = list(
        Mentorship.objects.filter(status=MentorshipStatus.ACTIVE)
        .order_by("-started_on", "pk")
        .values_list(
            "pk",
            "program_id",
            "program__status",
            "program__format",
            "started_on",
            "program__checkin_cadence_days",
            "program__goal_review_interval_months",
            "program__starts_on",
        )
        .annotate(
            last_held=Max("sessions__starts_at", filter=Q(sessions__status=SessionStatus.HELD)),
            next_planned=Min(
                "sessions__starts_at",
                filter=Q(sessions__status=SessionStatus.PLANNED, sessions__starts_at__gt=now),
            ),
        )
    )
    members = _members()
    pairs = []
    for (
        pk,
        program,
        status,
        program_format,
        started_on,
        cadence,
        interval,
        starts_on,
        last_held,
        next_planned,
    ) in rows:
        people = members.get(pk, [])
        mutual = program_format in MUTUAL_FORMATS
        holders = tuple(
            GoalHolder(
                person,
                enrollment,
                review_start_on(starts_on, decided_at.date() if decided_at else None),
            )
            for person, enrollment, role, decided_at in people
            if role == EnrollmentRole.MENTEE or mutual
        )
        pairs.append(
            Pair(
                pk,
                program,
                status,
                program_format == ProgramFormat.CIRCLE,
                tuple(person for person, *_ in people),
                holders,
                started_on,
                cadence,
                interval,
                last_held,
                next_planned,
            )
        )
    return pairs


def _managers() -> list[Profile]:
    managers = Membership.objects.filter(role=Role.MANAGER, is_active=True).values("user_id")
    return list(Profile.objects.filter(user_id__in=managers).select_related("user"))


def _members_prefetch(lookup: str) -> Prefetch:
    """The members of mentorships with their people and users, mentees first."""
    return Prefetch(
        lookup, MentorshipMember.objects.select_related("person__user").order_by("role", "pk")
    )


def _sessions_ahead(now) -> list[Session]:
    return list(
        Session.objects.filter(
            status=SessionStatus.PLANNED,
            starts_at__gt=now,
            starts_at__lte=now + REMINDER_AHEAD,
            mentorship__status=MentorshipStatus.ACTIVE,
        )
        .select_related(
            "mentorship__program",
            "mentorship__focus_skill",
            "mentorship__mentee__person__user",
            "mentorship__mentor__person__user",
        )
        .prefetch_related(_members_prefetch("mentorship__members"))
    )


def reminders_due(sessions: list[Session]) -> list[Due]:
    """24 hours ahead, each member once per session and start time (a rescheduled session
    is reminded of again)."""
    return [
        Due(
            Kind.SESSION_REMINDER,
            f"session-reminder:{session.pk}:{session.starts_at.isoformat()}:{member.person_id}",
            member.person_id,
            session,
        )
        for session in sessions
        for member in session.mentorship.members.all()
    ]


def checkins_due(pairs: list[Pair], managers: list[Profile], today: date) -> list[Due]:
    """A pair at risk (no held session within its cadence and none planned ahead:
    ``selectors.at_risk``) is nudged once; after twice the cadence, the program managers
    hear about it once."""
    due = []
    for pair in pairs:
        cadences = pair.cadences(today)
        since = pair.since.isoformat()
        if cadences >= 1:
            due += [
                Due(Kind.CHECKIN_NUDGE, f"checkin:{pair.pk}:{since}:{person_id}", person_id, pair)
                for person_id in pair.people
            ]
        if cadences >= 2:
            due += [
                Due(Kind.PAIR_AT_RISK, f"at-risk:{pair.pk}:{since}:{manager.pk}", manager.pk, pair)
                for manager in managers
            ]
    return due


def goal_reviews_due(pairs: list[Pair], today: date) -> list[Due]:
    """Exactly one nudge per person, mentorship and review period (``Pair.goals_of``: whose
    goals, and so which period)."""
    due = []
    for pair in pairs:
        for person_id in pair.people:
            holder = pair.goals_of(person_id)
            if holder is None:
                continue
            period = pair.period(today, holder)
            if period >= 1:
                due.append(
                    Due(
                        Kind.GOAL_REVIEW,
                        f"goal-review:{pair.pk}:{period}:{person_id}",
                        person_id,
                        pair,
                        period,
                    )
                )
    return due


def digests_due(pairs: list[Pair], managers: list[Profile], today: date) -> list[Due]:
    """Once per ISO week, program (with active pairs or circles) and manager."""
    year, week, _ = today.isocalendar()
    programs = {pair.program_id: pair.program_status for pair in pairs}
    return [
        Due(
            Kind.MANAGER_DIGEST,
            f"digest:{program_id}:{year}-W{week:02d}:{manager.pk}",
            manager.pk,
            program_id,
        )
        for program_id, status in programs.items()
        if status in DIGEST_PROGRAM_STATUSES
        for manager in managers
    ]


@dataclass(frozen=True)
class _Names:
    """The others of a circle, where an email names "the other person" (``other``)."""

    display_name: str


def _others(side: MentorshipRow) -> dict:
    """Who the recipient works with, for the emails: ``other`` (the other person of a pair;
    a circle's others by name) and ``other_names`` ("Ana, Ben and Cleo")."""
    names = side.other_names
    return {
        "other": _Names(names) if side.is_circle else side.other,
        "others": side.others,
        "other_names": names,
        "is_circle": side.is_circle,
    }


@dataclass
class _Render:
    """What the messages still to write need, loaded once for all of them."""

    organization: Organization
    today: date
    pairs: list[Pair]
    managers: list[Profile]
    mentorships: dict[int, Mentorship] = field(default_factory=dict)
    people: dict[int, Profile] = field(default_factory=dict)  # the members, by profile id
    prompts: list[Prompt] = field(default_factory=list)
    digests: dict[int, dict] = field(default_factory=dict)
    invites: dict[int, dict] = field(default_factory=dict)

    def load(self, missing: list[Due]) -> None:
        kinds = {due.kind for due in missing}
        pair_ids = {due.about.pk for due in missing if isinstance(due.about, Pair)}
        if pair_ids:
            self.mentorships = (
                Mentorship.objects.select_related(
                    "program", "focus_skill", "mentee__person__user", "mentor__person__user"
                )
                .prefetch_related(_members_prefetch("members"))
                .in_bulk(pair_ids)
            )
        sessions = [due.about for due in missing if due.kind == Kind.SESSION_REMINDER]
        for mentorship in [*self.mentorships.values(), *(s.mentorship for s in sessions)]:
            self.people.update((m.person_id, m.person) for m in mentorship.members.all())
        prefetch_related_objects(
            sessions, Prefetch("agenda", AgendaItem.objects.order_by("position", "pk"))
        )
        if Kind.CHECKIN_NUDGE in kinds:
            self.prompts = list(
                Prompt.objects.filter(
                    is_active=True, phase=PromptPhase.CHECK_IN, skill__isnull=True
                )[:2]
            )
        programs = {due.about for due in missing if due.kind == Kind.MANAGER_DIGEST}
        if programs:
            self.digests = self._digests(programs)

    def _digests(self, program_ids: set[int]) -> dict[int, dict]:
        """Pairs and circles at risk, reviews overdue (one per person who keeps goals),
        applications waiting, per program."""
        waiting = Counter(
            Enrollment.objects.filter(
                status=EnrollmentStatus.APPLIED, program_id__in=program_ids
            ).values_list("program_id", flat=True)
        )
        reviewed = set(
            GoalReview.objects.filter(goal__enrollment__program_id__in=program_ids).values_list(
                "goal__enrollment_id", "period"
            )
        )
        rows = {
            program.pk: {"program": program, "at_risk": 0, "overdue": 0, "waiting": waiting[pk]}
            for pk, program in Program.objects.in_bulk(program_ids).items()
        }
        for pair in self.pairs:
            if (row := rows.get(pair.program_id)) is None:
                continue
            if pair.activity.is_at_risk(self.today):
                row["at_risk"] += 1
            for holder in pair.holders:
                period = pair.period(self.today, holder)
                if period >= 1 and (holder.enrollment_id, period) not in reviewed:
                    row["overdue"] += 1
        return rows

    def person(self, profile_id: int, about) -> Profile:
        if isinstance(about, Session | Pair) and profile_id in self.people:
            return self.people[profile_id]
        return next(manager for manager in self.managers if manager.pk == profile_id)

    def mentorship(self, pair: Pair) -> Mentorship:
        return self.mentorships[pair.pk]

    def invite(self, session: Session) -> dict:
        if session.pk not in self.invites:
            self.invites[session.pk] = session_attachment(
                self.organization, session, [item.text for item in session.agenda.all()]
            )
        return self.invites[session.pk]

    def message(self, due: Due) -> Message:
        person = self.person(due.recipient, due.about)
        link = partial(organization_link, self.organization)
        base = {"kind": due.kind, "dedupe_key": due.key, "recipient": person}
        if due.kind == Kind.SESSION_REMINDER:
            session = due.about
            side = side_of(session.mentorship, person.user)
            starts = local(session.starts_at, person)
            return Message(
                **base,
                template="session_reminder",
                context={
                    "session": session,
                    **_others(side),
                    "starts_day": dateformat.format(starts, "l j F"),
                    "starts_time": dateformat.format(starts, "H:i"),
                    "agenda": list(session.agenda.all()),
                    "session_url": link("sessions:session", session_id=session.pk),
                },
                attachments=[self.invite(session)],
            )
        if due.kind == Kind.MANAGER_DIGEST:
            return Message(
                **base,
                template="manager_digest",
                context={**self.digests[due.about], "admin_url": link("admin:index")},
            )
        mentorship = self.mentorship(due.about)
        if due.kind == Kind.CHECKIN_NUDGE:
            template, context = (
                "checkin_nudge",
                {
                    "mentorship": mentorship,
                    **_others(side_of(mentorship, person.user)),
                    "since": due.about.since,
                    "prompts": self.prompts,
                    "mentorship_url": link("matching:mentorship", mentorship_id=mentorship.pk),
                },
            )
        elif due.kind == Kind.PAIR_AT_RISK:
            template, context = (
                "pair_at_risk",
                {
                    "mentorship": mentorship,
                    "is_circle": due.about.is_circle,
                    "member_names": names_sentence(
                        [m.person.display_name for m in circle_members(mentorship)]
                    ),
                    "since": due.about.since,
                    "admin_url": link("admin:matching_mentorship_change", object_id=mentorship.pk),
                },
            )
        else:
            holder = due.about.goals_of(person.pk)
            assert holder is not None  # goal_reviews_due nudges goal holders and followers only
            template, context = (
                "goal_review",
                {
                    "mentorship": mentorship,
                    "period": due.period,
                    "holder": self.people[holder.person_id],
                    "is_own": holder.person_id == person.pk,
                    "review_url": link(
                        "programs:enrollment", anchor="goals", enrollment_id=holder.enrollment_id
                    ),
                },
            )
        return Message(**base, template=template, context=context)


class PairReminders:
    """The dispatcher's source for one organization and pass (``hooks.REMINDER_SOURCES``)."""

    def __init__(self, organization: Organization, now: datetime) -> None:
        self.organization, self.now, self.today = organization, now, now.date()
        self.pairs = _pairs(now)
        self.managers = _managers()

    def due(self) -> list[Due]:
        return [
            *reminders_due(_sessions_ahead(self.now)),
            *checkins_due(self.pairs, self.managers, self.today),
            *goal_reviews_due(self.pairs, self.today),
            *digests_due(self.pairs, self.managers, self.today),
        ]

    def messages(self, missing: list[Due]) -> list[Message]:
        render = _Render(self.organization, self.today, self.pairs, self.managers)
        render.load(missing)
        return [render.message(due) for due in missing]
