"""Skill progress of a pair: the mentee's self view and the mentor's observed ratings of
each focus skill, moment by moment, and the pair's progress page (in a peer pair, both
partners' skills, each rated both ways; in a circle, a mentee's own skills for the mentee,
every mentee's for the circle's mentors)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import Http404
from django.utils.translation import gettext

from matching.access import PairSide, access_pair
from mentoring.charts import Series, line_chart
from programs.models import Enrollment, EnrollmentRole, EnrollmentSkill, Skill
from programs.selectors import review_period_now

from ..models import RaterRole, RatingMoment, SkillRating

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django_stubs_ext import StrOrPromise

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


def skill_progress(
    mentorship: Mentorship, skill: Skill, enrollment: Enrollment | None = None
) -> list[ProgressPoint]:
    """Self and observed ratings of one skill of ``enrollment`` (default the mentee's),
    moment by moment (latest rating per moment)."""
    return progress_by_skill(enrollment or mentorship.mentee, [skill.pk])[skill.pk]


def progress_series(
    points: list[ProgressPoint], observer: str = "mentor"
) -> tuple[list[str], list[Series]]:
    """The chart's lines; ``observer``: what the program calls the one who observes."""
    return [p.label for p in points], [
        Series(gettext("Self view"), [p.self_view for p in points]),
        Series(
            gettext("Observed by the %(observer)s") % {"observer": observer},
            [p.observed for p in points],
        ),
    ]


def _progress_points(ratings: Iterable[SkillRating]) -> list[ProgressPoint]:
    """Ratings (oldest first) as one point per moment: the latest self view and observed
    rating of each (the rule of ``skill_progress``)."""
    points: dict[tuple, dict] = {}
    order: dict[str, int] = {RatingMoment.START: 0, RatingMoment.REVIEW: 1, RatingMoment.END: 2}
    for rating in ratings:
        key = (order[rating.moment], rating.period)
        labels: dict[str, str] = {
            RatingMoment.START: gettext("Start"),
            RatingMoment.END: gettext("End"),
        }
        label = labels.get(rating.moment) or gettext("Review %(period)s") % {
            "period": rating.period
        }
        points.setdefault(key, {"label": label})[rating.rater_role] = rating.level
    return [
        ProgressPoint(row["label"], row.get(RaterRole.SELF), row.get(RaterRole.MENTOR))
        for _key, row in sorted(points.items())
    ]


def progress_by_skill(
    enrollment: Enrollment, skill_ids: Iterable[int]
) -> dict[int, list[ProgressPoint]]:
    """``skill_progress`` of one enrolment's skills in one query: skill id -> points."""
    return progress_by_enrollment({enrollment.pk: list(skill_ids)})[enrollment.pk]


def progress_by_enrollment(
    skill_ids: dict[int, list[int]],
) -> dict[int, dict[int, list[ProgressPoint]]]:
    """``progress_by_skill`` of several enrolments (enrolment id -> its skill ids) in one
    query: enrolment id -> skill id -> points."""
    ratings: dict[int, dict[int, list[SkillRating]]] = {
        enrollment_id: {skill_id: [] for skill_id in skills}
        for enrollment_id, skills in skill_ids.items()
    }
    wanted = {skill_id for skills in skill_ids.values() for skill_id in skills}
    if wanted:
        for rating in SkillRating.objects.filter(
            enrollment__in=list(ratings), skill__in=sorted(wanted)
        ).order_by("created_at", "pk"):
            rows = ratings[rating.enrollment_id].get(rating.skill_id)
            if rows is not None:  # else a skill of another of the enrolments
                rows.append(rating)
    return {
        enrollment_id: {skill_id: _progress_points(rows) for skill_id, rows in by_skill.items()}
        for enrollment_id, by_skill in ratings.items()
    }


@dataclass
class SkillProgress:
    skill: Skill
    points: list[ProgressPoint]
    form: object = None  # the view attaches the rating form
    observer: StrOrPromise = "mentor"  # the program's word for the one who observes
    # In a peer pair, whose skill (both partners' skills are on the page); else None.
    enrollment: Enrollment | None = None
    is_mine: bool = False  # the viewer's own skill: they rate their self view

    @property
    def key(self) -> str:
        """The section's anchor and the rating form's prefix: "skill-<skill>", and in a peer
        pair "skill-<enrolment>-<skill>" (both partners may share a skill)."""
        if self.enrollment is None:
            return f"skill-{self.skill.pk}"
        return f"skill-{self.enrollment.pk}-{self.skill.pk}"

    @property
    def chart(self):
        labels, series = progress_series(self.points, self.observer)
        title = gettext("Progress in %(skill)s") % {"skill": self.skill.name}
        return line_chart(title, labels, series, top=5)


@dataclass
class SkillGroup:
    """The focus skills of one person of the pair (of one mentee of a circle)."""

    enrollment: Enrollment
    is_mine: bool
    skills: list[SkillProgress]


@dataclass
class ProgressPage:
    side: PairSide
    # the mentee's skills; in a peer pair, mine first, then theirs; in a circle, a mentee's
    # own, or for its mentors every mentee's
    groups: list[SkillGroup]
    review_period: int  # the goal review the pair is in now (a rating's default)

    @property
    def skills(self) -> list[SkillProgress]:
        return [row for group in self.groups for row in group.skills]

    @property
    def mentor_names(self) -> str:
        """The circle's mentors by name, for a sentence: "Ana", "Ana and Ben"."""
        names = [person.display_name for person in self.side.mentors]
        if len(names) == 1:
            return names[0]
        return gettext("%(names)s and %(last)s") % {
            "names": ", ".join(names[:-1]),
            "last": names[-1],
        }

    def row(self, skill_id: int, enrollment_id: str | None = None) -> SkillProgress:
        """A skill on the page; ``enrollment_id`` (posted with a rating): whose skill, by
        default the mentee's (in a circle, the viewer's own). Anything else on the page,
        such as another mentee's skill for a mentee of a circle, is a 404."""
        default: int | None = self.side.mentorship.mentee_id
        if self.side.is_circle:
            mine = [group.enrollment.pk for group in self.groups if group.is_mine]
            default = mine[0] if mine else None
        for group in self.groups:
            if enrollment_id and str(group.enrollment.pk) != enrollment_id:
                continue
            if not enrollment_id and group.enrollment.pk != default:
                continue
            for row in group.skills:
                if row.skill.pk == skill_id:
                    return row
        raise Http404("Not one of the focus skills on this page.")


def _rated_people(side: PairSide) -> list[Enrollment]:
    """Whose skills the page shows: the mentee's; a peer pair's two partners (mine first);
    in a circle a mentee's own enrolment, or every mentee's for its mentors (one query)."""
    pair = side.mentorship
    if side.is_circle:
        mentees = [m for m in side.members if m.role == EnrollmentRole.MENTEE]
        if side.is_mentee:
            mentees = [m for m in mentees if m.person_id == side.me.pk]
        by_id = {
            enrollment.pk: enrollment
            for enrollment in Enrollment.objects.filter(
                pk__in=[m.enrollment_id for m in mentees]
            ).select_related("person")
        }
        return [by_id[m.enrollment_id] for m in mentees]  # in the circle's order
    people = [pair.mentee, pair.mentor] if side.words.is_mutual else [pair.mentee]
    if side.words.is_mutual and not side.is_mentee:
        people.reverse()  # my skills first
    return people


def progress_page(*, organization: Organization, user: User, mentorship_id: int) -> ProgressPage:
    """The mentee's focus skills (in a peer pair, each partner's: the skills one asked to
    grow and the other offered; in a circle, a mentee's own, or every mentee's for its
    mentors: a mentee never sees another's), each with its self view and observed ratings
    moment by moment; and the current goal-review period. Three queries, four in a peer
    pair, five in a circle (its members and mentees), whatever the skills and ratings."""
    side = access_pair(organization=organization, user=user, mentorship_id=mentorship_id)
    pair = side.mentorship
    # whose skill each rating form names: both partners' of a peer pair, a circle's mentees
    named = side.words.is_mutual or side.is_circle
    people = _rated_people(side)
    for enrollment in [*people, pair.mentee]:
        enrollment.program = pair.program  # the review schedule reads it
    skills: dict[int, list[Skill]] = {enrollment.pk: [] for enrollment in people}
    for link in (
        EnrollmentSkill.objects.filter(enrollment__in=list(skills))
        .select_related("skill")
        .order_by("skill__name", "skill__pk")
    ):
        skills[link.enrollment_id].append(link.skill)
    points = progress_by_enrollment(
        {enrollment_id: [skill.pk for skill in rows] for enrollment_id, rows in skills.items()}
    )
    groups = []
    for enrollment in people:
        rated_is_mentee = enrollment.pk == pair.mentee_id or side.is_circle
        is_mine = enrollment.person_id == side.me.pk
        rows = [
            SkillProgress(
                skill,
                points[enrollment.pk][skill.pk],
                observer=side.words.role(not rated_is_mentee),
                enrollment=enrollment if named else None,
                is_mine=is_mine,
            )
            for skill in skills[enrollment.pk]
        ]
        groups.append(SkillGroup(enrollment, is_mine, rows))
    # the review a rating is filed under: a circle mentee's own, else the (first) mentee's
    reviewed = people[0] if side.is_circle and side.is_mentee and people else pair.mentee
    return ProgressPage(side=side, groups=groups, review_period=review_period_now(reviewed))
