"""The former reading of the feedback statistics, one program at a time through the ORM:
the reference the single SQL statement of ``program_overviews`` must equal."""

from __future__ import annotations

from django.db.models import Avg, Count, F

from feedback.models import Feedback
from feedback.selectors.statistics import (
    FEEDBACK_GROUPS,
    RECOGNITION_MINIMUM,
    RECOGNITION_THRESHOLD,
    suppressed_feedback,
)
from programs.models import Program


def feedback_statistics(program: Program) -> dict:
    """Counts by skill and kind and the average specificity, under the suppression rule:
    never any text."""
    of_program = Feedback.objects.filter(mentorship__program=program)
    rows = (
        of_program.values("skill__name", "kind")
        .annotate(**FEEDBACK_GROUPS)
        .order_by("skill__name", "kind")
    )
    return suppressed_feedback(list(rows), of_program.aggregate(**FEEDBACK_GROUPS))


def recognition_candidates(
    program: Program, minimum: int = RECOGNITION_MINIMUM, threshold: float = RECOGNITION_THRESHOLD
) -> list[dict]:
    """Mentors whose feedback is consistently specific (counts and averages only)."""
    return list(
        Feedback.objects.filter(mentorship__program=program, giver=F("mentorship__mentor__person"))
        .values("giver_id", "giver__display_name")
        .annotate(count=Count("pk"), specificity=Avg("specificity"))
        .filter(count__gte=minimum, specificity__gte=threshold)
        .order_by("-specificity", "giver__display_name")
    )
