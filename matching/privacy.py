"""How matching's models are exported, erased and expired (``hooks.PRIVACY_RULES``).

A pair's texts are about both its people, so erasing one empties them. A circle goes on
for the others: erasing a member removes them from its open circles (their member row; a
circle's first mentee or mentor is first re-pointed to another member of the same role,
so that the row keeps naming two of its people) and empties only what was theirs."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mentoring.privacy.registry import Subject, organization, person
from mentoring.privacy.rules import REMOVED, Erasure, PrivacyRules
from mentoring.tenancy.models import Organization
from programs.models import EnrollmentRole, ProgramFormat

from .access import person_filter, side_filter
from .models import (
    OPEN_STATUSES,
    FitCheck,
    MatchProposal,
    MentorRequest,
    Mentorship,
    MentorshipMember,
)

CIRCLE = Q(program__format=ProgramFormat.CIRCLE)


def _pair(s: Subject) -> Q:
    """Requests and proposals where the person is mentee or mentor."""
    return side_filter(s.profile)


def _member(s: Subject) -> Q:
    """Mentorships the person is a member of."""
    return person_filter(s.profile)


ENTRIES = (
    organization("matching.MatchRun", _("Matching runs")),
    person(
        "matching.LeftOutMentor",
        _("Matching runs that left you out, and why"),
        lambda s: Q(mentor__person=s.profile),
    ),
    person("matching.MatchProposal", _("Matching proposals about you"), _pair),
    person(
        "matching.UnmatchedMentee",
        _("Matching runs that found you no mentor"),
        lambda s: Q(mentee__person=s.profile),
    ),
    person("matching.Mentorship", _("Your mentorships"), _member),
    person(
        "matching.MentorshipMember",
        _("Who is in your mentorships and circles, by name"),
        lambda s: person_filter(s.profile, "mentorship__"),
        names=(("name", "person__display_name"),),
    ),
    person(
        "matching.DraftCircle",
        _("Draft circles you were proposed to guide"),
        lambda s: Q(mentor__person=s.profile) | Q(co_mentor__person=s.profile),
    ),
    person("matching.MentorRequest", _("Mentor requests you sent or received"), _pair),
    person("matching.FitCheck", _("Your fit-check answers"), lambda s: Q(respondent=s.profile)),
)


def leave_open_circles(profile, now: datetime) -> list[Mentorship]:
    """Take ``profile`` out of their open circles: where they are the circle's first mentee
    or mentor (``Mentorship.mentee``/``mentor``), the row is re-pointed to the next member of
    the same role (the database's trigger then drops their member row); their other member
    rows are deleted. A circle's only mentor stays, under their former-member name: a
    circle names one mentor at least (and its last mentee stays the same way). Returns the
    circles they left, with their program and focus skill."""
    mine = MentorshipMember.objects.filter(
        person=profile,
        mentorship__status__in=OPEN_STATUSES,
        mentorship__program__format=ProgramFormat.CIRCLE,
    ).select_related("mentorship__program", "mentorship__focus_skill")
    left = []
    for member in mine:
        circle = member.mentorship
        first = circle.mentee_id if member.role == EnrollmentRole.MENTEE else circle.mentor_id
        if member.enrollment_id == first:
            successor = (
                MentorshipMember.objects.filter(mentorship=circle, role=member.role)
                .exclude(person=profile)
                .order_by("pk")
                .first()
            )
            if successor is None:
                continue
            field = "mentee_id" if member.role == EnrollmentRole.MENTEE else "mentor_id"
            Mentorship.objects.filter(pk=circle.pk).update(
                **{field: successor.enrollment_id}, updated_at=now
            )
        MentorshipMember.objects.filter(pk=member.pk).delete()
        left.append(circle)
    return left


def erase(erasure: Erasure) -> dict[str, int]:
    """A pair's end and override reasons and both fit-check comments go; of a circle, the
    person's own fit-check comment, and they leave its open circles (``leave_open_circles``).
    Requests and proposals: their texts go."""
    profile = erasure.profile
    mentorships = Mentorship.objects.filter(person_filter(profile))
    pairs = mentorships.exclude(CIRCLE)
    circles = mentorships.filter(CIRCLE)
    return {
        "mentorships": pairs.update(end_reason="", override_reason=""),
        "proposals": MatchProposal.objects.filter(side_filter(profile)).update(override_reason=""),
        "mentor_requests": MentorRequest.objects.filter(side_filter(profile)).update(
            message=REMOVED, response_reason=""
        ),
        "fit_checks": FitCheck.objects.filter(
            Q(mentorship__in=pairs) | Q(mentorship__in=circles, respondent=profile)
        ).update(comment=""),
        "circles_left": len(leave_open_circles(profile, erasure.now)),
    }


def expire(organization: Organization, now: datetime) -> dict[str, int]:
    """Fit-check comments follow the feedback retention, counted from when written."""
    if organization.feedback_retention_days is None:
        return {}
    cutoff = now - timedelta(days=organization.feedback_retention_days)
    return {
        "fit_check_comments": FitCheck.objects.filter(created_at__lt=cutoff)
        .exclude(comment="")
        .update(comment="")
    }


def open_pairs(profile_ids) -> dict[int, int]:
    """Open pairs and circles per person (every member of a circle)."""
    ids = list(profile_ids)
    counts = Counter(
        MentorshipMember.objects.filter(
            person_id__in=ids, mentorship__status__in=OPEN_STATUSES
        ).values_list("person_id", flat=True)
    )
    return {pk: counts[pk] for pk in ids}


RULES = PrivacyRules(entries=ENTRIES, erase=erase, expire=expire, open_commitments=open_pairs)
