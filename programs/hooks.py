"""What programs registers with the core's hooks (see mentoring/hooks.py)."""

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
