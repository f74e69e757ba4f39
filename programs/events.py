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
GOAL_PARTNERS = hooks.define(
    "goal_partners",
    "fn(*, user, open_only) -> Q over Enrollment: mentee enrolments whose goals and goal "
    "reviews this user sees as the mentee's partner (their mentor); open_only: only while "
    "they still work together",
)
GOAL_PARTNER_PEOPLE = hooks.define(
    "goal_partner_people",
    "fn(*, enrollment) -> [Profile]: who works with this mentee now (their mentor in an "
    "open mentorship), told when the mentee shares a goal review",
)
