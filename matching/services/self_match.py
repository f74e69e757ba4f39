"""Self-match: a mentee asks a suggested mentor, the mentor accepts or declines."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentoring.common.guards import check_same_organization
from programs.models import (
    Enrollment,
    EnrollmentRole,
    EnrollmentStatus,
    MatchingMode,
    Program,
    ProgramStatus,
)

from .. import emails, explain
from ..models import OPEN_MENTORSHIP, MentorRequest, Mentorship, RequestStatus
from ..pool import load_pool, program_weights
from ..scoring import score_block
from .mentorships import best_mentors, create_mentorships

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from mentoring.tenancy.models import Organization


MAX_PENDING_REQUESTS = 3
CLOSED_PROGRAM = gettext_lazy("This program has ended: it takes no new mentor requests or pairs.")


def _own_mentee_enrollment(actor: User, program: Program) -> Enrollment:
    enrollment = Enrollment.objects.filter(
        program=program,
        person__user=actor,
        role=EnrollmentRole.MENTEE,
        status=EnrollmentStatus.APPROVED,
    ).first()
    if enrollment is None:
        raise ValidationError(_("You need an approved mentee place in this program first."))
    return enrollment


def mentor_request_create(
    *,
    organization: Organization,
    actor: User,
    program: Program,
    mentor: Enrollment,
    message: str,
) -> MentorRequest:
    check_same_organization(organization, program, mentor)
    if program.matching_mode != MatchingMode.SELF:
        raise ValidationError(_("In this program, program managers match mentors and mentees."))
    if program.status == ProgramStatus.CLOSED:
        raise ValidationError(CLOSED_PROGRAM)
    mentee = _own_mentee_enrollment(actor, program)
    if not message.strip():
        raise ValidationError({"message": _("Say in a sentence or two why you ask this mentor.")})
    with transaction.atomic():
        if Mentorship.objects.filter(OPEN_MENTORSHIP, mentee=mentee).exists():
            raise ValidationError(_("You already have a mentor in this program."))
        pending = MentorRequest.objects.filter(mentee=mentee, status=RequestStatus.PENDING)
        if pending.filter(mentor=mentor).exists():
            raise ValidationError(_("You already asked this mentor; wait for the answer."))
        if pending.count() >= MAX_PENDING_REQUESTS:
            raise ValidationError(
                _("You can wait for at most %(most)s answers at once.")
                % {"most": MAX_PENDING_REQUESTS}
            )
        if mentor.pk not in {
            row["mentor"].pk for row in best_mentors(program, mentee, limit=10_000)
        }:
            raise ValidationError(_("This mentor is not available to you (rules or capacity)."))
        request = MentorRequest.objects.create(
            organization=organization,
            program=program,
            mentee=mentee,
            mentor=mentor,
            message=message.strip(),
        )
        emails.mentor_request_received(organization, request)
        return request


def mentor_request_answer(
    *,
    organization: Organization,
    actor: User,
    request: MentorRequest,
    accept: bool,
    reason: str = "",
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
            raise ValidationError(_("Only the requested mentor can answer."))
        if request.status != RequestStatus.PENDING:
            raise ValidationError(_("This request has already been answered or withdrawn."))
        if not accept and not reason.strip():
            raise ValidationError({"reason": _("Give the mentee a short reason.")})
        request.answered_at = timezone.now()
        request.response_reason = reason.strip()
        if accept:
            if request.program.status == ProgramStatus.CLOSED:
                raise ValidationError(CLOSED_PROGRAM)
            mentor = Enrollment.objects.select_for_update().get(pk=request.mentor_id)
            taken = Mentorship.objects.filter(OPEN_MENTORSHIP, mentor=mentor).count()
            if taken >= (mentor.capacity or 0):
                raise ValidationError(_("You have no free place left in this program."))
            if Mentorship.objects.filter(OPEN_MENTORSHIP, mentee=request.mentee).exists():
                raise ValidationError(_("This mentee has found a mentor meanwhile."))
            pool = load_pool(
                request.program,
                program_weights(request.program),
                only_mentee_ids=[request.mentee_id],
            )
            j = pool.mentor_index(mentor.pk)
            score, _satisfied = score_block(pool.problem, np.array([0]), np.array([j]))
            create_mentorships(
                organization,
                request.program,
                [(request.mentee, mentor, float(score[0, 0]), explain.breakdown(pool, 0, j))],
            )
            MentorRequest.objects.filter(
                mentee=request.mentee, status=RequestStatus.PENDING
            ).exclude(pk=request.pk).update(status=RequestStatus.WITHDRAWN)
        request.status = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
        request.save(update_fields=["status", "answered_at", "response_reason"])
        emails.mentor_request_answered(organization, request)
    return request
