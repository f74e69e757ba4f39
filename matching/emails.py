"""Emails about matching's events, written to the outbox in the same transaction as the
decision: new pairs (with the reasons they were matched), mentor requests and answers."""

from __future__ import annotations

from mentoring.notifications.models import Kind
from mentoring.notifications.outbox import Message, enqueue
from mentoring.tenancy.hosts import organization_link
from programs.formats import words_for

from . import explain


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
