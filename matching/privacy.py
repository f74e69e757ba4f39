"""How matching's models are exported, erased and expired (``hooks.PRIVACY_RULES``)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from django.db.models import Q

from mentoring.privacy.registry import Subject, organization, person
from mentoring.privacy.rules import REMOVED, Erasure, PrivacyRules
from mentoring.tenancy.models import Organization

from .access import person_filter, side_filter
from .models import OPEN_MENTORSHIP, FitCheck, MatchProposal, MentorRequest, Mentorship


def _pair(s: Subject) -> Q:
    """Requests and proposals where the person is mentee or mentor."""
    return side_filter(s.profile)


def _member(s: Subject) -> Q:
    """Mentorships the person is a member of."""
    return person_filter(s.profile)


ENTRIES = (
    organization("matching.MatchRun", "Matching runs"),
    person(
        "matching.LeftOutMentor",
        "Matching runs that left you out, and why",
        lambda s: Q(mentor__person=s.profile),
    ),
    person("matching.MatchProposal", "Matching proposals about you", _pair),
    person(
        "matching.UnmatchedMentee",
        "Matching runs that found you no mentor",
        lambda s: Q(mentee__person=s.profile),
    ),
    person("matching.Mentorship", "Your mentorships", _member),
    person(
        "matching.MentorshipMember",
        "Your places in mentorships",
        lambda s: Q(person=s.profile),
    ),
    person("matching.MentorRequest", "Mentor requests you sent or received", _pair),
    person("matching.FitCheck", "Your fit-check answers", lambda s: Q(respondent=s.profile)),
)


def erase(erasure: Erasure) -> dict[str, int]:
    profile = erasure.profile
    mentorships = Mentorship.objects.filter(person_filter(profile))
    return {
        "mentorships": mentorships.update(end_reason="", override_reason=""),
        "proposals": MatchProposal.objects.filter(side_filter(profile)).update(override_reason=""),
        "mentor_requests": MentorRequest.objects.filter(side_filter(profile)).update(
            message=REMOVED, response_reason=""
        ),
        "fit_checks": FitCheck.objects.filter(mentorship__in=mentorships).update(comment=""),
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
    ids = list(profile_ids)
    counts: Counter[int] = Counter()
    for mentee, mentor in Mentorship.objects.filter(
        OPEN_MENTORSHIP, Q(mentee__person_id__in=ids) | Q(mentor__person_id__in=ids)
    ).values_list("mentee__person_id", "mentor__person_id"):
        counts[mentee] += mentee in ids
        counts[mentor] += mentor in ids
    return {pk: counts[pk] for pk in ids}


RULES = PrivacyRules(entries=ENTRIES, erase=erase, expire=expire, open_commitments=open_pairs)
