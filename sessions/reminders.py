"""The reminders of mentoring pairs, as a source of the core's dispatcher: a session
tomorrow, a pair with no check-in for its cadence (and, after twice the cadence, an alert
to the managers), a goal review due, and the managers' weekly digest.

It decides from one light row per active pair and loads and renders only the messages not
written yet, in a fixed number of queries however many pairs and sessions there are.
Goal-review periods come from the one schedule (``programs.schedule``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial

from django.db.models import Max, Min, Prefetch, Q, prefetch_related_objects
from django.utils import dateformat, timezone

from matching.models import Mentorship, MentorshipStatus
from mentoring.common.time_zones import time_zone_of
from mentoring.notifications.dispatch import Due
from mentoring.notifications.models import Kind
from mentoring.notifications.outbox import Message
from mentoring.people.models import Profile
from mentoring.tenancy.hosts import organization_link
from mentoring.tenancy.models import Membership, Organization, Role
from programs.models import Enrollment, EnrollmentStatus, GoalReview, Program, ProgramStatus
from programs.schedule import review_start_on, reviews_due_by

from .calendar_files import session_attachment
from .models import AgendaItem, Prompt, PromptPhase, Session, SessionStatus
from .selectors.at_risk import Activity

REMINDER_AHEAD = timedelta(hours=24)
DIGEST_PROGRAM_STATUSES = (ProgramStatus.RUNNING, ProgramStatus.MATCHING)


def local(moment, person: Profile):
    return timezone.localtime(moment, time_zone_of(person.time_zone))


@dataclass(frozen=True)
class Pair:
    """An active mentorship as the dispatcher decides about it: one light row."""

    pk: int
    program_id: int
    program_status: str
    mentee_id: int  # the mentee's enrolment, which goal reviews hang from
    people: tuple[int, int]  # the mentee's and the mentor's profile ids
    started_on: date
    cadence_days: int
    interval_months: int
    reviews_from: date  # programs.schedule.review_start_on of the mentee's enrolment
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

    def period(self, today: date) -> int:
        """How many goal reviews have fallen due (0: none yet)."""
        return reviews_due_by(self.reviews_from, self.interval_months, today)


def _pairs(now: datetime) -> list[Pair]:
    rows = (
        Mentorship.objects.filter(status=MentorshipStatus.ACTIVE)
        .order_by("-started_on", "pk")
        .values_list(
            "pk",
            "program_id",
            "program__status",
            "mentee_id",
            "mentee__person_id",
            "mentor__person_id",
            "started_on",
            "program__checkin_cadence_days",
            "program__goal_review_interval_months",
            "program__starts_on",
            "mentee__decided_at",
        )
        .annotate(
            last_held=Max("sessions__starts_at", filter=Q(sessions__status=SessionStatus.HELD)),
            next_planned=Min(
                "sessions__starts_at",
                filter=Q(sessions__status=SessionStatus.PLANNED, sessions__starts_at__gt=now),
            ),
        )
    )
    return [
        Pair(
            pk,
            program,
            status,
            mentee,
            (mentee_person, mentor_person),
            started_on,
            cadence,
            interval,
            review_start_on(starts_on, decided_at.date() if decided_at else None),
            last_held,
            next_planned,
        )
        for (
            pk,
            program,
            status,
            mentee,
            mentee_person,
            mentor_person,
            started_on,
            cadence,
            interval,
            starts_on,
            decided_at,
            last_held,
            next_planned,
        ) in rows
    ]


def _managers() -> list[Profile]:
    managers = Membership.objects.filter(role=Role.MANAGER, is_active=True).values("user_id")
    return list(Profile.objects.filter(user_id__in=managers).select_related("user"))


def _sessions_ahead(now) -> list[Session]:
    return list(
        Session.objects.filter(
            status=SessionStatus.PLANNED,
            starts_at__gt=now,
            starts_at__lte=now + REMINDER_AHEAD,
            mentorship__status=MentorshipStatus.ACTIVE,
        ).select_related("mentorship__mentee__person__user", "mentorship__mentor__person__user")
    )


def reminders_due(sessions: list[Session]) -> list[Due]:
    """24 hours ahead, each person once per session and start time (a rescheduled session
    is reminded of again)."""
    return [
        Due(
            Kind.SESSION_REMINDER,
            f"session-reminder:{session.pk}:{session.starts_at.isoformat()}:{person_id}",
            person_id,
            session,
        )
        for session in sessions
        for person_id in (session.mentorship.mentee.person_id, session.mentorship.mentor.person_id)
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
    """Exactly one nudge per person, mentorship and review period."""
    due = []
    for pair in pairs:
        period = pair.period(today)
        if period >= 1:
            due += [
                Due(
                    Kind.GOAL_REVIEW,
                    f"goal-review:{pair.pk}:{period}:{person_id}",
                    person_id,
                    pair,
                    period,
                )
                for person_id in pair.people
            ]
    return due


def digests_due(pairs: list[Pair], managers: list[Profile], today: date) -> list[Due]:
    """Once per ISO week, program (with active pairs) and manager."""
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


@dataclass
class _Render:
    """What the messages still to write need, loaded once for all of them."""

    organization: Organization
    today: date
    pairs: list[Pair]
    managers: list[Profile]
    mentorships: dict[int, Mentorship] = field(default_factory=dict)
    prompts: list[Prompt] = field(default_factory=list)
    digests: dict[int, dict] = field(default_factory=dict)
    invites: dict[int, dict] = field(default_factory=dict)

    def load(self, missing: list[Due]) -> None:
        kinds = {due.kind for due in missing}
        pair_ids = {due.about.pk for due in missing if isinstance(due.about, Pair)}
        if pair_ids:
            self.mentorships = Mentorship.objects.select_related(
                "program", "mentee__person__user", "mentor__person__user"
            ).in_bulk(pair_ids)
        sessions = [due.about for due in missing if due.kind == Kind.SESSION_REMINDER]
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
        """Pairs at risk, reviews overdue, applications waiting, per program."""
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
            period = pair.period(self.today)
            if period >= 1 and (pair.mentee_id, period) not in reviewed:
                row["overdue"] += 1
        return rows

    def person(self, profile_id: int, about) -> Profile:
        if isinstance(about, Session | Pair):
            mentorship = about.mentorship if isinstance(about, Session) else self.mentorship(about)
            for person in (mentorship.mentee.person, mentorship.mentor.person):
                if person.pk == profile_id:
                    return person
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
            mentee, mentor = session.mentorship.mentee.person, session.mentorship.mentor.person
            starts = local(session.starts_at, person)
            return Message(
                **base,
                template="session_reminder",
                context={
                    "session": session,
                    "other": mentor if person.pk == mentee.pk else mentee,
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
                    "since": due.about.since,
                    "admin_url": link("admin:matching_mentorship_change", object_id=mentorship.pk),
                },
            )
        else:
            template, context = (
                "goal_review",
                {
                    "mentorship": mentorship,
                    "period": due.period,
                    "review_url": link(
                        "programs:enrollment", anchor="goals", enrollment_id=mentorship.mentee_id
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
