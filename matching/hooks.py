"""What matching registers with the core's hooks (see mentoring/hooks.py)."""

from django.db.models import Q
from django.urls import reverse

from mentoring import hooks
from mentoring.common.admin import changelist_url
from mentoring.people.models import Profile
from programs.events import (
    ENROLLMENT_APPROVED,
    GOAL_PARTNER_PEOPLE,
    GOAL_PARTNERS,
    GOAL_REVIEWER,
    PROGRAM_ADMIN_LINKS,
)
from programs.models import ProgramStatus

from . import jobs, privacy
from .access import member_filter
from .models import OPEN_MENTORSHIP, MatchRun, Mentorship
from .services import onboarding_match

hooks.register(hooks.PRIVACY_RULES, privacy.RULES)
hooks.register(hooks.JOB_KINDS, jobs.KIND)


@hooks.register(ENROLLMENT_APPROVED)
def pair_onboarding_mentee(*, organization, enrollment) -> None:
    """A new member of an onboarding program that runs already gets a mentor at once (or a
    proposed one in the program's draft, as the program says)."""
    program = enrollment.program
    if program.is_onboarding and program.status == ProgramStatus.RUNNING:
        onboarding_match(organization=organization, mentee=enrollment)


@hooks.register(GOAL_REVIEWER)
def mentor_reviews_goals(*, enrollment, person) -> bool:
    """A mentee's mentor (in any of their mentorships, past ones too) reviews their goals."""
    return Mentorship.objects.filter(mentee=enrollment, mentor__person=person).exists()


@hooks.register(GOAL_PARTNERS)
def mentorship_goal_partners(*, user, open_only: bool) -> Q:
    """The mentee enrolments of the user's mentorships (the one member rule), open ones
    only or past ones too: their mentor follows and comments on their goal reviews."""
    pairs = Mentorship.objects.filter(member_filter(user))
    if open_only:
        pairs = pairs.filter(OPEN_MENTORSHIP)
    return Q(pk__in=pairs.values("mentee_id"))


@hooks.register(GOAL_PARTNER_PEOPLE)
def mentee_current_mentors(*, enrollment) -> list[Profile]:
    """The mentor of the mentee's open mentorship (none between two pairings)."""
    pairs = Mentorship.objects.filter(OPEN_MENTORSHIP, mentee=enrollment)
    return list(
        Profile.objects.filter(pk__in=pairs.values("mentor__person_id")).select_related("user")
    )


@hooks.register(PROGRAM_ADMIN_LINKS)
def program_matching_links(program) -> list[tuple[str, str]]:
    """A new run while the program is matching, and the program's runs."""
    links = [("Match runs", changelist_url(MatchRun, program__id__exact=program.pk))]
    if program.status == ProgramStatus.MATCHING:
        start = reverse("admin:matching_matchrun_start")
        links.insert(0, ("Start a match run", f"{start}?program={program.pk}"))
    return links
