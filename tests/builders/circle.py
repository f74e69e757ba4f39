"""A circle of ``org``: a circle program whose mentors and mentees (the world's two of each,
plus more mentees made here) are approved, and one open circle of them made by the real
service (``matching.services.circles.circles_create``)."""

from __future__ import annotations

from dataclasses import dataclass

from matching.models import Mentorship
from matching.services.circles import NewCircle, circles_create
from mentoring.people.models import SeniorityLevel
from mentoring.tenancy import activate
from programs.models import CrossFunctional, Enrollment, ProgramFormat, ProgramStatus

from .cohort import enrol, focus_skills
from .world import Org, add_member, make_program, make_user


@dataclass
class Circle:
    org: Org
    mentorship: Mentorship
    mentors: list  # users, the first mentor first
    mentees: list  # users, the first mentee first

    @property
    def members(self) -> list:
        return [*self.mentors, *self.mentees]


def more_mentees(org: Org, count: int) -> list:
    """``count`` new mentees of ``org`` (level 0, alternate departments), made once: a
    second call returns the same people."""
    with activate(org.organization):
        level = SeniorityLevel.objects.order_by("rank").first()
    users = []
    for index in range(len(org.mentees), len(org.mentees) + count):
        user = make_user(f"mentee{index}@{org.organization.slug}.example")
        add_member(
            org.organization,
            user,
            name=f"Mentee{index} {org.sentinel}",
            department=org.departments[(index + 1) % 2],
            level=level,
        )
        users.append(user)
    org.mentees.extend(users)
    return users


def make_circle(org: Org, *, mentees: int = 4, mentors: int = 1, **program_fields) -> Circle:
    """An open circle of ``org`` with ``mentors`` of the world's mentors and ``mentees``
    mentees (the world's two and new ones), in a circle program that is running."""
    if len(org.mentees) < mentees:
        more_mentees(org, mentees - len(org.mentees))
    mentor_users, mentee_users = org.mentors[:mentors], org.mentees[:mentees]
    program_fields.setdefault("cross_functional", CrossFunctional.OFF)
    program = make_program(
        org,
        format=ProgramFormat.CIRCLE,
        circle_mentors=max(mentors, 1),
        **program_fields,
    )
    enrol(org, program, mentee_users, mentor_users)
    with activate(org.organization):
        program.status = ProgramStatus.RUNNING
        program.save(update_fields=["status"])
        enrollments = {
            e.person.user_id: e
            for e in Enrollment.objects.filter(program=program).select_related("person")
        }
        (mentorship,) = circles_create(
            org.organization,
            program,
            [
                NewCircle(
                    mentors=[enrollments[u.pk] for u in mentor_users],
                    mentees=[enrollments[u.pk] for u in mentee_users],
                    skill=focus_skills(program)[0],
                )
            ],
        )
        mentorship = Mentorship.objects.select_related("program", "focus_skill").get(
            pk=mentorship.pk
        )
    return Circle(org, mentorship, mentor_users, mentee_users)
