"""Every write of matching, by noun: runs and their drafts, mentorships (pairing, the best
free mentors, onboarding pairs, the lifecycle, re-matching), self-match requests and fit
checks. This package re-exports the names other modules use as
``matching.services.<name>``.
"""

from .fit_checks import fit_check_answer
from .mentorships import (
    best_mentors,
    mentorship_extend,
    mentorship_rematch,
    mentorship_set_status,
    onboarding_match,
)
from .runs import (
    OverrideReasonNeeded,
    draft_circle_remove,
    draft_version,
    match_run_approve,
    match_run_start,
    match_run_weights,
    program_readiness,
    proposal_add_manual,
    proposal_move_to_circle,
    proposal_remove,
    proposal_swap,
)
from .self_match import MAX_PENDING_REQUESTS, mentor_request_answer, mentor_request_create

__all__ = [
    "MAX_PENDING_REQUESTS",
    "OverrideReasonNeeded",
    "best_mentors",
    "draft_circle_remove",
    "draft_version",
    "fit_check_answer",
    "match_run_approve",
    "match_run_start",
    "match_run_weights",
    "mentor_request_answer",
    "mentor_request_create",
    "mentorship_extend",
    "mentorship_rematch",
    "mentorship_set_status",
    "onboarding_match",
    "program_readiness",
    "proposal_add_manual",
    "proposal_move_to_circle",
    "proposal_remove",
    "proposal_swap",
]
