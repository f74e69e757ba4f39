"""Demo feedback for `seed_demo`: mostly specific, some vague; self and observed ratings at
the start and at the first review; pulse answers from every pair."""

from typing import TypedDict

from matching.models import Mentorship
from programs.demo import LISTENING

from . import services
from .models import Feedback


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


def seed_feedback(organization) -> None:
    pairs = list(
        Mentorship.objects.filter(program__name=LISTENING).select_related(
            "mentee__person__user", "mentor__person__user"
        )
    )
    if not pairs or Feedback.objects.filter(mentorship__in=pairs).exists():
        return
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
        for rater, levels in ((mentee, (3, 3)), (mentor, (2, 3))):
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
        for person in (mentee, mentor):
            services.survey_answer(
                organization=organization,
                actor=person,
                kind="pulse",
                mentorship=pair,
                answers={"useful": 4 + index % 2, "candid": 4},
                period=1,
            )
