"""The surveys a person answers: the pair's (or circle's: every member answers) relationship
pulse, once per check-in cadence period, and the program-usefulness survey, once per
program."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.utils import timezone

from matching.access import PAIR_PEOPLE, PairSide, access_pair, member_filter, side_of
from matching.models import OPEN_MENTORSHIP, Mentorship

from ..models import SurveyKind, SurveyResponse

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from mentoring.people.models import Profile
    from mentoring.tenancy.models import Organization
    from programs.models import Program


@dataclass
class SurveyPage:
    side: PairSide
    kind: str
    period: int
    current: SurveyResponse | None

    @property
    def program(self) -> Program:
        return self.side.mentorship.program


def pulse_period(mentorship: Mentorship, today: date | None = None) -> int:
    """The number of the mentorship's check-in cadence period ``today`` falls in (1, 2…)."""
    today = today or timezone.localdate()
    days = max((today - mentorship.started_on).days, 0)
    return days // mentorship.program.checkin_cadence_days + 1


def _current_answer(
    *,
    kind: str,
    program_id: int,
    mentorship: Mentorship | None,
    respondent: Profile,
    period: int,
) -> SurveyResponse | None:
    return SurveyResponse.objects.filter(
        kind=kind,
        program=program_id,
        mentorship=mentorship,
        respondent=respondent,
        period=period,
        is_current=True,
    ).first()


def pulse_page(*, organization: Organization, user: User, mentorship_id: int) -> SurveyPage:
    """The pair's (or circle's) relationship pulse for the current cadence period, with the
    user's current answer for it (or None)."""
    side = access_pair(organization=organization, user=user, mentorship_id=mentorship_id)
    period = pulse_period(side.mentorship)
    current = _current_answer(
        kind=SurveyKind.PULSE,
        program_id=side.mentorship.program_id,
        mentorship=side.mentorship,
        respondent=side.me,
        period=period,
    )
    return SurveyPage(side=side, kind=SurveyKind.PULSE, period=period, current=current)


def program_survey_page(*, organization: Organization, user: User, program_id: int) -> SurveyPage:
    """The program-usefulness survey for someone with a mentorship in the program (as
    mentee or mentor; their open one first), with their current answer; or 404."""
    mentorship = (
        Mentorship.objects.filter(member_filter(user), program_id=program_id)
        .select_related(*PAIR_PEOPLE)
        .annotate(
            closed=Case(
                When(OPEN_MENTORSHIP, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("closed", "-started_on", "-pk")
        .first()
    )
    if mentorship is None:
        raise Http404("No mentorship of yours in this program.")
    side = side_of(mentorship, user)
    current = _current_answer(
        kind=SurveyKind.PROGRAM,
        program_id=program_id,
        mentorship=None,
        respondent=side.me,
        period=0,
    )
    return SurveyPage(side=side, kind=SurveyKind.PROGRAM, period=0, current=current)
