"""One reminder to finish the mentor training, as a source of the core's dispatcher: an
approved mentor of a program that requires training, with modules still to finish a few
days after approval, gets one email (dedupe key ``training:<enrolment id>``), ever.

It decides from one light row per such mentor (one query) and loads only the enrolments
of the messages not written yet (one more).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple, cast

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from mentoring.notifications.dispatch import Due
from mentoring.notifications.models import Kind
from mentoring.notifications.outbox import Message
from mentoring.tenancy.hosts import organization_link
from mentoring.tenancy.models import Organization

from .models import (
    Enrollment,
    EnrollmentRole,
    EnrollmentStatus,
    ProgramStatus,
    TrainingCompletion,
    TrainingModule,
)

# Time to start on one's own before the reminder; programs that still match mentors.
REMIND_AFTER = timedelta(days=3)
TRAINING_PROGRAM_STATUSES = (ProgramStatus.ENROLLING, ProgramStatus.MATCHING, ProgramStatus.RUNNING)


def _count(queryset, group: str) -> Subquery:
    return Subquery(
        queryset.order_by().values(group).annotate(n=Count("pk")).values("n"),
        output_field=IntegerField(),
    )


class Unfinished(NamedTuple):
    """What a reminder is about: a mentor's enrolment and their progress."""

    enrollment_id: int
    finished: int
    total: int


def training_key(enrollment_id: int) -> str:
    return f"training:{enrollment_id}"


def trainings_due(now: datetime) -> list[Due]:
    """Approved mentors, approved before ``now - REMIND_AFTER``, with modules unfinished in
    a program that requires training (``about``: ``Unfinished``)."""
    rows = (
        Enrollment.objects.filter(
            role=EnrollmentRole.MENTOR,
            status=EnrollmentStatus.APPROVED,
            program__requires_training=True,
            program__status__in=TRAINING_PROGRAM_STATUSES,
        )
        .filter(
            Q(decided_at__lte=now - REMIND_AFTER)
            | Q(decided_at__isnull=True, created_at__lte=now - REMIND_AFTER)
        )
        .annotate(
            total=_count(TrainingModule.objects.filter(program=OuterRef("program")), "program"),
            finished=Coalesce(
                _count(
                    TrainingCompletion.objects.filter(
                        module__program=OuterRef("program"), person=OuterRef("person")
                    ),
                    "person",
                ),
                Value(0),
            ),
        )
        .order_by("pk")
        .values_list("pk", "person_id", "finished", "total")
    )
    return [
        Due(
            kind=Kind.TRAINING_REMINDER,
            key=training_key(pk),
            recipient=person_id,
            about=Unfinished(pk, finished, total),
        )
        for pk, person_id, finished, total in rows
        if total and finished < total
    ]


class TrainingReminders:
    """The dispatcher's source for one organization and pass (``hooks.REMINDER_SOURCES``)."""

    def __init__(self, organization: Organization, now: datetime) -> None:
        self.organization, self.now = organization, now

    def due(self) -> list[Due]:
        return trainings_due(self.now)

    def messages(self, missing: list[Due]) -> list[Message]:
        about = {due.key: cast(Unfinished, due.about) for due in missing}
        enrollments = Enrollment.objects.select_related("person", "program").in_bulk(
            [unfinished.enrollment_id for unfinished in about.values()]
        )
        messages = []
        for due in missing:
            enrollment_id, finished, total = about[due.key]
            enrollment = enrollments[enrollment_id]
            messages.append(
                Message(
                    kind=due.kind,
                    dedupe_key=due.key,
                    recipient=enrollment.person,
                    template="training_reminder",
                    context={
                        "program": enrollment.program,
                        "finished": finished,
                        "total": total,
                        "training_url": organization_link(
                            self.organization, "programs:training", program_id=enrollment.program_id
                        ),
                    },
                )
            )
        return messages
