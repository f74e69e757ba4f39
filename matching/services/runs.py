"""Match runs: score and solve a program's pool into a draft, edit the draft by hand, and
approve it into mentorships. Services load the pool, call the pure scorer and solver, and
persist the result in bulk."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mentoring.common.guards import check_same_organization
from mentoring.people.selectors import profile_of
from programs.models import Enrollment, Program, ProgramStatus

from .. import explain
from ..models import (
    MatchProposal,
    MatchRun,
    MatchRunStatus,
    Mentorship,
    UnmatchedMentee,
    UnmatchedReason,
)
from ..pool import Pool, load_pool, program_fingerprint, program_weights
from ..scoring import Weight, score_block
from ..solver import assigned_scores, match
from .mentorships import create_mentorships

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from mentoring.tenancy.models import Organization


def match_run_start(
    *,
    organization: Organization,
    actor: User,
    program: Program,
    weights: dict | None = None,
) -> MatchRun:
    """Score every eligible pair of the program, solve for the global optimum under the
    mentors' capacities and store the result as a draft for a manager to review."""
    check_same_organization(organization, program)
    if program.status != ProgramStatus.MATCHING:
        raise ValidationError(
            f"“{program}” is {program.get_status_display().lower()}: move it to Matching first."
        )
    weights = program_weights(program, weights)
    if all(weight is Weight.OFF for weight in weights.values()):
        raise ValidationError("Every criterion is off: turn at least one on to compare mentors.")
    started = time.perf_counter()
    pool = load_pool(program, weights)
    if not pool.mentees:
        raise ValidationError(f"“{program}” has no approved mentee waiting for a mentor.")
    if not pool.mentors:
        raise ValidationError(f"“{program}” has no approved mentor yet.")
    if not pool.problem.capacity.any():
        raise ValidationError(
            "Every mentor is at capacity: approve more mentors or raise capacities."
        )
    assigned, edges = match(pool.problem)
    scores = assigned_scores(edges, assigned, len(pool.mentors))
    has_candidate = np.zeros(len(pool.mentees), dtype=bool)
    has_candidate[edges.mentee] = True
    with transaction.atomic():
        MatchRun.objects.filter(program=program, status=MatchRunStatus.DRAFT).update(
            status=MatchRunStatus.DISCARDED
        )
        run = MatchRun.objects.create(
            organization=organization,
            program=program,
            weights={str(k): str(v) for k, v in weights.items()},
            fingerprint=pool.fingerprint,
            total_score=float(scores.sum()),
            seconds=round(time.perf_counter() - started, 3),
            created_by=profile_of(actor),
        )
        matched = np.nonzero(assigned >= 0)[0]
        MatchProposal.objects.bulk_create(
            MatchProposal(
                organization=organization,
                run=run,
                mentee=pool.mentees[i],
                mentor=pool.mentors[assigned[i]],
                score=float(score),
                breakdown=explain.breakdown(pool, int(i), int(assigned[i])),
            )
            for i, score in zip(matched, scores, strict=True)
        )
        UnmatchedMentee.objects.bulk_create(
            UnmatchedMentee(
                organization=organization,
                run=run,
                mentee=pool.mentees[i],
                reason=UnmatchedReason.CAPACITY_EXHAUSTED
                if has_candidate[i]
                else UnmatchedReason.NO_ELIGIBLE_MENTOR,
            )
            for i in np.nonzero(assigned < 0)[0]
        )
    return run


def _draft(run: MatchRun) -> MatchRun:
    run = MatchRun.objects.select_for_update().select_related("program").get(pk=run.pk)
    if run.status != MatchRunStatus.DRAFT:
        raise ValidationError("Only a draft can be changed; start a new run instead.")
    return run


def _pool_for(run: MatchRun) -> Pool:
    return load_pool(run.program, program_weights(run.program, run.weights))


def _refresh_total(run: MatchRun) -> None:
    run.total_score = sum(MatchProposal.objects.filter(run=run).values_list("score", flat=True))
    run.save(update_fields=["total_score"])


def _pair_facts(
    pool: Pool,
    run: MatchRun,
    mentee: Enrollment,
    mentor: Enrollment,
    exclude: tuple[int, ...] = (),
) -> tuple[float, list[dict[str, Any]], list[str]]:
    """(score, breakdown, broken rules) of a pair, counting the mentor's places in the draft."""
    try:
        i, j = pool.mentee_index(mentee.pk), pool.mentor_index(mentor.pk)
    except StopIteration:
        raise ValidationError(
            "That mentee or mentor is no longer approved and free in this program: run again."
        ) from None
    load = MatchProposal.objects.filter(run=run, mentor=mentor).exclude(pk__in=exclude).count()
    score, _eligible = score_block(pool.problem, np.array([i]), np.array([j]))
    return float(score[0, 0]), explain.breakdown(pool, i, j), explain.broken_rules(pool, i, j, load)


def _check_override(rules: list[str], override_reason: str) -> None:
    if rules and not override_reason.strip():
        raise ValidationError(
            "This pair breaks the program's rules: "
            + "; ".join(rules)
            + ". Give a reason to override them, or choose another pair."
        )


def _locked_proposals(run: MatchRun, *proposals: MatchProposal) -> list[MatchProposal]:
    """The proposals as they are now, under the run's lock: a concurrent edit may have
    removed one (a double click, two managers)."""
    found = {
        p.pk: p
        for p in MatchProposal.objects.filter(
            run=run, pk__in=[p.pk for p in proposals]
        ).select_related("mentee__person", "mentor__person")
    }
    if len(found) < len(proposals):
        raise ValidationError("That pair is no longer in the draft: reload the page.")
    return [found[p.pk] for p in proposals]


def proposal_remove(*, organization: Organization, actor: User, proposal: MatchProposal) -> None:
    check_same_organization(organization, proposal)
    with transaction.atomic():
        run = _draft(proposal.run)
        (proposal,) = _locked_proposals(run, proposal)
        UnmatchedMentee.objects.create(
            organization=organization,
            run=run,
            mentee=proposal.mentee,
            reason=UnmatchedReason.REMOVED,
        )
        proposal.delete()
        _refresh_total(run)


def proposal_add_manual(
    *,
    organization: Organization,
    actor: User,
    run: MatchRun,
    mentee: Enrollment,
    mentor: Enrollment,
    override_reason: str = "",
) -> MatchProposal:
    """Add a pair by hand; if it breaks a hard rule, a reason is required and recorded."""
    check_same_organization(organization, run, mentee, mentor)
    with transaction.atomic():
        run = _draft(run)
        if MatchProposal.objects.filter(run=run, mentee=mentee).exists():
            raise ValidationError(f"{mentee.person} already has a proposed mentor in this draft.")
        score, parts, rules = _pair_facts(_pool_for(run), run, mentee, mentor)
        _check_override(rules, override_reason)
        UnmatchedMentee.objects.filter(run=run, mentee=mentee).delete()
        proposal = MatchProposal.objects.create(
            organization=organization,
            run=run,
            mentee=mentee,
            mentor=mentor,
            score=score,
            breakdown=parts,
            is_manual=True,
            broken_rules=rules,
            override_reason=override_reason.strip() if rules else "",
        )
        _refresh_total(run)
    return proposal


def proposal_swap(
    *,
    organization: Organization,
    actor: User,
    first: MatchProposal,
    second: MatchProposal,
    override_reason: str = "",
) -> tuple[MatchProposal, MatchProposal]:
    """Exchange the mentors of two proposed pairs."""
    check_same_organization(organization, first, second)
    if first.run_id != second.run_id or first.pk == second.pk:
        raise ValidationError("Choose two different pairs of the same draft.")
    with transaction.atomic():
        run = _draft(first.run)
        first, second = _locked_proposals(run, first, second)
        pool = _pool_for(run)
        both = (first.pk, second.pk)
        facts = [
            _pair_facts(pool, run, first.mentee, second.mentor, exclude=both),
            _pair_facts(pool, run, second.mentee, first.mentor, exclude=both),
        ]
        rules = [rule for _score, _parts, broken in facts for rule in broken]
        _check_override(rules, override_reason)
        first.mentor, second.mentor = second.mentor, first.mentor
        for proposal, (score, parts, broken) in zip((first, second), facts, strict=True):
            proposal.score, proposal.breakdown, proposal.broken_rules = score, parts, broken
            proposal.is_manual = True
            proposal.override_reason = override_reason.strip() if broken else ""
            proposal.save()
        _refresh_total(run)
    return first, second


def match_run_approve(
    *, organization: Organization, actor: User, run: MatchRun
) -> list[Mentorship]:
    """Turn a draft into mentorships, unless the enrolments changed since it was made."""
    check_same_organization(organization, run)
    with transaction.atomic():
        run = _draft(run)
        Program.objects.select_for_update().get(pk=run.program_id)
        if program_fingerprint(run.program) != run.fingerprint:
            raise ValidationError(
                "Enrolments or pairs of this program changed after the draft was made: "
                "run the match again and review the new draft."
            )
        proposals = list(
            MatchProposal.objects.filter(run=run).select_related(
                "mentee__person__user",
                "mentee__person__department",
                "mentor__person__user",
                "mentor__person__department",
            )
        )
        mentorships = create_mentorships(
            organization,
            run.program,
            [(p.mentee, p.mentor, p.score, p.breakdown) for p in proposals],
            run,
        )
        run.status, run.approved_by, run.approved_at = (
            MatchRunStatus.APPROVED,
            profile_of(actor),
            timezone.now(),
        )
        run.save(update_fields=["status", "approved_by", "approved_at"])
    return mentorships
