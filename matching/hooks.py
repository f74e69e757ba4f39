"""What matching registers with the core's hooks (see mentoring/hooks.py)."""

from django.urls import reverse

from mentoring import hooks
from mentoring.common.admin import changelist_url
from programs.events import ENROLLMENT_APPROVED, GOAL_REVIEWER, PROGRAM_ADMIN_LINKS
from programs.models import ProgramStatus

from . import privacy
from .models import MatchRun, Mentorship
from .services import onboarding_match

hooks.register(hooks.PRIVACY_RULES, privacy.RULES)


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


@hooks.register(PROGRAM_ADMIN_LINKS)
def program_matching_links(program) -> list[tuple[str, str]]:
    """A new run while the program is matching, and the program's runs."""
    links = [("Match runs", changelist_url(MatchRun, program__id__exact=program.pk))]
    if program.status == ProgramStatus.MATCHING:
        start = reverse("admin:matching_matchrun_start")
        links.insert(0, ("Start a match run", f"{start}?program={program.pk}"))
    return links
