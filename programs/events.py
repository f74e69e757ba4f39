"""The hooks programs defines for the apps above it (mentoring/hooks.py): what it announces
and what it asks them, so that it never names them.

An app subscribes in its own ``hooks.py`` with ``hooks.register(NAME)``.
"""

from mentoring import hooks

ENROLLMENT_APPROVED = hooks.define(
    "enrollment_approved",
    "fn(organization, enrollment): an enrolment became approved without a manager's "
    "decision (a new member joining an onboarding program); called at once, in the same "
    "transaction",
)
GOAL_REVIEWER = hooks.define(
    "goal_reviewer",
    "fn(enrollment, person) -> bool: besides the mentee, may this person review the "
    "mentee's goals (for example as their mentor)",
)
PROGRAM_ADMIN_LINKS = hooks.define(
    "program_admin_links",
    "fn(program) -> [(label, url)]: object tools of a saved program's admin page, in order",
)
