"""Demo feedback for `seed_demo`: mostly specific, some vague; self and observed ratings at
the start and at the first review; pulse answers from every pair, stored in the circle's
second pulse period, which has closed, so HR sees their figures. In each circle of the
circle program, feedback goes between members (mentor to mentees, mentee to mentee, mentee
to mentor), each mentee rates their own skill, the mentor rates each mentee, and every
member answers the pulse."""

from datetime import datetime, time, timedelta
from typing import TypedDict

from django.utils import timezone

from matching.access import circle_members
from matching.models import Mentorship
from programs.demo_formats import CIRCLES, STARTED_PROGRAMS
from programs.models import EnrollmentRole

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
# Feedback between the members of a circle: (giver, receiver) as positions in the circle
# (0 is its mentor, 1.. its mentees), kind, and the texts.
CIRCLE_FEEDBACK: tuple[tuple[int, int, str, FeedbackTexts], ...] = (
    (
        0,
        1,
        "keep",
        {
            "situation": "In our last circle, when we practised disagreeing with a director",
            "behaviour": "you gave your view in one sentence and then your reason, without "
            "apologizing first",
            "impact": "so the point landed and two people asked you to say more",
            "suggestion": "Try the same opening in the month-end meeting",
        },
    ),
    (
        0,
        2,
        "change",
        {
            "situation": "When you described your sprint planning meeting to the circle",
            "behaviour": "you said the estimate was probably your fault three times",
            "impact": "which made the story about you rather than about the plan",
            "suggestion": "Describe what happened once, then say what you would ask for",
        },
    ),
    (
        2,
        3,
        "keep",
        {
            "situation": "In the role-play where you pitched your campaign idea",
            "behaviour": "you paused after your first sentence and looked at each of us",
            "impact": "it made me want to hear the rest, and I stopped checking my notes",
            "suggestion": "",
        },
    ),
    (
        3,
        2,
        "keep",
        {
            "situation": "Lately",
            "behaviour": "You are really confident now!",
            "impact": "",
            "suggestion": "",
        },
    ),
    (
        1,
        0,
        "keep",
        {
            "situation": "At our second meeting, when I froze during the role-play",
            "behaviour": "you waited and then asked me what I wanted the other person to do",
            "impact": "I found my first sentence and finished the exercise",
            "suggestion": "Ask that question earlier: it helps me more than an example",
        },
    ),
)
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
    circles = list(
        Mentorship.objects.filter(program__name=CIRCLES).select_related("program", "focus_skill")
    )
    if circles and not Feedback.objects.filter(mentorship__in=circles).exists():
        for circle in sorted(circles, key=lambda circle: circle.pk):
            _seed_circle(organization, circle)
        _backdate(circles[0].program)


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


def _seed_circle(organization, circle) -> None:
    """Feedback between the circle's members, each mentee's own and the mentor's ratings of
    the shared skill at the start and the first review, and every member's pulse answers."""
    members = circle_members(circle)  # its mentor first
    mentor = members[0]
    mentees = [member for member in members if member.role == EnrollmentRole.MENTEE]
    skill = circle.focus_skill
    for giver, receiver, kind, texts in CIRCLE_FEEDBACK:
        services.feedback_give(
            organization=organization,
            actor=members[giver].person.user,
            mentorship=circle,
            skill=skill,
            kind=kind,
            receiver=members[receiver].person,
            **texts,
        )
    for index, mentee in enumerate(mentees):
        own, seen = LEVELS[index % len(LEVELS)]
        for rater, levels in ((mentee, own), (mentor, seen)):
            for moment, level, period in (("start", levels[0], 0), ("review", levels[1], 1)):
                services.skill_rating_add(
                    organization=organization,
                    actor=rater.person.user,
                    mentorship=circle,
                    skill=skill,
                    level=level,
                    moment=moment,
                    period=period,
                    enrollment=mentee.enrollment,
                )
    for index, member in enumerate(members):
        services.survey_answer(
            organization=organization,
            actor=member.person.user,
            kind="pulse",
            mentorship=circle,
            answers={"useful": 3 + index % 3, "candid": 4 + index % 2},
            period=2,
        )
