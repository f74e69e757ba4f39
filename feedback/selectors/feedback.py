"""The pair's feedback pages: the feedback received (grouped by skill) and given, with the
coach's hints, and the one piece of feedback its receiver acts on.

Feedback text, reflections and survey comments are for the two people of a pair only,
and in a circle for the giver and the receiver only: every selector starts from a
mentorship of which the user is a member (``matching.access``) and reads only feedback the
user gave or received; anyone else (the circle's other members, program managers and HR
included) gets the same 404 as for a missing one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matching.access import PairSide, access_pair
from programs.models import Skill
from sessions.models import Session, SessionStatus

from ..models import Feedback
from ..specificity import Assessment

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django_stubs_ext import StrOrPromise

    from matching.models import Mentorship
    from mentoring.tenancy.models import Organization


def pair_sessions_for_feedback(mentorship: Mentorship) -> QuerySet[Session]:
    """The pair's sessions feedback can refer to: begun, neither cancelled nor missed; newest
    first, as a queryset for a form's choices."""
    return (
        Session.objects.filter(mentorship=mentorship, starts_at__lte=timezone.now())
        .exclude(status__in=[SessionStatus.CANCELLED, SessionStatus.NO_SHOW])
        .order_by("-starts_at", "-pk")
    )


PART_NAMES = {
    "situation": _("Situation"),
    "behaviour": _("Behaviour"),
    "impact": _("Impact"),
    "next_step": _("Next step"),
}


@dataclass(frozen=True)
class CoachVerdict:
    """The coach's score (0 to 4) and, for each missing part, its name, hint and example."""

    score: int
    hints: list[tuple[StrOrPromise, StrOrPromise, StrOrPromise]]


def coach_verdict(assessment: Assessment) -> CoachVerdict:
    return CoachVerdict(
        score=assessment.score,
        hints=[(PART_NAMES[part], hint, example) for part, hint, example in assessment.hints],
    )


def _with_hints(feedback: Feedback) -> Feedback:
    """The coach's hints for the parts the feedback missed when it was given."""
    feedback.hints = coach_verdict(  # type: ignore[attr-defined]  # for the template
        Assessment(feedback.specificity, list(feedback.missing))
    ).hints
    return feedback


@dataclass
class SkillFeedback:
    skill: Skill
    items: list[Feedback]


@dataclass
class FeedbackPage:
    side: PairSide
    received_by_skill: list[SkillFeedback]
    given: list[Feedback]

    @property
    def received_count(self) -> int:
        return sum(len(group.items) for group in self.received_by_skill)

    @property
    def received(self) -> list[Feedback]:
        return [item for group in self.received_by_skill for item in group.items]


def feedback_page(*, organization: Organization, user: User, mentorship_id: int) -> FeedbackPage:
    """The feedback the user received in the pair or circle, grouped by skill (skills by
    name, newest first within each), and the feedback they gave, newest first: never
    feedback between two other members of a circle. Two queries (three in a circle: its
    members), whatever the number of items."""
    side = access_pair(organization=organization, user=user, mentorship_id=mentorship_id)
    me = side.me
    items = [
        _with_hints(item)
        for item in Feedback.objects.filter(mentorship=side.mentorship)
        .filter(Q(giver=me) | Q(receiver=me))
        .select_related("skill", "session", "experiment", "giver", "receiver")
        .order_by("-created_at", "-pk")
    ]
    groups: dict[int, SkillFeedback] = {}
    for item in items:
        if item.receiver_id == me.pk:
            groups.setdefault(item.skill_id, SkillFeedback(item.skill, [])).items.append(item)
    return FeedbackPage(
        side=side,
        received_by_skill=sorted(groups.values(), key=lambda g: (g.skill.name.lower(), g.skill.pk)),
        given=[item for item in items if item.giver_id == me.pk],
    )


def access_received_feedback(
    *, organization: Organization, user: User, mentorship_id: int, feedback_id: int
) -> Feedback:
    """Feedback of the pair or circle that the user received, or 404 (also for its giver,
    and for the circle's other members: only the receiver reflects on it or turns it into
    an experiment)."""
    feedback = (
        Feedback.objects.filter(pk=feedback_id, mentorship_id=mentorship_id, receiver__user=user)
        .select_related("mentorship", "skill")
        .first()
    )
    if feedback is None:
        raise Http404("No such feedback.")
    return feedback
