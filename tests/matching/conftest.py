from dataclasses import dataclass

import pytest

from mentoring.people.models import Profile
from mentoring.tenancy import activate
from programs import services as programs
from programs.models import Enrollment, Program, ProgramStatus
from tests.builders.world import make_program

GOAL = "Run our weekly planning so that every quieter colleague speaks at least once"
SITUATIONS = ["A planning meeting where two people talked all along", "A retro nobody spoke in"]


@dataclass
class Cohort:
    org: object
    program: Program
    mentees: list
    mentors: list

    def enrollment(self, user):
        with activate(self.org.organization):
            return Enrollment.objects.get(program=self.program, person__user=user)


def enrol(org, program, mentees, mentors, capacity=1):
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


def make_cohort(org, *, status=ProgramStatus.MATCHING, capacity=1, **program_fields):
    program = make_program(org, status=ProgramStatus.ENROLLING, **program_fields)
    enrol(org, program, org.mentees, org.mentors, capacity=capacity)
    with activate(org.organization):
        Program.objects.filter(pk=program.pk).update(status=status)
        program.refresh_from_db()
    return Cohort(org, program, org.mentees, org.mentors)


@pytest.fixture
def cohort(world):
    return make_cohort(world.acme)
