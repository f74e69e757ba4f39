"""Cohorts and pairs of a given program format (peer, reverse), with the seniority of each
side set first: the world's mentors are level 4 and its mentees level 0."""

from __future__ import annotations

from matching import services as matching
from matching.models import Mentorship
from mentoring.people.models import Profile, SeniorityLevel
from mentoring.tenancy import activate
from programs.models import CrossFunctional, ProgramFormat

from .cohort import Cohort, make_cohort
from .pair import Pair
from .world import Org


def set_levels(org: Org, levels: dict) -> None:
    """``levels``: user -> index of the organization's seniority levels (0 is the lowest)."""
    with activate(org.organization):
        ranks = list(SeniorityLevel.objects.order_by("rank"))
        for user, index in levels.items():
            Profile.objects.filter(user=user).update(seniority=ranks[index])


def format_cohort(org: Org, program_format: str, levels: dict | None = None, **fields) -> Cohort:
    """A cohort of ``org`` in ``program_format`` (cross-functional off), with ``levels``."""
    set_levels(org, levels or {})
    fields.setdefault("cross_functional", CrossFunctional.OFF)
    return make_cohort(org, format=program_format, **fields)


def peer_levels(org: Org) -> dict:
    """Everyone at similar seniority: mentees at level 1, mentors at level 2."""
    return {**dict.fromkeys(org.mentees, 1), **dict.fromkeys(org.mentors, 2)}


def reverse_levels(org: Org) -> dict:
    """The reverse of the world: the mentee side senior (level 4), mentors junior (0)."""
    return {**dict.fromkeys(org.mentees, 4), **dict.fromkeys(org.mentors, 0)}


def format_pair(org: Org, program_format: str) -> Pair:
    """An approved pair of ``org`` in a peer or reverse program, matched by a real run."""
    levels = peer_levels(org) if program_format == ProgramFormat.PEER else reverse_levels(org)
    cohort = format_cohort(org, program_format, levels)
    with activate(org.organization):
        run = matching.match_run_start(
            organization=org.organization, actor=org.manager, program=cohort.program
        )
        matching.match_run_approve(organization=org.organization, actor=org.manager, run=run)
        mentorship = Mentorship.objects.select_related(
            "program", "mentee__person__user", "mentor__person__user"
        ).get(program=cohort.program, mentee__person__user=org.mentees[0])
    return Pair(org, mentorship, mentorship.mentee.person.user, mentorship.mentor.person.user)
