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
from programs.services.goals import MUTUAL_FORMATS

from . import jobs, privacy
from .access import member_filter
from .models import OPEN_MENTORSHIP, MatchRun, Mentorship
from .services import onboarding_match
from .services.departures import departure_end_mentoring

hooks.register(hooks.PRIVACY_RULES, privacy.RULES)
hooks.register(hooks.JOB_KINDS, jobs.KIND)
hooks.register(hooks.MEMBER_LEFT, departure_end_mentoring)


@hooks.register(ENROLLMENT_APPROVED)
def pair_onboarding_mentee(*, organization, enrollment) -> None:
    """A new member of an onboarding program that runs already gets a mentor at once (or a
    proposed one in the program's draft, as the program says)."""
    program = enrollment.program
    if program.is_onboarding and program.status == ProgramStatus.RUNNING:
        onboarding_match(organization=organization, mentee=enrollment)


# Peer partners keep goals both ways: the one who offered to share a skill (the mentor
# side) has goals too, which the other partner follows.
PEER = Q(program__format__in=MUTUAL_FORMATS)


@hooks.register(GOAL_REVIEWER)
def partner_reviews_goals(*, enrollment, person) -> bool:
    """A mentee's mentor (in any of their mentorships, past ones too) reviews their goals,
    and in a peer pair each partner the other's."""
    return Mentorship.objects.filter(
        Q(mentee=enrollment, mentor__person=person)
        | (PEER & Q(mentor=enrollment, mentee__person=person))
    ).exists()


@hooks.register(GOAL_PARTNERS)
def mentorship_goal_partners(*, user, open_only: bool) -> Q:
    """The enrolments whose goals the user follows in their mentorships (the one member
    rule), open ones only or past ones too: the mentees', and a peer partner's."""
    pairs = Mentorship.objects.filter(member_filter(user))
    if open_only:
        pairs = pairs.filter(OPEN_MENTORSHIP)
    return Q(pk__in=pairs.values("mentee_id")) | Q(pk__in=pairs.filter(PEER).values("mentor_id"))


@hooks.register(GOAL_PARTNER_PEOPLE)
def current_goal_partners(*, enrollment) -> list[Profile]:
    """Who follows the enrolment's goals now: the mentor of the mentee's open mentorship
    (none between two pairings), or the other partner of an open peer pair."""
    pairs = Mentorship.objects.filter(OPEN_MENTORSHIP)
    people = pairs.filter(mentee=enrollment).values("mentor__person_id")
    peers = pairs.filter(PEER, mentor=enrollment).values("mentee__person_id")
    return list(Profile.objects.filter(Q(pk__in=people) | Q(pk__in=peers)).select_related("user"))


@hooks.register(PROGRAM_ADMIN_LINKS)
def program_matching_links(program) -> list[tuple[str, str]]:
    """A new run while the program is matching, and the program's runs."""
    links = [("Match runs", changelist_url(MatchRun, program__id__exact=program.pk))]
    if program.status == ProgramStatus.MATCHING:
        start = reverse("admin:matching_matchrun_start")
        links.insert(0, ("Start a match run", f"{start}?program={program.pk}"))
    return links
