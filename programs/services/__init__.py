"""Every write on programs, enrolments, goals, checklists and recognition, by noun.

Each function takes the organization and the acting user explicitly, validates, and
writes inside one transaction. Validation errors explain what to change. This package
re-exports the names other modules use as ``programs.services.<name>``.
"""

from .catalogue import (
    CHECKLIST_FOR_ROLE,
    checklist_item_set_done,
    organization_programs_defaults_install,
    skill_is_used,
    skill_set_archived,
)
from .enrolment_import import (
    ENROLLMENT_CSV,
    EnrollmentCsvError,
    enrollment_csv_template,
    enrollment_enrol,
    enrollments_import_csv,
)
from .enrolments import (
    enrollment_apply_mentee,
    enrollment_apply_mentor,
    enrollment_set_capacity,
    enrollment_withdraw,
    enrollments_approve,
    enrollments_decline,
    onboarding_enroll_new_member,
)
from .goals import goal_create, goal_review_add, goal_review_observe, goal_update
from .programs import program_duplicate, program_save, program_transition
from .recognition import recognition_award

__all__ = [
    "CHECKLIST_FOR_ROLE",
    "ENROLLMENT_CSV",
    "EnrollmentCsvError",
    "checklist_item_set_done",
    "enrollment_apply_mentee",
    "enrollment_apply_mentor",
    "enrollment_csv_template",
    "enrollment_enrol",
    "enrollment_set_capacity",
    "enrollment_withdraw",
    "enrollments_approve",
    "enrollments_decline",
    "enrollments_import_csv",
    "goal_create",
    "goal_review_add",
    "goal_review_observe",
    "goal_update",
    "onboarding_enroll_new_member",
    "organization_programs_defaults_install",
    "program_duplicate",
    "program_save",
    "program_transition",
    "recognition_award",
    "skill_is_used",
    "skill_set_archived",
]
