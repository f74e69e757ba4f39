"""Skill progress of a pair: the mentee's self view and the mentor's observed ratings of
each focus skill, moment by moment, and the pair's progress page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import Http404

from matching.access import PairSide, access_pair
from mentoring.charts import Series, line_chart
from programs.models import EnrollmentSkill, Skill
from programs.selectors import review_period_now

from ..models import RaterRole, RatingMoment, SkillRating

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from matching.models import Mentorship
    from mentoring.tenancy.models import Organization


@dataclass(frozen=True)
class ProgressPoint:
    label: str
    self_view: int | None
    observed: int | None

    @property
    def gap(self) -> int | None:
        if self.self_view is None or self.observed is None:
            return None
        return self.self_view - self.observed


def skill_progress(mentorship: Mentorship, skill: Skill) -> list[ProgressPoint]:
    """Self and observed ratings of one skill, moment by moment (latest rating per moment)."""
    return progress_by_skill(mentorship, [skill.pk])[skill.pk]


def progress_series(
    points: list[ProgressPoint], observer: str = "mentor"
) -> tuple[list[str], list[Series]]:
    """The chart's lines; ``observer``: what the program calls the one who observes."""
    return [p.label for p in points], [
        Series("Self view", [p.self_view for p in points]),
        Series(f"Observed by the {observer}", [p.observed for p in points]),
    ]


def _progress_points(ratings: Iterable[SkillRating]) -> list[ProgressPoint]:
    """Ratings (oldest first) as one point per moment: the latest self view and observed
    rating of each (the rule of ``skill_progress``)."""
    points: dict[tuple, dict] = {}
    order: dict[str, int] = {RatingMoment.START: 0, RatingMoment.REVIEW: 1, RatingMoment.END: 2}
    for rating in ratings:
        key = (order[rating.moment], rating.period)
        labels: dict[str, str] = {RatingMoment.START: "Start", RatingMoment.END: "End"}
        label = labels.get(rating.moment, f"Review {rating.period}")
        points.setdefault(key, {"label": label})[rating.rater_role] = rating.level
    return [
        ProgressPoint(row["label"], row.get(RaterRole.SELF), row.get(RaterRole.MENTOR))
        for _key, row in sorted(points.items())
    ]


def progress_by_skill(
    mentorship: Mentorship, skill_ids: Iterable[int]
) -> dict[int, list[ProgressPoint]]:
    """``skill_progress`` for several skills in one query: skill id -> points."""
    ratings: dict[int, list[SkillRating]] = {skill_id: [] for skill_id in skill_ids}
    for rating in SkillRating.objects.filter(
        enrollment=mentorship.mentee_id, skill__in=list(ratings)
    ).order_by("created_at", "pk"):
        ratings[rating.skill_id].append(rating)
    return {skill_id: _progress_points(rows) for skill_id, rows in ratings.items()}


@dataclass
class SkillProgress:
    skill: Skill
    points: list[ProgressPoint]
    form: object = None  # the view attaches the rating form
    observer: str = "mentor"  # the program's word for the mentor side

    @property
    def chart(self):
        labels, series = progress_series(self.points, self.observer)
        return line_chart(f"Progress in {self.skill.name}", labels, series, top=5)


@dataclass
class ProgressPage:
    side: PairSide
    skills: list[SkillProgress]
    review_period: int  # the goal review the pair is in now (a rating's default)

    def skill(self, skill_id: int) -> SkillProgress:
        for row in self.skills:
            if row.skill.pk == skill_id:
                return row
        raise Http404("Not one of the mentee's focus skills.")


def progress_page(*, organization: Organization, user: User, mentorship_id: int) -> ProgressPage:
    """The mentee's focus skills, each with its self view and observed ratings moment by
    moment; and the current goal-review period. Three queries, whatever the ratings."""
    side = access_pair(organization=organization, user=user, mentorship_id=mentorship_id)
    mentee = side.mentorship.mentee
    mentee.program = side.mentorship.program  # the review schedule reads it
    skills = [
        link.skill
        for link in EnrollmentSkill.objects.filter(enrollment=mentee)
        .select_related("skill")
        .order_by("skill__name", "skill__pk")
    ]
    points = progress_by_skill(side.mentorship, [skill.pk for skill in skills])
    return ProgressPage(
        side=side,
        skills=[
            SkillProgress(skill, points[skill.pk], observer=side.words.mentor) for skill in skills
        ],
        review_period=review_period_now(mentee),
    )
