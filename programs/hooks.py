"""What programs registers with the core's hooks (see mentoring/hooks.py)."""

from django.urls import path

from mentoring import hooks

from . import privacy
from .services import onboarding_enroll_new_member, organization_programs_defaults_install


@hooks.register(hooks.ORGANIZATION_DEFAULTS)
def install_defaults(*, organization) -> None:
    organization_programs_defaults_install(organization=organization)


@hooks.register(hooks.MEMBER_JOINED)
def enrol_in_onboarding(*, organization, person) -> None:
    onboarding_enroll_new_member(organization=organization, person=person)


hooks.register(hooks.PRIVACY_RULES, privacy.RULES)


@hooks.register(hooks.API_ROUTES)
def api_routes() -> list:
    from .api import EnrolmentList, GoalList, GoalReviewList

    return [
        path("v1/enrolments/", EnrolmentList.as_view(), name="api-enrolments"),
        path("v1/goals/", GoalList.as_view(), name="api-goals"),
        path("v1/goal-reviews/", GoalReviewList.as_view(), name="api-goal-reviews"),
    ]
