"""A program's people enrolled through the real services: a whole cohort (every mentee and
mentor of an organization, approved, the program then moved to matching), or one mentee or
mentor at a time, and their goal reviews. Applications use ``GOAL`` and ``SITUATIONS``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mentoring.people.models import Profile
from mentoring.tenancy import activate
from programs import services as programs
from programs.models import Enrollment, Goal, GoalReview, Program, ProgramStatus, Skill
from programs.selectors import program_focus_skills

from .world import Org, make_program

GOAL = "Run our weekly planning so that every quieter colleague speaks at least once"
SITUATIONS = ["A planning meeting where two people talked all along", "A retro nobody spoke in"]


@dataclass
class Cohort:
    org: Org
    program: Program
    mentees: list
    mentors: list

    def enrollment(self, user) -> Enrollment:
        with activate(self.org.organization):
            return Enrollment.objects.get(program=self.program, person__user=user)


def focus_skills(program: Program) -> list[Skill]:
    with activate(program.organization):
        return list(program_focus_skills(program))


def enrol(org: Org, program: Program, mentees, mentors, capacity: int = 1) -> None:
    """Apply ``mentors`` (for every focus skill) and ``mentees`` (for the first), then approve
    every enrolment of the program."""
    organization = org.organization
    with activate(organization):
        skills = [link.skill for link in program.focus_links.select_related("skill")]
        for user in mentors:
            programs.enrollment_apply_mentor(
                organization=organization,
                actor=user,
                program=program,
                skills=skills,
                capacity=capacity,
                growth_story="I learned it the hard way.",
            )
        for user in mentees:
            programs.enrollment_apply_mentee(
                organization=organization,
                actor=user,
                program=program,
                focus_skills=skills[:1],
                goal_statement=GOAL,
                situations=SITUATIONS,
            )
        programs.enrollments_approve(
            organization=organization,
            actor=org.manager,
            enrollments=list(Enrollment.objects.filter(program=program)),
        )
        # everyone shares English, so the language criterion does not dominate small tests
        Profile.objects.update(languages=["en"])


def make_cohort(org: Org, *, status=ProgramStatus.MATCHING, capacity=1, **program_fields) -> Cohort:
    """A new program of ``org`` with all its mentees and mentors approved, left in ``status``."""
    program = make_program(org, status=ProgramStatus.ENROLLING, **program_fields)
    enrol(org, program, org.mentees, org.mentors, capacity=capacity)
    with activate(org.organization):
        Program.objects.filter(pk=program.pk).update(status=status)
        program.refresh_from_db()
    return Cohort(org, program, org.mentees, org.mentors)


def enrol_mentee(
    org: Org, user, program: Program, *, approve=True, goal=GOAL, situations=SITUATIONS
) -> Enrollment:
    """``user`` applies as mentee for the first focus skill; the manager approves unless
    ``approve`` is false."""
    with activate(org.organization):
        enrollment = programs.enrollment_apply_mentee(
            organization=org.organization,
            actor=user,
            program=program,
            focus_skills=list(program_focus_skills(program))[:1],
            goal_statement=goal,
            situations=situations,
        )
        if approve:
            programs.enrollments_approve(
                organization=org.organization, actor=org.manager, enrollments=[enrollment]
            )
            enrollment.refresh_from_db()
    return enrollment


def enrol_mentor(org: Org, user, program: Program, *, capacity=2) -> Enrollment:
    """``user`` applies as mentor for every focus skill (not approved)."""
    with activate(org.organization):
        return programs.enrollment_apply_mentor(
            organization=org.organization,
            actor=user,
            program=program,
            skills=list(program_focus_skills(program)),
            capacity=capacity,
            growth_story="I learnt to listen by running support calls.",
        )


def add_review(
    org: Org,
    user,
    goal: Goal,
    *,
    on: date | None = None,
    progress: int = 3,
    what_changed: str = "Spoke first in two meetings.",
) -> GoalReview:
    """``user``'s review of ``goal`` on ``on`` (today when not given)."""
    with activate(org.organization):
        return programs.goal_review_add(
            organization=org.organization,
            actor=user,
            goal=goal,
            progress=progress,
            what_changed=what_changed,
            next_steps="Try it with the director.",
            on=on,
        )
