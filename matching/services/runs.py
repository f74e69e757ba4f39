"""Match runs: score and solve a program's pool into a draft, edit the draft by hand, and
approve it into mentorships. Services load the pool, call the pure scorer and solver, and
persist the result in bulk."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format

from mentoring.common.guards import check_same_organization
from mentoring.people.selectors import profile_of
from programs.models import (
    Enrollment,
    EnrollmentRole,
    EnrollmentStatus,
    Program,
    ProgramStatus,
)
from programs.services.programs import program_transition

from .. import explain
from ..models import (
    OPEN_STATUSES,
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


class OverrideReasonNeeded(ValidationError):
    """A pair breaks a rule and has no reason: one message per broken rule, under the
    reason field of the pair that needs it (``field_rules``), so each pair can get its own."""

    def __init__(self, field_rules: dict[str, list[str]]):
        self.field_rules = field_rules
        super().__init__(
            {
                field: [
                    *(f"{rule[0].upper()}{rule[1:]}." for rule in rules),
                    "Give a reason to override, or choose another pair.",
                ]
                for field, rules in field_rules.items()
            }
        )

    def __str__(self) -> str:
        return " ".join(self.messages)


def _check_override(reasons: dict[str, tuple[list[str], str]]) -> None:
    """``reasons``: per reason field, the rules its pair breaks and the reason typed."""
    missing = {
        field: rules for field, (rules, reason) in reasons.items() if rules and not reason.strip()
    }
    if missing:
        raise OverrideReasonNeeded(missing)


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
        _check_override({"override_reason": (rules, override_reason)})
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


def draft_version(pairs: Iterable[tuple[int, int]]) -> str:
    """A short digest of a draft's (proposal id, mentor id) pairs: it changes with any
    edit, so a form posted from an older page (a second click) can be told apart."""
    text = ",".join(f"{pk}:{mentor}" for pk, mentor in sorted(pairs))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def proposal_swap(
    *,
    organization: Organization,
    actor: User,
    first: MatchProposal,
    second: MatchProposal,
    first_reason: str = "",
    second_reason: str = "",
    version: str = "",
) -> tuple[MatchProposal, MatchProposal]:
    """Exchange the mentors of two proposed pairs. Each new pair that breaks a rule needs
    its own reason (``first_reason`` for first's mentee with second's mentor, and the
    other way round), stored on that pair only. ``version`` (``draft_version`` of the page
    the manager saw), when given, must still be the draft's: a double click swaps once."""
    check_same_organization(organization, first, second)
    if first.run_id != second.run_id or first.pk == second.pk:
        raise ValidationError("Choose two different pairs of the same draft.")
    with transaction.atomic():
        run = _draft(first.run)
        current = MatchProposal.objects.filter(run=run).values_list("pk", "mentor_id")
        if version and version != draft_version(current):
            raise ValidationError(
                "The draft changed since this page was loaded (perhaps a second click): "
                "nothing was swapped. Check the pairs below and try again if needed."
            )
        first, second = _locked_proposals(run, first, second)
        pool = _pool_for(run)
        both = (first.pk, second.pk)
        facts = [
            _pair_facts(pool, run, first.mentee, second.mentor, exclude=both),
            _pair_facts(pool, run, second.mentee, first.mentor, exclude=both),
        ]
        reasons = (first_reason.strip(), second_reason.strip())
        _check_override(
            {
                "first_reason": (facts[0][2], reasons[0]),
                "second_reason": (facts[1][2], reasons[1]),
            }
        )
        first.mentor, second.mentor = second.mentor, first.mentor
        for proposal, (score, parts, broken), reason in zip(
            (first, second), facts, reasons, strict=True
        ):
            proposal.score, proposal.breakdown, proposal.broken_rules = score, parts, broken
            proposal.is_manual = True
            proposal.override_reason = reason if broken else ""
            proposal.save()
        _refresh_total(run)
    return first, second


def match_run_approve(
    *, organization: Organization, actor: User, run: MatchRun
) -> list[Mentorship]:
    """Turn a draft into mentorships, unless the enrolments changed since it was made.

    Each override reason goes with its pair onto the mentorship. A program in Matching
    then moves on: to Running when its start date has come; before that it stays in
    Matching with its pairs made, "ready to start" on its start date (``program_readiness``).
    """
    check_same_organization(organization, run)
    with transaction.atomic():
        run = _draft(run)
        program = Program.objects.select_for_update().get(pk=run.program_id)
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
        overridden = []
        for mentorship, proposal in zip(mentorships, proposals, strict=True):
            if proposal.override_reason:
                mentorship.override_reason = proposal.override_reason
                overridden.append(mentorship)
        Mentorship.objects.bulk_update(overridden, ["override_reason"])
        if program.status == ProgramStatus.MATCHING and program.starts_on <= timezone.localdate():
            program_transition(
                organization=organization,
                actor=actor,
                program=program,
                to_status=ProgramStatus.RUNNING,
            )
    return mentorships


def program_readiness(program: Program) -> str:
    """What a manager reads about a program's next step after approval: "" unless the
    program is in Matching with an approved run and a start date still to come."""
    if program.status != ProgramStatus.MATCHING or program.starts_on <= timezone.localdate():
        return ""
    approved = MatchRun.objects.filter(program=program, status=MatchRunStatus.APPROVED)
    if not approved.exists():
        return ""
    return f"Ready to start on {date_format(program.starts_on)}"


def draft_mentor_places(
    run: MatchRun, mentee_id: int | None = None
) -> dict[int, tuple[Enrollment, int, float | None]]:
    """Every approved mentor of the run's program with their free places left after the
    draft's pairs, and (for a mentee waiting in the draft) their score with that mentee:
    {enrolment id: (enrolment, places, score or None)}, in one query without a mentee."""
    in_draft = (
        MatchProposal.objects.filter(run=run, mentor=OuterRef("pk"))
        .order_by()
        .values("mentor")
        .annotate(total=Count("pk"))
        .values("total")
    )
    mentors = (
        Enrollment.objects.filter(
            program_id=run.program_id,
            status=EnrollmentStatus.APPROVED,
            role=EnrollmentRole.MENTOR,
        )
        .select_related("person")
        .annotate(
            taken=Count("as_mentor", filter=Q(as_mentor__status__in=OPEN_STATUSES)),
            drafted=Coalesce(Subquery(in_draft, output_field=IntegerField()), 0),
        )
        .order_by("person__display_name", "pk")
    )
    scores: dict[int, float] = {}
    if mentee_id is not None:
        pool = _pool_for(run)
        rows = [i for i, mentee in enumerate(pool.mentees) if mentee.pk == mentee_id]
        if rows and pool.mentors:
            block, _eligible = score_block(pool.problem, np.array(rows))
            scores = {mentor.pk: float(block[0, j]) for j, mentor in enumerate(pool.mentors)}
    return {
        mentor.pk: (
            mentor,
            (mentor.capacity or 0) - mentor.taken - mentor.drafted,
            scores.get(mentor.pk),
        )
        for mentor in mentors
    }
