"""An approved mentorship (a matched cohort's first pair) and what its two people do
through the real services: schedule a session, give feedback, rate a skill; and running
pairs made directly, for figures over many people."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from feedback import services as feedback
from feedback.models import Feedback, SkillRating
from matching import services as matching
from matching.models import Mentorship
from mentoring.tenancy import activate
from programs.models import CrossFunctional, Enrollment, Program, ProgramStatus, Skill
from sessions import services as sessions
from sessions.models import Session

from .cohort import make_cohort
from .world import Org, add_member, make_program, make_user

# Feedback with all four parts (specificity 4).
GOOD = {
    "situation": "In Tuesday's planning meeting, when the budget came up",
    "behaviour": "you summarized Priya's concern in one sentence before you gave your view",
    "impact": "so she relaxed and added two details nobody had heard",
    "suggestion": "Next time, try the same with the quietest person in the room",
}
# Feedback with none of them (specificity 0).
VAGUE = {"situation": "Lately", "behaviour": "Great job!", "impact": "", "suggestion": ""}


@dataclass
class Pair:
    org: Org
    mentorship: Mentorship
    mentee: object
    mentor: object


def make_pair(org: Org) -> Pair:
    """An approved mentorship of ``org`` with its mentee and mentor users."""
    cohort = make_cohort(org, cross_functional=CrossFunctional.OFF)
    with activate(org.organization):
        run = matching.match_run_start(
            organization=org.organization, actor=org.manager, program=cohort.program
        )
        matching.match_run_approve(organization=org.organization, actor=org.manager, run=run)
        mentorship = Mentorship.objects.select_related(
            "program", "mentee__person__user", "mentor__person__user"
        ).first()
    return Pair(org, mentorship, mentorship.mentee.person.user, mentorship.mentor.person.user)


def tomorrow() -> datetime:
    return timezone.now() + timedelta(days=1)


def schedule(pair: Pair, actor=None, *, at: datetime | None = None, **kwargs) -> Session:
    """A session of the pair, scheduled by ``actor`` (the mentee) for tomorrow; ``at`` then
    moves it in the database (into the past, where the service would refuse it). Sessions
    planned for a test may overlap unless it passes ``allow_overlap=False`` (the warning
    itself: tests/sessions/test_invitations.py)."""
    kwargs.setdefault("allow_overlap", True)
    with activate(pair.org.organization):
        session = sessions.session_schedule(
            organization=pair.org.organization,
            actor=actor or pair.mentee,
            mentorship=pair.mentorship,
            starts_at=kwargs.pop("starts_at", tomorrow()),
            **kwargs,
        )
        if at is not None:
            Session.objects.filter(pk=session.pk).update(starts_at=at)
            session.refresh_from_db()
    return session


def focus_skill(pair: Pair) -> Skill:
    """The mentee's (first) focus skill."""
    with activate(pair.org.organization):
        return pair.mentorship.mentee.skill_links.select_related("skill").first().skill


def feedback_url(name: str, pair: Pair, **kwargs) -> str:
    """The address of the pair's feedback page ``name`` (``new``, ``received``, ...)."""
    return reverse(f"feedback:{name}", kwargs={"mentorship_id": pair.mentorship.pk, **kwargs})


def give(pair: Pair, actor=None, skill=None, **overrides) -> Feedback:
    """``GOOD`` feedback ("keep") from ``actor`` (the mentor) on the focus skill."""
    with activate(pair.org.organization):
        return feedback.feedback_give(
            organization=pair.org.organization,
            actor=actor or pair.mentor,
            mentorship=pair.mentorship,
            skill=skill or focus_skill(pair),
            kind=overrides.pop("kind", "keep"),
            **{**GOOD, **overrides},
        )


def rate(pair: Pair, actor, level: int, moment="start", period=0) -> SkillRating:
    """``actor``'s rating of the mentee's focus skill."""
    with activate(pair.org.organization):
        return feedback.skill_rating_add(
            organization=pair.org.organization,
            actor=actor,
            mentorship=pair.mentorship,
            skill=focus_skill(pair),
            level=level,
            moment=moment,
            period=period,
        )


@dataclass
class RunningPairs:
    """A running program of its own with pairs made directly (no matching run)."""

    org: Org
    program: Program
    mentorships: list

    def users(self, role: str) -> list:
        return [getattr(m, role).person.user for m in self.mentorships]


_pair_numbers = itertools.count()


def running_pairs(org: Org, pairs: int) -> RunningPairs:
    """A running program of ``org`` with ``pairs`` mentorships, each with its own mentor."""
    program = make_program(org, status=ProgramStatus.RUNNING)
    organization = org.organization
    mentorships = []
    for _ in range(pairs):
        number = next(_pair_numbers)
        people = {}
        for role in ("mentee", "mentor"):
            user = make_user(f"{role}-r{number}@{organization.slug}.example")
            profile = add_member(organization, user, name=f"Respondent {role} {number}")
            with activate(organization):
                people[role] = Enrollment.objects.create(
                    organization=organization,
                    program=program,
                    person=profile,
                    role=role,
                    status="approved",
                    capacity=1 if role == "mentor" else None,
                )
        with activate(organization):
            mentorship = Mentorship.objects.create(
                organization=organization,
                program=program,
                mentee=people["mentee"],
                mentor=people["mentor"],
                started_on=date.today() - timedelta(days=10),
                ends_on=date.today() + timedelta(days=200),
            )
            mentorships.append(
                Mentorship.objects.select_related(
                    "program", "mentee__person__user", "mentor__person__user"
                ).get(pk=mentorship.pk)
            )
    return RunningPairs(org, program, mentorships)
