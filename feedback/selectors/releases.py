"""When survey answers may be seen as figures: per closed period only.

A program's answers are released in periods, each counted once and never again:

- the relationship pulse in periods of the program's check-in cadence, counted from the
  day the program starts (period 1 is its first ``checkin_cadence_days`` days). An
  answer belongs to the period in which it was stored; a period is released the day
  after its last day;
- the program-usefulness survey once, the day after the program's last day, with the
  answers stored until then.

In each released period a person's latest answer stored within it counts (for the pulse:
per pair and pulse period). An answer stored later, even one that replaces an earlier
answer, belongs to a later period (the pulse) or to none (the program survey), so a
released figure never moves, and figures of a period still open are never computed.
Every reader of survey figures (the managers' statistics, the HR API, the HR summary)
reads them from here, and the one suppression rule applies to each period on its own.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from programs.models import Program

from ..models import SurveyKind, SurveyResponse

ANSWER_FIELDS = (
    "program_id",
    "kind",
    "mentorship_id",
    "respondent_id",
    "respondent_role",
    "period",
    "answers",
    "created_at",
)


@dataclass(frozen=True)
class Release:
    """One released period of one program's survey: its first and last day."""

    program_id: int
    kind: str
    number: int  # the pulse period (1, 2…); 0 for the program survey
    opens_on: datetime.date
    closes_on: datetime.date


@dataclass
class ReleasedAnswers:
    release: Release
    answers: list[dict[str, Any]] = field(default_factory=list)  # respondent_id, role, answers


def start_of(day: datetime.date) -> datetime.datetime:
    """The first moment of ``day`` in the platform's time zone (the zone of the periods)."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_default_timezone())


def _pulse_number(program: Program, day: datetime.date) -> int:
    return (day - program.starts_on).days // program.checkin_cadence_days + 1


def pulse_release(program: Program, number: int) -> Release:
    cadence = datetime.timedelta(days=program.checkin_cadence_days)
    opens_on = program.starts_on + cadence * (number - 1)
    return Release(
        program.pk,
        SurveyKind.PULSE,
        number,
        opens_on,
        opens_on + cadence - datetime.timedelta(days=1),
    )


def program_release(program: Program) -> Release:
    return Release(program.pk, SurveyKind.PROGRAM, 0, program.starts_on, program.ends_on)


def released_until(program: Program, kind: str, today: datetime.date) -> datetime.datetime | None:
    """The moment before which ``program``'s answers of ``kind`` belong to a released
    period (None: nothing released yet)."""
    if kind == SurveyKind.PROGRAM:
        return (
            start_of(program.ends_on + datetime.timedelta(days=1))
            if today > program.ends_on
            else None
        )
    return start_of(pulse_release(program, _pulse_number(program, today)).opens_on)


def released_filter(programs: Iterable[Program], today: datetime.date | None = None) -> Q:
    """The answers of ``programs`` that a released period counts or has passed over (an
    answer replaced within its period): none of a period still open."""
    today = today or timezone.localdate()
    condition = Q(pk__in=[])
    for program in programs:
        for kind in SurveyKind.values:
            until = released_until(program, kind, today)
            if until is not None:
                condition |= Q(program_id=program.pk, kind=kind, created_at__lt=until)
    return condition


def released_answers(
    programs: Iterable[Program], kind: str | None = None, today: datetime.date | None = None
) -> list[ReleasedAnswers]:
    """Every released period of ``programs`` (of one ``kind``, or both) with the answers
    it counts, oldest period first; one query. A period without answers is left out."""
    today = today or timezone.localdate()
    by_id = {program.pk: program for program in programs}
    condition = released_filter(by_id.values(), today)
    if kind is not None:
        condition &= Q(kind=kind)
    latest: dict[Release, dict[tuple, dict[str, Any]]] = {}
    for answer in (
        SurveyResponse.objects.filter(condition).order_by("created_at", "pk").values(*ANSWER_FIELDS)
    ):
        program = by_id[answer["program_id"]]
        person: tuple
        if answer["kind"] == SurveyKind.PROGRAM:
            release = program_release(program)
            person = (answer["respondent_id"],)
        else:
            day = timezone.localtime(answer["created_at"]).date()
            release = pulse_release(program, _pulse_number(program, day))
            person = (answer["mentorship_id"], answer["respondent_id"], answer["period"])
        latest.setdefault(release, {})[person] = answer  # the later answer replaces
    return [
        ReleasedAnswers(release, list(by_person.values()))
        for release, by_person in sorted(
            latest.items(), key=lambda item: (item[0].program_id, item[0].kind, item[0].number)
        )
    ]


def next_release_on(
    program: Program, kind: str, today: datetime.date | None = None
) -> datetime.date:
    """The day the period open ``today`` (the pulse) or the program survey is released."""
    today = today or timezone.localdate()
    if kind == SurveyKind.PROGRAM:
        return program.ends_on + datetime.timedelta(days=1)
    return pulse_release(program, _pulse_number(program, today)).closes_on + datetime.timedelta(
        days=1
    )
