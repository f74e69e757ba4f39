"""A mentee's goals, and the reviews the mentee and their mentor write of them. In a peer
program both partners keep goals (each grows a skill): the one who offered to share a skill
too, and each partner reviews the other's."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentoring import hooks
from mentoring.common.guards import check_same_organization
from mentoring.common.locks import locked, refuse_repeat
from mentoring.people.selectors import profile_of

from .. import emails
from ..events import GOAL_PARTNER_PEOPLE, GOAL_REVIEWER
from ..formats import WORDS, words_for
from ..models import Enrollment, EnrollmentRole, Goal, GoalReview, GoalStatus, Skill
from ..schedule import goal_review_start_on, review_period_on
from .programs import program_skills

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from mentoring.tenancy.models import Organization

VAGUE_GOAL_PATTERNS = [
    r"^(be|get|become)\s+(a\s+)?(better|more)\b",
    r"^improve\s+(my\s+)?(\w+\s+)?skills?\b",
    r"\bcommunicate better\b",
    r"^(work on|develop|improve)\s+(my\s+)?\w+$",
]
MIN_GOAL_WORDS = 6


def goal_statement_problem(statement: str) -> str | None:
    """Why a goal is too vague to observe, or None. The application form shows it."""
    text = " ".join(statement.split()).lower().rstrip(".!")
    if len(text.split()) < MIN_GOAL_WORDS or any(re.search(p, text) for p in VAGUE_GOAL_PATTERNS):
        return _(
            "Make the goal concrete: say what you will do, in which situation, so that someone "
            "else could see it happen. Not “communicate better” but, for example, “run our "
            "weekly planning so that every quieter colleague speaks at least once”."
        )
    return None


MUTUAL_FORMATS = [value for value, words in WORDS.items() if words.is_mutual]


def holds_goals(enrollment: Enrollment) -> bool:
    """Whether an enrolment keeps goals: the mentee side, and both partners of a peer
    program (needs ``enrollment.program``)."""
    return enrollment.role == EnrollmentRole.MENTEE or words_for(enrollment.program).is_mutual


def goal_holder_filter(prefix: str = "") -> Q:
    """``holds_goals`` as a filter over Enrollment (or rows reached through ``prefix``)."""
    return Q(**{f"{prefix}role": EnrollmentRole.MENTEE}) | Q(
        **{f"{prefix}program__format__in": MUTUAL_FORMATS}
    )


def _check_enrollment_active(enrollment: Enrollment) -> None:
    if not enrollment.is_active:
        raise ValidationError(
            _("This enrolment is no longer active: its goals and reviews are closed.")
        )


def _check_mentee(actor: User, enrollment: Enrollment) -> None:
    _check_enrollment_active(enrollment)
    if not holds_goals(enrollment) or enrollment.person.user_id != actor.pk:
        raise ValidationError(_("Only the mentee of this enrolment can change its goals."))


def _check_goal_fields(enrollment: Enrollment, statement: str, skill: Skill) -> None:
    errors = {}
    problem = goal_statement_problem(statement)
    if problem:
        errors["statement"] = problem
    if skill.pk not in program_skills(enrollment.program):
        errors["skill"] = _("Choose one of the program's focus skills.")
    if errors:
        raise ValidationError(errors)


def goal_create(
    *,
    organization: Organization,
    actor: User,
    enrollment: Enrollment,
    statement: str,
    skill: Skill,
    target_on: date | None = None,
) -> Goal:
    check_same_organization(organization, enrollment, skill)
    _check_mentee(actor, enrollment)
    _check_goal_fields(enrollment, statement, skill)
    statement = " ".join(statement.split())
    with transaction.atomic():
        refuse_repeat(
            Enrollment.objects.filter(pk=enrollment.pk),
            Goal.objects.filter(enrollment=enrollment, statement=statement, skill=skill),
            _("You already have this goal."),
        )
        return Goal.objects.create(
            organization=organization,
            enrollment=enrollment,
            statement=statement,
            skill=skill,
            target_on=target_on,
        )


def goal_update(
    *,
    organization: Organization,
    actor: User,
    goal: Goal,
    statement: str,
    skill: Skill,
    target_on: date | None,
    status: str,
) -> Goal:
    check_same_organization(organization, goal, skill)
    _check_mentee(actor, goal.enrollment)
    _check_goal_fields(goal.enrollment, statement, skill)
    if status not in GoalStatus.values or status == GoalStatus.CLOSED:
        raise ValidationError({"status": _("Unknown status.")})
    goal.statement, goal.skill, goal.target_on, goal.status = (
        " ".join(statement.split()),
        skill,
        target_on,
        status,
    )
    goal.save(update_fields=["statement", "skill", "target_on", "status", "updated_at"])
    return goal


def goal_review_add(
    *,
    organization: Organization,
    actor: User,
    goal: Goal,
    progress: int,
    what_changed: str,
    next_steps: str,
    adjusted_focus: str = "",
    on: date | None = None,
) -> GoalReview:
    """Add one person's view of a goal for the current review period (history is kept)."""
    check_same_organization(organization, goal)
    enrollment = goal.enrollment
    _check_enrollment_active(enrollment)
    author = profile_of(actor)
    # Who else may review (the mentee's mentor) is known above programs: GOAL_REVIEWER.
    is_reviewer = any(hooks.run(GOAL_REVIEWER, enrollment=enrollment, person=author))
    if author.pk != enrollment.person_id and not is_reviewer:
        raise ValidationError(_("Only the mentee and their mentor can review this goal."))
    errors = {}
    if progress not in range(1, 6):
        errors["progress"] = _("Progress is a level from 1 to 5.")
    if not what_changed.strip():
        errors["what_changed"] = _("Say what changed since the last review, even if little.")
    if not next_steps.strip():
        errors["next_steps"] = _("Say what comes next.")
    if errors:
        raise ValidationError(errors)
    today = on or timezone.localdate()
    period = review_period_on(
        goal_review_start_on(enrollment), enrollment.program.goal_review_interval_months, today
    )
    texts = {
        "progress": progress,
        "what_changed": what_changed.strip(),
        "next_steps": next_steps.strip(),
        "adjusted_focus": adjusted_focus.strip(),
    }
    with transaction.atomic():
        refuse_repeat(
            Goal.objects.filter(pk=goal.pk),
            GoalReview.objects.filter(goal=goal, period=period, author=author, **texts),
            _("You already saved this review."),
        )
        review = GoalReview.objects.create(
            organization=organization,
            goal=goal,
            period=period,
            author=author,
            author_role=(
                EnrollmentRole.MENTEE
                if author.pk == enrollment.person_id
                else EnrollmentRole.MENTOR
            ),
            **texts,
        )
        emails.goal_review_shared(
            organization, review, recipients=_other_members(enrollment, author), what="review"
        )
    return review


def _other_members(enrollment: Enrollment, author) -> list:
    """Who hears of a goal review: the mentee's current mentor when the mentee wrote it,
    the mentee when their mentor did; never the author."""
    if author.pk == enrollment.person_id:
        people = [
            p for found in hooks.run(GOAL_PARTNER_PEOPLE, enrollment=enrollment) for p in found
        ]
    else:
        people = [enrollment.person]
    return [person for person in people if person.pk != author.pk]


OBSERVATION_CHANGED = gettext_lazy(
    "%(name)s changed this observation while you were writing. Their version is shown "
    "above; your text is still in the box: merge the two and save again."
)


def goal_review_observe(
    *,
    organization: Organization,
    actor: User,
    review: GoalReview,
    text: str,
    version: int,
) -> GoalReview:
    """The mentor's observation on a mentee's goal review, saved over ``version`` (the one
    the mentor saw). A newer one is never overwritten: the same text again (a second
    click) is taken as saved, a different one is refused with the current text shown."""
    check_same_organization(organization, review)
    enrollment = review.goal.enrollment
    _check_enrollment_active(enrollment)
    author = profile_of(actor)
    is_reviewer = any(hooks.run(GOAL_REVIEWER, enrollment=enrollment, person=author))
    if (
        review.author_role != EnrollmentRole.MENTEE
        or author.pk == enrollment.person_id
        or not is_reviewer
    ):
        raise ValidationError(_("Only the mentee's mentor can add an observation to this review."))
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write what you observed, even a sentence.")})
    with transaction.atomic():
        current = locked(
            GoalReview.objects.all(),
            review.pk,
            _("This review is no longer there."),
        )
        if current.observation_version != version:
            if current.mentor_observation == text:
                return current  # sent twice: already saved
            name = current.observed_by.display_name if current.observed_by else _("Someone")
            raise ValidationError(OBSERVATION_CHANGED % {"name": name}, code="conflict")
        if current.mentor_observation == text:
            return current
        current.mentor_observation = text
        current.observed_by = author
        current.observed_at = timezone.now()
        current.observation_version = version + 1
        current.save(
            update_fields=[
                "mentor_observation",
                "observed_by",
                "observed_at",
                "observation_version",
            ]
        )
        current.goal = review.goal
        emails.goal_review_shared(
            organization, current, recipients=[enrollment.person], what="observation"
        )
    return current
