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
from django.utils import timezone
from django.utils.formats import date_format

from mentoring.common.guards import check_same_organization
from mentoring.people.selectors import profile_of
from programs.models import (
    Enrollment,
    Program,
    ProgramStatus,
)
from programs.services.programs import program_transition

from .. import explain
from ..models import (
    DraftCircle,
    LeftOutMentor,
    LeftOutReason,
    MatchProposal,
    MatchRun,
    MatchRunStatus,
    Mentorship,
    UnmatchedMentee,
    UnmatchedReason,
)
from ..pool import Pool, load_pool, program_fingerprint, program_weights
from ..scoring import Criterion, Progress, Weight, score_block
from ..solver import assigned_scores, match
from . import circle_runs
from .mentorships import create_mentorships

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from mentoring.tenancy.models import Organization


def match_run_weights(program: Program, data: dict | None = None) -> dict[Criterion, Weight]:
    """The weights a run of ``program`` would use with the overrides ``data``
    ({criterion: weight}), or a ValidationError saying what to fix. No query: the admin
    calls it before queueing a run in the background, and ``match_run_start`` again."""
    if program.status != ProgramStatus.MATCHING:
        raise ValidationError(
            f"“{program}” is {program.get_status_display().lower()}: move it to Matching first."
        )
    if data is not None and not isinstance(data, dict):
        raise ValidationError("The weights must map each criterion to a weight.")
    for key, value in (data or {}).items():
        if key not in Criterion._value2member_map_:
            known = ", ".join(str(c) for c in Criterion)
            raise ValidationError(f"“{key}” is not a matching criterion: use one of {known}.")
        if value not in Weight._value2member_map_:
            known = ", ".join(str(w) for w in Weight)
            raise ValidationError(f"“{value}” is not a weight for {key}: use one of {known}.")
    try:
        weights = program_weights(program, data)
    except ValueError:  # a stored weight no longer known
        raise ValidationError(
            f"The stored weights of “{program}” are not valid: set them again in the program."
        ) from None
    if all(weight is Weight.OFF for weight in weights.values()):
        raise ValidationError("Every criterion is off: turn at least one on to compare mentors.")
    return weights


DRAFT_BATCH = 1_000  # draft rows explained and inserted at once
WRITING = "Writing the draft"


def match_run_start(
    *,
    organization: Organization,
    actor: User,
    program: Program,
    weights: dict | None = None,
    progress: Progress | None = None,
) -> MatchRun:
    """Score every eligible pair of the program, solve for the global optimum under the
    mentors' capacities and store the result as a draft for a manager to review.

    ``progress(done, total, phase)`` hears of each phase: loading people, scoring pairs,
    choosing pairs, writing the draft (a batch of rows at a time)."""
    check_same_organization(organization, program)
    chosen = match_run_weights(program, weights)
    started = time.perf_counter()
    pool = load_pool(program, chosen, progress=progress)
    if not pool.mentee_ids:
        raise ValidationError(f"“{program}” has no approved mentee waiting for a mentor.")
    if not pool.mentor_ids and pool.untrained:
        raise ValidationError(
            f"No approved mentor of “{program}” has finished the mentor training yet: "
            f"{len(pool.untrained)} are working through it."
        )
    if not pool.mentor_ids:
        raise ValidationError(f"“{program}” has no approved mentor yet.")
    if not pool.problem.capacity.any():
        raise ValidationError(
            "Every mentor is at capacity: approve more mentors or raise capacities."
        )
    if program.is_circle:
        plan = circle_runs.circle_plan(program, pool, progress)
        with transaction.atomic():
            run = _new_run(
                organization,
                actor,
                program,
                pool,
                chosen,
                sum(circle.score for circle in plan.circles),
                started,
            )
            circle_runs.circle_draft_write(organization, run, pool, plan, progress)
            _record_left_out(organization, run, pool)
        return run
    assigned, edges = match(pool.problem, progress=progress)
    scores = assigned_scores(edges, assigned, len(pool.mentor_ids))
    has_candidate = np.zeros(len(pool.mentee_ids), dtype=bool)
    has_candidate[edges.mentee] = True
    matched = np.nonzero(assigned >= 0)[0]
    unmatched = np.nonzero(assigned < 0)[0]
    total = len(matched) + len(unmatched)
    if progress:
        progress(0, total, WRITING)
    with transaction.atomic():
        run = _new_run(organization, actor, program, pool, chosen, float(scores.sum()), started)
        for start in range(0, len(matched), DRAFT_BATCH):
            rows = matched[start : start + DRAFT_BATCH]
            mentors = assigned[rows]
            MatchProposal.objects.bulk_create(
                MatchProposal(
                    organization=organization,
                    run=run,
                    mentee_id=pool.mentee_ids[i],
                    mentor_id=pool.mentor_ids[j],
                    score=float(score),
                    breakdown=parts,
                )
                for i, j, score, parts in zip(
                    rows.tolist(),
                    mentors.tolist(),
                    scores[start : start + DRAFT_BATCH],
                    explain.breakdowns(pool, rows, mentors),
                    strict=True,
                )
            )
            if progress:
                progress(start + len(rows), total, WRITING)
        for start in range(0, len(unmatched), DRAFT_BATCH):
            rows = unmatched[start : start + DRAFT_BATCH]
            UnmatchedMentee.objects.bulk_create(
                UnmatchedMentee(
                    organization=organization,
                    run=run,
                    mentee_id=pool.mentee_ids[i],
                    reason=UnmatchedReason.CAPACITY_EXHAUSTED
                    if has_candidate[i]
                    else UnmatchedReason.NO_ELIGIBLE_MENTOR,
                )
                for i in rows.tolist()
            )
            if progress:
                progress(len(matched) + start + len(rows), total, WRITING)
        _record_left_out(organization, run, pool)
    return run


def _new_run(
    organization: Organization,
    actor: User,
    program: Program,
    pool: Pool,
    weights: dict[Criterion, Weight],
    total_score: float,
    started: float,
) -> MatchRun:
    """The run of a new draft; the program's earlier draft is discarded."""
    MatchRun.objects.filter(program=program, status=MatchRunStatus.DRAFT).update(
        status=MatchRunStatus.DISCARDED
    )
    return MatchRun.objects.create(
        organization=organization,
        program=program,
        weights={str(k): str(v) for k, v in weights.items()},
        fingerprint=pool.fingerprint,
        total_score=total_score,
        seconds=round(time.perf_counter() - started, 3),
        created_by=profile_of(actor),
    )


def training_detail(finished: int, total: int) -> str:
    return f"{finished} of {total} module{'s' if total != 1 else ''} finished"


def _record_left_out(organization: Organization, run: MatchRun, pool: Pool) -> None:
    """The mentors the pool left out (training not finished), in one insert."""
    if pool.untrained:
        LeftOutMentor.objects.bulk_create(
            LeftOutMentor(
                organization=organization,
                run=run,
                mentor_id=enrollment_id,
                reason=LeftOutReason.UNTRAINED,
                detail=training_detail(finished, total),
            )
            for enrollment_id, (finished, total) in pool.untrained.items()
        )


def _draft(run: MatchRun) -> MatchRun:
    run = MatchRun.objects.select_for_update().select_related("program").get(pk=run.pk)
    if run.status != MatchRunStatus.DRAFT:
        raise ValidationError("Only a draft can be changed; start a new run instead.")
    return run


def _pool_for(run: MatchRun) -> Pool:
    return load_pool(run.program, program_weights(run.program, run.weights))


def _refresh_total(run: MatchRun) -> None:
    rows = MatchProposal.objects.filter(run=run)
    if run.program.is_circle:
        rows = DraftCircle.objects.filter(run=run)  # type: ignore[assignment]  # both have a score
    run.total_score = sum(rows.values_list("score", flat=True))
    run.save(update_fields=["total_score"])


def _refuse_in_circles(run: MatchRun, what: str) -> None:
    if run.program.is_circle:
        raise ValidationError(
            f"{what} is for pairs: in a circle draft, move a mentee to another circle, "
            "remove a mentee or a whole circle, or run the match again."
        )


def _pair_facts(
    pool: Pool,
    run: MatchRun,
    mentee: Enrollment,
    mentor: Enrollment,
    exclude: tuple[int, ...] = (),
) -> tuple[float, list[dict[str, Any]], list[str]]:
    """(score, breakdown, broken rules) of a pair, counting the mentor's places in the draft.
    A mentor who has not finished the program's training is refused: no reason overrides
    it, since the training is what the program asks of every mentor."""
    if mentor.pk in pool.untrained:
        finished, total = pool.untrained[mentor.pk]
        raise ValidationError(
            f"{mentor.person} has not finished the mentor training of this program "
            f"({training_detail(finished, total)}): they can be paired once they finish it."
        )
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
        if proposal.circle_id is not None:
            circle_runs.circle_seat_removed(
                run, proposal, proposal.circle_id, lambda: _pool_for(run)
            )
        _refresh_total(run)


def proposal_move_to_circle(
    *,
    organization: Organization,
    actor: User,
    run: MatchRun,
    mentee: Enrollment,
    circle: DraftCircle,
    version: str = "",
) -> None:
    """Move a mentee of a circle draft (from another circle, or left unmatched) into
    ``circle``: refused when it is full, when the mentee did not choose its skill, or when
    one of its mentors may not guide them under the program's hard rules."""
    check_same_organization(organization, run, mentee, circle)
    with transaction.atomic():
        run = _draft(run)
        _check_version(run, version, "nobody was moved")
        if circle.run_id != run.pk:
            raise ValidationError(f"{circle} is not in this draft: reload the page.")
        locked = DraftCircle.objects.filter(run=run, pk=circle.pk).select_related("skill").first()
        if locked is None:
            raise ValidationError(f"{circle} is no longer in the draft: reload the page.")
        circle_runs.circle_seat_move(run, mentee, locked, _pool_for(run))
        _refresh_total(run)


def draft_circle_remove(
    *, organization: Organization, actor: User, circle: DraftCircle, version: str = ""
) -> int:
    """Take a whole circle out of a draft: its mentees become unmatched (removed by a
    manager). ``version`` as for ``proposal_swap``. Returns how many mentees it had."""
    check_same_organization(organization, circle)
    with transaction.atomic():
        run = _draft(circle.run)
        _check_version(run, version, "nothing was removed")
        locked = DraftCircle.objects.filter(run=run, pk=circle.pk).first()
        if locked is None:
            raise ValidationError(f"{circle} is no longer in the draft: reload the page.")
        removed = circle_runs.circle_remove(run, locked)
        _refresh_total(run)
    return removed


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
        _refuse_in_circles(run, "Adding a pair by hand")
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


def _check_version(run: MatchRun, version: str, outcome: str) -> None:
    """``version``, when given, must be the draft's as it is now (a second click is told)."""
    current = MatchProposal.objects.filter(run=run).values_list("pk", "mentor_id")
    if version and version != draft_version(current):
        raise ValidationError(
            "The draft changed since this page was loaded (perhaps a second click): "
            f"{outcome}. Check the draft below and try again if needed."
        )


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
        _refuse_in_circles(run, "Swapping mentors")
        _check_version(run, version, "nothing was swapped")
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
        if program.is_circle:
            mentorships = circle_runs.circle_draft_approve(organization, program, run)
            _approved(organization, actor, run, program)
            return mentorships
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
        overridden = []
        for mentorship, proposal in zip(mentorships, proposals, strict=True):
            if proposal.override_reason:
                mentorship.override_reason = proposal.override_reason
                overridden.append(mentorship)
        Mentorship.objects.bulk_update(overridden, ["override_reason"])
        _approved(organization, actor, run, program)
    return mentorships


def _approved(organization: Organization, actor: User, run: MatchRun, program: Program) -> None:
    """The run is approved; a program in Matching whose start has come moves to Running."""
    run.status, run.approved_by, run.approved_at = (
        MatchRunStatus.APPROVED,
        profile_of(actor),
        timezone.now(),
    )
    run.save(update_fields=["status", "approved_by", "approved_at"])
    if program.status == ProgramStatus.MATCHING and program.starts_on <= timezone.localdate():
        program_transition(
            organization=organization,
            actor=actor,
            program=program,
            to_status=ProgramStatus.RUNNING,
        )


def program_readiness(program: Program) -> str:
    """What a manager reads about a program's next step after approval: "" unless the
    program is in Matching with an approved run and a start date still to come."""
    if program.status != ProgramStatus.MATCHING or program.starts_on <= timezone.localdate():
        return ""
    approved = MatchRun.objects.filter(program=program, status=MatchRunStatus.APPROVED)
    if not approved.exists():
        return ""
    return f"Ready to start on {date_format(program.starts_on)}"
