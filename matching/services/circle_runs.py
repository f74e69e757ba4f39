"""Match runs of circle programs: form the circles of a pool into a draft (one DraftCircle
per circle, one proposal per mentee), remove a whole circle from a draft, check a draft's
circles before approval and turn them into circle mentorships."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db.models import Count

from programs.models import Enrollment, Program

from .. import emails, explain
from ..circles import CirclePlan, Reason, form_circles
from ..models import (
    DraftCircle,
    MatchProposal,
    MatchRun,
    Mentorship,
    UnmatchedMentee,
    UnmatchedReason,
)
from ..pool import Pool
from ..scoring import Progress, score_block
from .circles import NewCircle, circles_create

if TYPE_CHECKING:
    from mentoring.tenancy.models import Organization

WRITING = "Writing the draft"

UNMATCHED_REASON = {
    Reason.NO_ELIGIBLE_MENTOR: UnmatchedReason.NO_ELIGIBLE_MENTOR,
    Reason.CAPACITY_EXHAUSTED: UnmatchedReason.CAPACITY_EXHAUSTED,
    Reason.NO_FOCUS_SKILL: UnmatchedReason.NO_FOCUS_SKILL,
    Reason.GROUP_TOO_SMALL: UnmatchedReason.GROUP_TOO_SMALL,
}


def circle_plan(program: Program, pool: Pool, progress: Progress | None = None) -> CirclePlan:
    """The circles of the pool under the program's sizes (pure: nothing is written)."""
    return form_circles(
        pool.problem,
        min_mentees=program.circle_min_mentees,
        max_mentees=program.circle_max_mentees,
        mentors_per_circle=program.circle_mentors,
        progress=progress,
    )


def circle_draft_write(
    organization: Organization,
    run: MatchRun,
    pool: Pool,
    plan: CirclePlan,
    progress: Progress | None = None,
) -> None:
    """The plan as the run's draft in three inserts: its circles, one proposal per mentee
    (scored and explained with the circle's first mentor), the mentees left out and why."""
    total = sum(len(c.mentees) for c in plan.circles) + len(plan.unmatched)
    if progress:
        progress(0, total, WRITING)
    circles = DraftCircle.objects.bulk_create(
        DraftCircle(
            organization=organization,
            run=run,
            number=number,
            skill_id=pool.skill_ids.get(circle.skill_bit),
            mentor_id=pool.mentor_ids[circle.mentors[0]],
            co_mentor_id=pool.mentor_ids[circle.mentors[1]] if len(circle.mentors) > 1 else None,
            score=circle.score,
        )
        for number, circle in enumerate(plan.circles, start=1)
    )
    proposals = []
    for draft, circle in zip(circles, plan.circles, strict=True):
        mentees = np.array(circle.mentees, dtype=np.int64)
        leader = np.full(len(mentees), circle.mentors[0], dtype=np.int64)
        for i, parts in zip(
            mentees.tolist(), explain.breakdowns(pool, mentees, leader), strict=True
        ):
            proposals.append(
                MatchProposal(
                    organization=organization,
                    run=run,
                    circle=draft,
                    mentee_id=pool.mentee_ids[i],
                    mentor_id=draft.mentor_id,
                    score=sum(part["points"] for part in parts),
                    breakdown=parts,
                )
            )
    MatchProposal.objects.bulk_create(proposals)
    UnmatchedMentee.objects.bulk_create(
        UnmatchedMentee(
            organization=organization,
            run=run,
            mentee_id=pool.mentee_ids[i],
            reason=UNMATCHED_REASON[reason],
        )
        for i, reason in sorted(plan.unmatched.items())
    )
    if progress:
        progress(total, total, WRITING)


def circle_seat_removed(
    run: MatchRun, proposal: MatchProposal, circle_id: int, pool: Callable[[], Pool]
) -> None:
    """After a mentee's proposal left a circle of a locked draft: the circle's score loses
    the mentee's pairs with its mentors (``pool`` loads the run's pool when a co-mentor's
    pair must be scored), and a circle left with no mentee goes."""
    circle = DraftCircle.objects.get(run=run, pk=circle_id)
    if not MatchProposal.objects.filter(run=run, circle=circle).exists():
        circle.delete()
        return
    lost = proposal.score
    if circle.co_mentor_id is not None:
        loaded = pool()
        try:
            i = loaded.mentee_index(proposal.mentee_id)
            j = loaded.mentor_index(circle.co_mentor_id)
        except StopIteration:
            raise ValidationError(
                "That mentee or a mentor of the circle is no longer approved and free in "
                "this program: run the match again."
            ) from None
        score, _eligible = score_block(loaded.problem, np.array([i]), np.array([j]))
        lost += float(score[0, 0])
    circle.score -= lost
    circle.save(update_fields=["score"])


def _has_skill(pool: Pool, i: int, skill_id: int | None) -> bool:
    bits = [bit for bit, pk in pool.skill_ids.items() if pk == skill_id]
    if not bits:
        return False
    word, shift = divmod(bits[0], 64)
    return bool(int(pool.problem.mentees.skills[i][word]) >> shift & 1)


def circle_seat_move(run: MatchRun, mentee: Enrollment, circle: DraftCircle, pool: Pool) -> None:
    """Seat ``mentee`` (in another circle of the locked draft, or unmatched) in ``circle``,
    if it has room, shares the circle's skill and every mentor of it may guide the mentee
    under the program's hard rules; the scores of both circles follow."""
    program = run.program
    seat = MatchProposal.objects.filter(run=run, mentee=mentee).first()
    if seat is None and not UnmatchedMentee.objects.filter(run=run, mentee=mentee).exists():
        raise ValidationError(f"{mentee.person} is not in this draft: run the match again.")
    if seat is not None and seat.circle_id == circle.pk:
        raise ValidationError(f"{mentee.person} is in {circle} already.")
    size = MatchProposal.objects.filter(run=run, circle=circle).count()
    if size >= program.circle_max_mentees:
        raise ValidationError(
            f"{circle} is full ({size} mentees, the most a circle of “{program}” holds): "
            "remove someone from it first, or choose another circle."
        )
    try:
        i = pool.mentee_index(mentee.pk)
        mentors = [pool.mentor_index(pk) for pk in (circle.mentor_id, circle.co_mentor_id) if pk]
    except StopIteration:
        raise ValidationError(
            "That mentee or a mentor of the circle is no longer approved and free in this "
            "program: run the match again."
        ) from None
    if not _has_skill(pool, i, circle.skill_id):
        skill = circle.skill.name.lower() if circle.skill else "its focus skill"
        raise ValidationError(
            f"{mentee.person} did not choose {skill}, the focus skill {circle} shares."
        )
    scores, eligible = score_block(pool.problem, np.array([i]), np.array(mentors))
    for k, j in enumerate(mentors):
        if not eligible[0, k]:
            rules = explain.broken_rules(pool, i, j) or ["they cannot be paired"]
            raise ValidationError(
                f"{mentee.person} cannot join {circle}: "
                + "; ".join(rules)
                + ". Choose another circle."
            )
    if seat is not None and seat.circle_id is not None:
        circle_id = seat.circle_id
        seat.delete()
        circle_seat_removed(run, seat, circle_id, lambda: pool)
    UnmatchedMentee.objects.filter(run=run, mentee=mentee).delete()
    parts = explain.breakdown(pool, i, mentors[0])
    MatchProposal.objects.create(
        organization_id=run.organization_id,
        run=run,
        circle=circle,
        mentee=mentee,
        mentor_id=circle.mentor_id,
        score=sum(part["points"] for part in parts),
        breakdown=parts,
        is_manual=True,
    )
    circle.refresh_from_db(fields=["score"])
    circle.score += float(scores.sum())
    circle.save(update_fields=["score"])


def circle_remove(run: MatchRun, circle: DraftCircle) -> int:
    """Take a circle out of a locked draft: its mentees become unmatched (removed by a
    manager). Returns how many mentees it had."""
    mentee_ids = list(
        MatchProposal.objects.filter(run=run, circle=circle).values_list("mentee_id", flat=True)
    )
    UnmatchedMentee.objects.bulk_create(
        UnmatchedMentee(
            organization_id=run.organization_id,
            run=run,
            mentee_id=mentee_id,
            reason=UnmatchedReason.REMOVED,
        )
        for mentee_id in mentee_ids
    )
    circle.delete()  # its proposals go with it
    return len(mentee_ids)


def circle_sizes_check(program: Program, run: MatchRun) -> None:
    """Refuse to approve a draft with a circle outside the program's sizes, naming it."""
    for circle in (
        DraftCircle.objects.filter(run=run).annotate(size=Count("proposals")).order_by("number")
    ):
        size = circle.size
        if size < program.circle_min_mentees:
            raise ValidationError(
                f"{circle} has {size} mentee{'s' if size != 1 else ''}; a circle needs at "
                f"least {program.circle_min_mentees}: remove the circle (its mentees become "
                "unmatched), or run the match again."
            )
        if size > program.circle_max_mentees:
            raise ValidationError(
                f"{circle} has {size} mentees; a circle holds at most "
                f"{program.circle_max_mentees}: remove the circle, or run the match again."
            )


@dataclass
class _Seat:
    mentee: Enrollment
    breakdown: list[dict[str, Any]]


def circle_draft_approve(
    organization: Organization, program: Program, run: MatchRun
) -> list[Mentorship]:
    """One circle mentorship per circle of the draft (mentors, then mentees by name); its
    breakdown holds each mentee's parts, each part naming its mentee's person."""
    circle_sizes_check(program, run)
    circles = list(
        DraftCircle.objects.filter(run=run)
        .select_related("skill", "mentor__person", "co_mentor__person")
        .order_by("number")
    )
    seats: dict[int, list[_Seat]] = {circle.pk: [] for circle in circles}
    for proposal in (
        MatchProposal.objects.filter(run=run, circle__isnull=False)
        .select_related("mentee__person")
        .order_by("mentee__person__display_name", "pk")
    ):
        if proposal.circle_id is not None:
            seats[proposal.circle_id].append(_Seat(proposal.mentee, proposal.breakdown))
    mentorships = circles_create(
        organization,
        program,
        [
            NewCircle(
                mentors=[c.mentor] if c.co_mentor is None else [c.mentor, c.co_mentor],
                mentees=[seat.mentee for seat in seats[c.pk]],
                skill=c.skill,
                score=c.score,
                breakdown=[
                    {**part, "person": seat.mentee.person_id}
                    for seat in seats[c.pk]
                    for part in seat.breakdown
                ],
            )
            for c in circles
        ],
        run,
    )
    emails.circles_published(organization, mentorships)
    return mentorships
