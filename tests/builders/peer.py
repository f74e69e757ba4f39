"""A peer pair whose two partners each have chosen skills, the posts of the progress page
that say whose skill is rated, and goals of the partner who offered to share a skill
(tests of peer pairs acting in both roles)."""

from __future__ import annotations

from mentoring.tenancy import activate
from programs import services as programs
from programs.models import Enrollment, EnrollmentSkill, Goal, ProgramFormat, Skill

from .cohort import focus_skills
from .formats import format_pair
from .pair import Pair
from .world import Org


def peer_pair(org: Org, skills_each: int | None = None) -> Pair:
    """An approved peer pair of ``org``; ``skills_each``: give each partner exactly that
    many of the program's skills (the same ones, so both partners share them)."""
    pair = format_pair(org, ProgramFormat.PEER)
    if skills_each is not None:
        chosen = focus_skills(pair.mentorship.program)[:skills_each]
        for enrollment in (pair.mentorship.mentee, pair.mentorship.mentor):
            set_skills(org, enrollment, chosen)
    return pair


def set_skills(org: Org, enrollment: Enrollment, skills: list[Skill]) -> None:
    """``enrollment``'s skills become exactly ``skills``."""
    with activate(org.organization):
        EnrollmentSkill.objects.filter(enrollment=enrollment).delete()
        EnrollmentSkill.objects.bulk_create(
            EnrollmentSkill(organization=org.organization, enrollment=enrollment, skill=skill)
            for skill in skills
        )


def skills_of(org: Org, enrollment: Enrollment) -> list[Skill]:
    with activate(org.organization):
        return [link.skill for link in enrollment.skill_links.select_related("skill")]


def peer_rating(enrollment: Enrollment, skill: Skill, level, moment="start", period="") -> dict:
    """The progress page's rating form for ``enrollment``'s ``skill``, as posted."""
    prefix = f"skill-{enrollment.pk}-{skill.pk}"
    return {
        "enrollment": enrollment.pk,
        f"{prefix}-level": level,
        f"{prefix}-moment": moment,
        f"{prefix}-period": period,
    }


SHARED_GOAL = "In our design reviews, ask the other team one question about their limits first"


def sharing_goal(pair: Pair, statement: str = SHARED_GOAL) -> Goal:
    """A goal of the partner who offered to share a skill (the mentor side), on one of
    their skills."""
    org = pair.org
    enrollment = pair.mentorship.mentor
    with activate(org.organization):
        enrollment = Enrollment.objects.select_related("program", "person").get(pk=enrollment.pk)
        return programs.goal_create(
            organization=org.organization,
            actor=pair.mentor,
            enrollment=enrollment,
            statement=statement,
            skill=enrollment.skill_links.select_related("skill").first().skill,
        )
