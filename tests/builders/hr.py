"""Rows for the HR API tests. Each organization gets ``n`` extra programs, each with its
people enrolled, a mentorship per mentee, sessions, goals, reviews, ratings, feedback and
survey answers (stored 150 days ago, in a released pulse period), so that every list has
more rows than a small page; and API keys."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from feedback.models import SurveyResponse
from matching.models import Mentorship
from mentoring.api.keys import api_key_create
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from programs.models import EnrollmentSkill, ProgramSkill, Skill

from .history import approved, mentorship_history, running_program

# Put into every text HR must never see; no API response may contain it.
PRIVATE = "PRIVATE-TEXT-7f3a"
FORMULA = "=cmd|' /C calc'!A0"
_program_numbers = itertools.count()

# Each mentee's ratings: self and mentor, at the start and at the first review.
RATINGS = (
    ("self", "start", 2),
    ("mentor", "start", 1),
    ("self", "review", 4),
    ("mentor", "review", 3),
)
ANSWERS = (
    ("program", "mentee", {"useful": 4, "recommend": 9}),
    ("program", "mentor", {"useful": 4, "recommend": 9}),
    ("pulse", "mentee", {"useful": 5, "candid": 4}),
    ("pulse", "mentor", {"useful": 5, "candid": 4}),
)


def allow_individual_progress(*orgs) -> None:
    """Let HR see each mentee's progress in ``orgs`` (off by default)."""
    for org in orgs:
        org.organization.hr_sees_individual_progress = True
        org.organization.save(update_fields=["hr_sees_individual_progress"])


def new_key(org, **fields) -> str:
    """The secret of a new HR API key of ``org``."""
    with activate(org.organization):
        return api_key_create(organization=org.organization, name="Warehouse", **fields)[1]


@dataclass
class Filled:
    org: object
    programs: list = field(default_factory=list)
    enrolments: list = field(default_factory=list)
    mentorships: list = field(default_factory=list)
    sessions: list = field(default_factory=list)
    goals: list = field(default_factory=list)
    reviews: list = field(default_factory=list)
    skills: list = field(default_factory=list)


def fill(org, n: int = 7, *, private: str = PRIVATE) -> Filled:
    """``n`` running programs of ``org``, every person of it enrolled in each (mentors as
    mentors, the others as mentees), one mentorship per mentee, and around them every
    kind of row the API reads, with ``private`` in each private text."""
    organization = org.organization
    now = timezone.now()
    today = timezone.localdate()
    filled = Filled(org=org)
    with activate(organization):
        people = list(Profile.objects.order_by("id"))
        mentor_users = {user.pk for user in org.mentors}
        mentors = [p for p in people if p.user_id in mentor_users]
        mentees = [p for p in people if p.user_id not in mentor_users]
        filled.skills = list(Skill.objects.order_by("name")[:2])
        for index in range(n):
            program = running_program(
                organization,
                name=f"HR API program {next(_program_numbers)} {org.sentinel}",
                started_days_ago=200 + index,
            )
            filled.programs.append(program)
            for skill in filled.skills:
                ProgramSkill.objects.create(organization=organization, program=program, skill=skill)
            mentor_rows = [
                approved(
                    program,
                    person,
                    "mentor",
                    capacity=3,
                    growth_story=private,
                    decision_reason=private,
                )
                for person in mentors
            ]
            for position, person in enumerate(mentees):
                enrolment = approved(
                    program, person, situations=[private, private], decision_reason=private
                )
                filled.enrolments.append(enrolment)
                skill = filled.skills[position % 2]
                EnrollmentSkill.objects.create(
                    organization=organization, enrollment=enrolment, skill=skill
                )
                mentorship = Mentorship.objects.create(
                    organization=organization,
                    program=program,
                    mentee=enrolment,
                    mentor=mentor_rows[position % len(mentor_rows)],
                    started_on=today - timedelta(days=190),
                    ends_on=today + timedelta(days=100),
                    end_reason=private,
                )
                filled.mentorships.append(mentorship)
                history = mentorship_history(
                    mentorship,
                    skill=skill,
                    text=lambda _label: private,
                    held_at=[now - timedelta(days=3)],
                    planned_at=[now + timedelta(days=4)],
                    minutes=45,
                    goal_statement=f"Speak up in planning {org.sentinel}",
                    ratings=RATINGS,
                    answers=ANSWERS,
                )
                filled.sessions += history.sessions
                filled.goals.append(history.goal)
                filled.reviews += history.reviews
            filled.enrolments.extend(mentor_rows)
        # Survey figures are shown per closed period: the pulse answers fall in a period
        # that ended long ago, the program survey's wait for the program's end.
        SurveyResponse.objects.filter(program__in=filled.programs).update(
            created_at=now - timedelta(days=150)
        )
    return filled
