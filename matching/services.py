"""Every write of matching: runs, draft edits, approval, self-match requests, onboarding
pairs, the mentorship lifecycle, fit checks and re-matching.

Services load the pool, call the pure scorer and solver, and persist the result in bulk.
"""

from __future__ import annotations

import time

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mentoring.audit.models import AuditAction
from mentoring.audit.services import record_rows
from mentoring.common.guards import check_same_organization
from mentoring.notifications import events
from mentoring.people.selectors import profile_of
from programs.models import (
    Enrollment,
    EnrollmentRole,
    EnrollmentStatus,
    MatchingMode,
    Program,
    ProgramStatus,
)
from sessions.models import Session, SessionStatus

from . import explain
from .models import (
    OPEN_MENTORSHIP,
    FitCheck,
    MatchProposal,
    MatchRun,
    MatchRunStatus,
    MentorRequest,
    Mentorship,
    MentorshipStatus,
    RequestStatus,
    UnmatchedMentee,
    UnmatchedReason,
)
from .pool import Pool, load_pool, program_fingerprint, program_weights
from .scoring import Weight, score_block
from .solver import assigned_scores, match

# ---------------------------------------------------------------- match runs


def match_run_start(
    *, organization, actor, program: Program, weights: dict | None = None
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


def _pair_facts(pool: Pool, run: MatchRun, mentee: Enrollment, mentor: Enrollment, exclude=()):
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


def proposal_remove(*, organization, actor, proposal: MatchProposal) -> None:
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
    organization,
    actor,
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
    *, organization, actor, first: MatchProposal, second: MatchProposal, override_reason: str = ""
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


def _create_mentorships(organization, program, pairs, run=None) -> list[Mentorship]:
    started_on = max(timezone.localdate(), program.starts_on)
    if program.ends_on <= started_on:
        raise ValidationError(f"“{program}” ends on {program.ends_on}: extend it before pairing.")
    mentorships = Mentorship.objects.bulk_create(
        Mentorship(
            organization=organization,
            program=program,
            mentee=mentee,
            mentor=mentor,
            started_on=started_on,
            ends_on=program.ends_on,
            score=score,
            breakdown=parts,
            match_run=run,
        )
        for mentee, mentor, score, parts in pairs
    )
    # bulk_create sends no signals: the audit log is told here.
    record_rows(organization=organization, action=AuditAction.CREATE, rows=mentorships)
    events.pairs_published(organization, mentorships)
    return mentorships


def match_run_approve(*, organization, actor, run: MatchRun) -> list[Mentorship]:
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
        mentorships = _create_mentorships(
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


# ---------------------------------------------------------------- single-mentee matching


def best_mentors(program: Program, mentee: Enrollment, limit: int = 10) -> list[dict]:
    """Eligible mentors with a free place, best first, each with score and breakdown."""
    pool = load_pool(program, program_weights(program), only_mentee_ids=[mentee.pk])
    if not pool.mentees or not pool.mentors:
        return []
    score, eligible = score_block(pool.problem, np.array([0]))
    order = [j for j in np.argsort(-score[0], kind="stable") if eligible[0, j]]
    return [
        {
            "mentor": pool.mentors[j],
            "score": float(score[0, j]),
            "breakdown": explain.breakdown(pool, 0, int(j)),
        }
        for j in order[:limit]
    ]


def onboarding_match(*, organization, mentee: Enrollment) -> Mentorship | MatchProposal | None:
    """Pair a new member of an onboarding program with the best free mentor at once, or
    propose the pair in the program's open draft, as the program says."""
    program = mentee.program
    best = best_mentors(program, mentee, limit=1)
    if not best:
        return None
    choice = best[0]
    if program.onboarding_pairs_directly:
        return _create_mentorships(
            organization,
            program,
            [(mentee, choice["mentor"], choice["score"], choice["breakdown"])],
        )[0]
    run = MatchRun.objects.filter(program=program, status=MatchRunStatus.DRAFT).first()
    if run is None:
        run = MatchRun.objects.create(
            organization=organization,
            program=program,
            weights={str(k): str(v) for k, v in program_weights(program).items()},
            fingerprint=program_fingerprint(program),
        )
    proposal = MatchProposal.objects.create(
        organization=organization,
        run=run,
        mentee=mentee,
        mentor=choice["mentor"],
        score=choice["score"],
        breakdown=choice["breakdown"],
    )
    run.fingerprint = program_fingerprint(program)
    run.total_score += choice["score"]
    run.save(update_fields=["fingerprint", "total_score"])
    return proposal


# ---------------------------------------------------------------- self-match

MAX_PENDING_REQUESTS = 3
CLOSED_PROGRAM = "This program has ended: it takes no new mentor requests or pairs."


def _own_mentee_enrollment(actor, program) -> Enrollment:
    enrollment = Enrollment.objects.filter(
        program=program,
        person__user=actor,
        role=EnrollmentRole.MENTEE,
        status=EnrollmentStatus.APPROVED,
    ).first()
    if enrollment is None:
        raise ValidationError("You need an approved mentee place in this program first.")
    return enrollment


def mentor_request_create(
    *, organization, actor, program: Program, mentor: Enrollment, message: str
) -> MentorRequest:
    check_same_organization(organization, program, mentor)
    if program.matching_mode != MatchingMode.SELF:
        raise ValidationError("In this program, program managers match mentors and mentees.")
    if program.status == ProgramStatus.CLOSED:
        raise ValidationError(CLOSED_PROGRAM)
    mentee = _own_mentee_enrollment(actor, program)
    if not message.strip():
        raise ValidationError({"message": "Say in a sentence or two why you ask this mentor."})
    with transaction.atomic():
        if Mentorship.objects.filter(OPEN_MENTORSHIP, mentee=mentee).exists():
            raise ValidationError("You already have a mentor in this program.")
        pending = MentorRequest.objects.filter(mentee=mentee, status=RequestStatus.PENDING)
        if pending.filter(mentor=mentor).exists():
            raise ValidationError("You already asked this mentor; wait for the answer.")
        if pending.count() >= MAX_PENDING_REQUESTS:
            raise ValidationError(
                f"You can wait for at most {MAX_PENDING_REQUESTS} answers at once."
            )
        if mentor.pk not in {
            row["mentor"].pk for row in best_mentors(program, mentee, limit=10_000)
        }:
            raise ValidationError("This mentor is not available to you (rules or capacity).")
        request = MentorRequest.objects.create(
            organization=organization,
            program=program,
            mentee=mentee,
            mentor=mentor,
            message=message.strip(),
        )
        events.mentor_request_received(organization, request)
        return request


def mentor_request_withdraw(*, organization, actor, request: MentorRequest) -> MentorRequest:
    """The mentee takes back a request the mentor has not answered yet."""
    check_same_organization(organization, request)
    with transaction.atomic():
        request = (
            MentorRequest.objects.select_for_update()
            .select_related("mentee__person")
            .get(pk=request.pk)
        )
        if request.mentee.person.user_id != actor.pk:
            raise ValidationError("Only the mentee who asked can withdraw the request.")
        if request.status != RequestStatus.PENDING:
            raise ValidationError("This request has already been answered or withdrawn.")
        request.status = RequestStatus.WITHDRAWN
        request.save(update_fields=["status"])
    return request


def mentor_request_answer(
    *, organization, actor, request: MentorRequest, accept: bool, reason: str = ""
) -> MentorRequest:
    """The mentor accepts or declines. Places are counted under a lock on the mentor's
    enrolment: when two acceptances race for the last place, exactly one wins."""
    check_same_organization(organization, request)
    with transaction.atomic():
        request = (
            MentorRequest.objects.select_for_update()
            .select_related("program", "mentee", "mentor__person")
            .get(pk=request.pk)
        )
        if request.mentor.person.user_id != actor.pk:
            raise ValidationError("Only the requested mentor can answer.")
        if request.status != RequestStatus.PENDING:
            raise ValidationError("This request has already been answered or withdrawn.")
        if not accept and not reason.strip():
            raise ValidationError({"reason": "Give the mentee a short reason."})
        request.answered_at = timezone.now()
        request.response_reason = reason.strip()
        if accept:
            if request.program.status == ProgramStatus.CLOSED:
                raise ValidationError(CLOSED_PROGRAM)
            mentor = Enrollment.objects.select_for_update().get(pk=request.mentor_id)
            taken = Mentorship.objects.filter(OPEN_MENTORSHIP, mentor=mentor).count()
            if taken >= (mentor.capacity or 0):
                raise ValidationError("You have no free place left in this program.")
            if Mentorship.objects.filter(OPEN_MENTORSHIP, mentee=request.mentee).exists():
                raise ValidationError("This mentee has found a mentor meanwhile.")
            pool = load_pool(
                request.program,
                program_weights(request.program),
                only_mentee_ids=[request.mentee_id],
            )
            j = pool.mentor_index(mentor.pk)
            score, _ = score_block(pool.problem, np.array([0]), np.array([j]))
            _create_mentorships(
                organization,
                request.program,
                [(request.mentee, mentor, float(score[0, 0]), explain.breakdown(pool, 0, j))],
            )
            MentorRequest.objects.filter(
                mentee=request.mentee, status=RequestStatus.PENDING
            ).exclude(pk=request.pk).update(status=RequestStatus.WITHDRAWN)
        request.status = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
        request.save(update_fields=["status", "answered_at", "response_reason"])
        events.mentor_request_answered(organization, request)
    return request


# ---------------------------------------------------------------- lifecycle, fit, re-match

MENTORSHIP_TRANSITIONS = {
    MentorshipStatus.ACTIVE: {
        MentorshipStatus.PAUSED,
        MentorshipStatus.COMPLETED,
        MentorshipStatus.ENDED_EARLY,
    },
    MentorshipStatus.PAUSED: {
        MentorshipStatus.ACTIVE,
        MentorshipStatus.COMPLETED,
        MentorshipStatus.ENDED_EARLY,
    },
    MentorshipStatus.COMPLETED: set(),
    MentorshipStatus.ENDED_EARLY: set(),
}


def mentorship_set_status(
    *, organization, actor, mentorship: Mentorship, status: str, reason: str = ""
) -> Mentorship:
    check_same_organization(organization, mentorship)
    with transaction.atomic():
        mentorship = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
        target = MentorshipStatus(status)
        if target not in MENTORSHIP_TRANSITIONS[MentorshipStatus(mentorship.status)]:
            raise ValidationError(
                f"A mentorship that is {mentorship.get_status_display().lower()} "
                f"cannot become {target.label.lower()}."
            )
        if target == MentorshipStatus.ENDED_EARLY and not reason.strip():
            raise ValidationError({"reason": "Say why the mentorship ends early."})
        mentorship.status = target
        if target in (MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY):
            mentorship.ended_on = timezone.localdate()
            mentorship.end_reason = reason.strip()
        mentorship.save()
    return mentorship


def mentorship_extend(*, organization, actor, mentorship: Mentorship, ends_on) -> Mentorship:
    check_same_organization(organization, mentorship)
    if not mentorship.is_open:
        raise ValidationError("Only an active or paused mentorship can be extended.")
    if ends_on <= mentorship.ends_on:
        raise ValidationError({"ends_on": f"Choose a date after {mentorship.ends_on}."})
    mentorship.ends_on = ends_on
    mentorship.save(update_fields=["ends_on", "updated_at"])
    return mentorship


def fit_check_answer(
    *, organization, actor, mentorship: Mentorship, is_good_fit: bool, comment: str = ""
) -> FitCheck:
    """Either person says whether the pair fits; “not a good fit” flags it for re-matching."""
    check_same_organization(organization, mentorship)
    respondent = profile_of(actor)
    if respondent.pk not in (mentorship.mentee.person_id, mentorship.mentor.person_id):
        raise ValidationError("Only the two people of this mentorship answer its fit check.")
    if mentorship.status != MentorshipStatus.ACTIVE:
        raise ValidationError("The fit check is open while the mentorship is active.")
    if not Session.objects.filter(mentorship=mentorship, status=SessionStatus.HELD).exists():
        raise ValidationError("The fit check opens once your first session is logged as held.")
    with transaction.atomic():
        check, _created = FitCheck.objects.update_or_create(
            organization=organization,
            mentorship=mentorship,
            respondent=respondent,
            defaults={"is_good_fit": is_good_fit, "comment": comment.strip()},
        )
        flagged = FitCheck.objects.filter(mentorship=mentorship, is_good_fit=False).exists()
        if mentorship.needs_rematch != flagged:
            mentorship.needs_rematch = flagged
            mentorship.save(update_fields=["needs_rematch", "updated_at"])
    return check


def mentorship_rematch(*, organization, actor, mentorship: Mentorship) -> Mentorship:
    """End a pair that does not fit and give the mentee the best free mentor, leaving
    every other pair of the program as it is."""
    check_same_organization(organization, mentorship)
    with transaction.atomic():
        mentorship_set_status(
            organization=organization,
            actor=actor,
            mentorship=mentorship,
            status=MentorshipStatus.ENDED_EARLY,
            reason="Not a good fit: re-matched",
        )
        best = best_mentors(mentorship.program, mentorship.mentee, limit=1)
        if not best:
            raise ValidationError(
                f"No other eligible mentor has a free place for {mentorship.mentee.person}."
            )
        choice = best[0]
        return _create_mentorships(
            organization,
            mentorship.program,
            [(mentorship.mentee, choice["mentor"], choice["score"], choice["breakdown"])],
        )[0]
