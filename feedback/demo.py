"""Demo feedback for `seed_demo`: mostly specific, some vague; self and observed ratings at
the start and at the first review; pulse answers from every pair, stored in the circle's
second pulse period, which has closed, so HR sees their figures."""

from datetime import datetime, time, timedelta
from typing import TypedDict

from django.utils import timezone

from matching.models import Mentorship
from programs.demo_formats import STARTED_PROGRAMS

from . import services
from .models import Feedback, RatingMoment, SkillRating, SurveyKind, SurveyResponse


class FeedbackTexts(TypedDict):
    situation: str
    behaviour: str
    impact: str
    suggestion: str


SPECIFIC: FeedbackTexts = {
    "situation": "In last Tuesday's planning meeting, when the budget came up",
    "behaviour": "you summarized Priya's concern in one sentence before you gave your own view",
    "impact": "so she relaxed and added two details nobody had heard before",
    "suggestion": "Next time, try the same with the quietest person in the room",
}
VAGUE: FeedbackTexts = {
    "situation": "Lately",
    "behaviour": "Great job in meetings!",
    "impact": "",
    "suggestion": "",
}
# (self at the start, self later), (observed at the start, observed later), in turn per pair
LEVELS = (((3, 3), (2, 3)), ((2, 4), (2, 3)), ((3, 4), (1, 3)), ((2, 2), (2, 2)))


def seed_feedback(organization) -> None:
    for name in STARTED_PROGRAMS:
        pairs = list(
            Mentorship.objects.filter(program__name=name).select_related(
                "program", "mentee__person__user", "mentor__person__user"
            )
        )
        if pairs and not Feedback.objects.filter(mentorship__in=pairs).exists():
            _seed_pairs(organization, pairs)


def _seed_pairs(organization, pairs) -> None:
    """Feedback both ways, start and review ratings and pulse answers for each pair."""
    for index, pair in enumerate(pairs):
        mentee, mentor = pair.mentee.person.user, pair.mentor.person.user
        skill = pair.mentee.skill_links.select_related("skill").earliest("pk").skill
        for giver, texts, kind in (
            (mentor, SPECIFIC, "keep"),
            (mentor, SPECIFIC, "change"),
            (mentee, VAGUE if index % 2 else SPECIFIC, "keep"),
        ):
            services.feedback_give(
                organization=organization,
                actor=giver,
                mentorship=pair,
                skill=skill,
                kind=kind,
                **texts,
            )
        own, seen = LEVELS[index % len(LEVELS)]
        for rater, levels in ((mentee, own), (mentor, seen)):
            services.skill_rating_add(
                organization=organization,
                actor=rater,
                mentorship=pair,
                skill=skill,
                level=levels[0],
                moment="start",
            )
            services.skill_rating_add(
                organization=organization,
                actor=rater,
                mentorship=pair,
                skill=skill,
                level=levels[1],
                moment="review",
                period=1,
            )
        for person, answers in (
            (mentee, {"useful": 4 + index % 2, "candid": 3 + (index + 1) % 3}),
            (mentor, {"useful": 3 + (index + 2) % 3, "candid": 4 + index % 2}),
        ):
            services.survey_answer(
                organization=organization,
                actor=person,
                kind="pulse",
                mentorship=pair,
                answers=answers,
                period=2,
            )
    _backdate(pairs[0].program)


def _backdate(circle) -> None:
    """Put the ratings and answers on the days they were given: the start ratings when
    the pairs began, the later ones at the first goal review, and the pulse answers in
    the middle of the second pulse period (closed by now: the circle began 130 days ago)."""

    def noon(days):
        return timezone.make_aware(datetime.combine(circle.starts_on + timedelta(days), time(12)))

    ratings = SkillRating.objects.filter(enrollment__program=circle)
    ratings.filter(moment=RatingMoment.START).update(created_at=noon(12))
    ratings.exclude(moment=RatingMoment.START).update(created_at=noon(92))
    second = circle.checkin_cadence_days + circle.checkin_cadence_days // 2
    SurveyResponse.objects.filter(program=circle, kind=SurveyKind.PULSE).update(
        created_at=noon(second)
    )
