"""Survey answers in released periods: move a program and its answers into the past, as
if its days had passed, so that every period they fall in has ended."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import F

from feedback.models import SurveyResponse
from mentoring.tenancy import activate
from programs.models import Program


def close_periods(org, program: Program) -> Program:
    """Move ``program`` (its first and last day) and its survey answers back by the same
    number of days, so that the program ended two days ago: its program survey and every
    pulse period holding an answer are released. Returns the program as moved."""
    with activate(org.organization):
        program.refresh_from_db()
        days = timedelta(days=max((program.ends_on - date.today()).days + 2, 0))
        Program.objects.filter(pk=program.pk).update(
            starts_on=F("starts_on") - days, ends_on=F("ends_on") - days
        )
        SurveyResponse.objects.filter(program=program).update(created_at=F("created_at") - days)
        program.refresh_from_db()
    return program
