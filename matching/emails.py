"""Emails about matching's events, written to the outbox in the same transaction as the
decision: new pairs and circles (with the reasons they were matched), mentor requests and
answers, and what a member's departure ended (to the program managers)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.utils.functional import lazy

from mentoring.notifications.models import Kind
from mentoring.notifications.outbox import Message, enqueue
from mentoring.tenancy.hosts import organization_link
from programs.formats import words_for
from programs.models import EnrollmentRole

from . import explain
from .access import names_sentence
from .models import MentorshipMember
from .notices import program_managers

if TYPE_CHECKING:
    from .services.departures import Departure


def pairs_published(organization, mentorships) -> int:
    """Both people of each new pair hear who they work with, and why."""
    messages = []
    for mentorship in mentorships:
        words = words_for(mentorship.program)
        people = (
            (mentorship.mentee.person, mentorship.mentor.person, words.mentor),
            (mentorship.mentor.person, mentorship.mentee.person, words.mentee),
        )
        for person, other, other_role in people:
            messages.append(
                Message(
                    kind=Kind.MATCH_PUBLISHED,
                    dedupe_key=f"pair:{mentorship.pk}:{person.pk}",
                    recipient=person,
                    template="match_published",
                    context={
                        "mentorship": mentorship,
                        "other": other,
                        "other_role": other_role,
                        # Plain reasons only: points and penalties are for the manager.
                        "reasons": explain.reasons_for_people(mentorship.breakdown),
                        "url": organization_link(
                            organization, "matching:mentorship", mentorship_id=mentorship.pk
                        ),
                    },
                )
            )
    return enqueue(organization, messages)


# Joined when the email is rendered, in its recipient's language ("Ana and Ben").
_names_sentence = lazy(names_sentence, str)


def _names(people):
    return _names_sentence([person.display_name for person in people])


def circles_published(organization, mentorships) -> int:
    """Every member of each new circle hears, once, who else is in it and why: a mentee
    the plain reasons of their own place, a mentor what the circle shares (one query)."""
    by_circle: dict[int, list[MentorshipMember]] = {m.pk: [] for m in mentorships}
    for member in (
        MentorshipMember.objects.filter(mentorship__in=list(by_circle))
        .select_related("person__department")
        .order_by("pk")
    ):
        by_circle[member.mentorship_id].append(member)
    messages = []
    for mentorship in mentorships:
        members = by_circle[mentorship.pk]
        mentors = [m.person for m in members if m.role == EnrollmentRole.MENTOR]
        mentees = [m.person for m in members if m.role == EnrollmentRole.MENTEE]
        url = organization_link(organization, "matching:mentorship", mentorship_id=mentorship.pk)
        for member in members:
            person = member.person
            is_mentee = member.role == EnrollmentRole.MENTEE
            reasons = explain.reasons_for_people(
                [part for part in mentorship.breakdown if part.get("person") == person.pk]
                if is_mentee
                else []
            )
            messages.append(
                Message(
                    kind=Kind.MATCH_PUBLISHED,
                    dedupe_key=f"circle:{mentorship.pk}:{person.pk}",
                    recipient=person,
                    template="circle_published",
                    context={
                        "mentorship": mentorship,
                        "is_mentee": is_mentee,
                        "skill": mentorship.focus_skill,
                        "mentors": [p for p in mentors if p.pk != person.pk],
                        "mentees": [p for p in mentees if p.pk != person.pk],
                        "mentor_names": _names(mentors),
                        "other_mentees": _names([p for p in mentees if p.pk != person.pk]),
                        "size": len(members),
                        # Plain reasons only: points and penalties are for the manager.
                        "reasons": reasons,
                        "url": url,
                    },
                )
            )
    return enqueue(organization, messages)


def mentor_request_received(organization, request) -> int:
    return enqueue(
        organization,
        [
            Message(
                kind=Kind.MENTOR_REQUEST,
                dedupe_key=f"request:{request.pk}:received",
                recipient=request.mentor.person,
                template="mentor_request_received",
                context={
                    "request": request,
                    "url": organization_link(organization, "matching:inbox"),
                },
            )
        ],
    )


def mentor_request_answered(organization, request) -> int:
    return enqueue(
        organization,
        [
            Message(
                kind=Kind.MENTOR_REQUEST,
                dedupe_key=f"request:{request.pk}:{request.status}",
                recipient=request.mentee.person,
                template="mentor_request_answered",
                context={
                    "request": request,
                    "url": organization_link(
                        organization, "matching:suggestions", program_id=request.program_id
                    ),
                },
            )
        ],
    )


DEPARTURE_KIND = Kind.MEMBER_LEFT


def member_left(organization, departure: Departure) -> int:
    """Each program manager hears once what a member's departure ended, with links to the
    mentorships in the admin. The key names what ended, which can end only once."""

    def admin_link(mentorship) -> dict:
        url = organization_link(
            organization, "admin:matching_mentorship_change", object_id=mentorship.pk
        )
        return {"mentorship": mentorship, "url": url}

    ended = sorted(m.pk for m in [*departure.ended, *departure.circles_left])
    what = f"{ended}:{sorted(e.pk for e in departure.withdrawn)}"
    digest = hashlib.sha256(what.encode()).hexdigest()[:16]
    context = {
        "departed": departure.person,
        "how": departure.reason_words,
        "pairs": [admin_link(m) for m in departure.ended_pairs],
        "circles_ended": [admin_link(m) for m in departure.ended_circles],
        "circles_left": [admin_link(m) for m in departure.circles_left],
        "withdrawn": departure.withdrawn,
    }
    return enqueue(
        organization,
        [
            Message(
                kind=DEPARTURE_KIND,
                dedupe_key=f"member-left:{departure.person.pk}:{digest}:{manager.pk}",
                recipient=manager,
                template="member_left",
                context=context,
            )
            for manager in program_managers()
        ],
    )
