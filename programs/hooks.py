"""What programs registers with the core's hooks (see mentoring/hooks.py)."""

from django.urls import path, reverse

from mentoring import hooks
from mentoring.common.admin import changelist_url

from . import (
    invitations,  # noqa: F401  (invite and enrol in one step: its registrations)
    jobs,
    privacy,
)
from .events import PROGRAM_ADMIN_LINKS
from .models import ProgramStatus, SessionPlanStep, TrainingModule
from .reminders import TrainingReminders
from .services import onboarding_enroll_new_member, organization_programs_defaults_install


@hooks.register(hooks.ORGANIZATION_DEFAULTS)
def install_defaults(*, organization) -> None:
    organization_programs_defaults_install(organization=organization)


@hooks.register(hooks.MEMBER_JOINED)
def enrol_in_onboarding(*, organization, person) -> None:
    onboarding_enroll_new_member(organization=organization, person=person)


hooks.register(hooks.PRIVACY_RULES, privacy.RULES)
hooks.register(hooks.REMINDER_SOURCES, TrainingReminders)
for kind in jobs.KINDS:
    hooks.register(hooks.JOB_KINDS, kind)


@hooks.register(hooks.API_ROUTES)
def api_routes() -> list:
    from .api import EnrolmentList, GoalList, GoalReviewList

    return [
        path("v1/enrolments/", EnrolmentList.as_view(), name="api-enrolments"),
        path("v1/goals/", GoalList.as_view(), name="api-goals"),
        path("v1/goal-reviews/", GoalReviewList.as_view(), name="api-goal-reviews"),
    ]


@hooks.register(PROGRAM_ADMIN_LINKS)
def program_links(program) -> list[tuple[str, str]]:
    """Enrol people from a CSV file into this program (preselected), while it takes people;
        the program's mentor training path, and each mentor's progress through it; the program's
    session plan."""
    links = []
    if program.status != ProgramStatus.CLOSED:
        url = reverse("admin:programs_enrollment_import")
        links.append(("Enrol people from a CSV file", f"{url}?program={program.pk}"))
    links.append(("Mentor training", changelist_url(TrainingModule, program__id__exact=program.pk)))
    links.append(("Session plan", changelist_url(SessionPlanStep, program__id__exact=program.pk)))
    return links
