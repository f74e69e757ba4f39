"""Emails about programs' events, written to the outbox in the same transaction as the
decision: application decisions (always sent) and goal reviews shared within a pair."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mentoring.notifications.models import Kind
from mentoring.notifications.outbox import Message, enqueue
from mentoring.tenancy.hosts import organization_link


def application_decided(organization, enrollments) -> int:
    return enqueue(
        organization,
        [
            Message(
                kind=Kind.APPLICATION_DECIDED,
                dedupe_key=f"application:{e.pk}:{e.status}:{e.decided_at:%Y%m%d%H%M%S%f}",
                recipient=e.person,
                template="application_decided",
                context={
                    "enrollment": e,
                    "url": organization_link(
                        organization, "programs:enrollment", enrollment_id=e.pk
                    ),
                },
            )
            for e in enrollments
        ],
    )


def goal_review_shared(organization, review, *, recipients, what: str) -> int:
    """Tell the other member of the pair about a goal review: ``what`` is "review" (the
    mentee recorded it; sent once per review) or "observation" (the mentor added to it;
    once per saved version)."""
    goal = review.goal
    version = review.observation_version if what == "observation" else 0
    url = organization_link(
        organization,
        "programs:enrollment",
        enrollment_id=goal.enrollment_id,
        anchor=f"review-{review.pk}",
    )
    return enqueue(
        organization,
        [
            Message(
                kind=Kind.GOAL_REVIEW_SHARED,
                dedupe_key=f"goal-review-shared:{review.pk}:{what}:{version}:{person.pk}",
                recipient=person,
                template="goal_review_shared",
                context={"review": review, "goal": goal, "what": what, "url": url},
            )
            for person in recipients
        ],
    )


# Lazy: the email is rendered in its recipient's language.
ENROLLED_NEXT_STEPS = {
    "mentee": [
        _("Open your enrolment and check your focus skills and your goal."),
        _(
            "Think of two or three recent situations where those skills mattered: they make a "
            "good start for the first session."
        ),
        _("You will hear from us as soon as you have a mentor."),
    ],
    "mentor": [
        _("Open your enrolment and check the skills you offer and how many mentees you can take."),
        _("You will hear from us as soon as a mentee is paired with you."),
    ],
}


def enrolled(organization, enrollments) -> int:
    """Tell people a manager enrolled (one by one, by CSV or through an invitation): which
    program, their role, what to do next. Once per enrolment (and per re-enrolment)."""
    return enqueue(
        organization,
        [
            Message(
                kind=Kind.ENROLLED,
                dedupe_key=f"enrolled:{e.pk}:{e.decided_at:%Y%m%d%H%M%S%f}",
                recipient=e.person,
                template="enrolled",
                context={
                    "enrollment": e,
                    "next_steps": ENROLLED_NEXT_STEPS[e.role],
                    "url": organization_link(
                        organization, "programs:enrollment", enrollment_id=e.pk
                    ),
                },
            )
            for e in enrollments
        ],
    )
