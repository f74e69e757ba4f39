"""Mentorships: creating pairs (from a run, a request, onboarding or a re-match), the
best free mentors for one mentee, and the lifecycle of a pair."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentoring.common.guards import check_same_organization
from programs.models import Enrollment, Program

from .. import emails, explain
from ..models import MatchProposal, MatchRun, MatchRunStatus, Mentorship, MentorshipStatus
from ..pool import load_pool, program_fingerprint, program_weights
from ..scoring import score_block

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from mentoring.tenancy.models import Organization


def create_mentorships(
    organization: Organization,
    program: Program,
    pairs: Iterable[tuple[Enrollment, Enrollment, float, list[dict[str, Any]]]],
    run: MatchRun | None = None,
) -> list[Mentorship]:
    """Pairs of (mentee, mentor, score, breakdown) as mentorships of the program, from today
    (or its start) to its end; audited and announced."""
    started_on = max(timezone.localdate(), program.starts_on)
    if program.ends_on <= started_on:
        raise ValidationError(
            _("“%(program)s” ends on %(day)s: extend it before pairing.")
            % {"program": program, "day": program.ends_on}
        )
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
    emails.pairs_published(organization, mentorships)
    return mentorships


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


def onboarding_match(
    *, organization: Organization, mentee: Enrollment
) -> Mentorship | MatchProposal | None:
    """Pair a new member of an onboarding program with the best free mentor at once, or
    propose the pair in the program's open draft, as the program says."""
    program = mentee.program
    best = best_mentors(program, mentee, limit=1)
    if not best:
        return None
    choice = best[0]
    if program.onboarding_pairs_directly:
        return create_mentorships(
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
    *,
    organization: Organization,
    actor: User | None,
    mentorship: Mentorship,
    status: str,
    reason: str = "",
) -> Mentorship:
    """Move a mentorship along its lifecycle (``MENTORSHIP_TRANSITIONS``); ending it early
    needs a reason, which its people see. ``actor`` None: the platform (a member left)."""
    check_same_organization(organization, mentorship)
    with transaction.atomic():
        mentorship = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
        target = MentorshipStatus(status)
        if target not in MENTORSHIP_TRANSITIONS[MentorshipStatus(mentorship.status)]:
            raise ValidationError(
                _("A mentorship that is %(current)s cannot become %(target)s.")
                % {
                    "current": mentorship.get_status_display().lower(),
                    "target": target.label.lower(),
                }
            )
        if target == MentorshipStatus.ENDED_EARLY and not reason.strip():
            raise ValidationError({"reason": _("Say why the mentorship ends early.")})
        mentorship.status = target
        if target in (MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY):
            mentorship.ended_on = timezone.localdate()
            mentorship.end_reason = reason.strip()
        mentorship.save()
    return mentorship


def mentorship_extend(
    *, organization: Organization, actor: User, mentorship: Mentorship, ends_on: date
) -> Mentorship:
    check_same_organization(organization, mentorship)
    if not mentorship.is_open:
        raise ValidationError(_("Only an active or paused mentorship can be extended."))
    if ends_on <= mentorship.ends_on:
        raise ValidationError(
            {"ends_on": _("Choose a date after %(day)s.") % {"day": mentorship.ends_on}}
        )
    mentorship.ends_on = ends_on
    mentorship.save(update_fields=["ends_on", "updated_at"])
    return mentorship


def mentorship_rematch(
    *, organization: Organization, actor: User, mentorship: Mentorship
) -> Mentorship:
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
                _("No other eligible mentor has a free place for %(name)s.")
                % {"name": mentorship.mentee.person}
            )
        choice = best[0]
        return create_mentorships(
            organization,
            mentorship.program,
            [(mentorship.mentee, choice["mentor"], choice["score"], choice["breakdown"])],
        )[0]
