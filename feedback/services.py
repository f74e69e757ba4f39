"""Every write of the feedback loop: giving behaviour-based feedback, reflecting on it,
turning a suggestion into an experiment, rating skills, answering surveys."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from matching.models import Mentorship, MentorshipMember
from mentoring.common.forms import too_long
from mentoring.common.guards import check_same_organization
from mentoring.common.locks import lock, refuse_repeat
from mentoring.people.models import Profile
from mentoring.people.selectors import profile_of
from programs.formats import words_for
from programs.models import Enrollment, EnrollmentRole, ProgramSkill, Skill
from sessions import services as sessions
from sessions.models import ActionItem, Session

from . import notices
from .models import (
    Feedback,
    FeedbackKind,
    RaterRole,
    RatingMoment,
    SkillRating,
    SurveyKind,
    SurveyResponse,
)
from .specificity import assess

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from mentoring.tenancy.models import Organization

TEXT_LIMIT = 2000
PULSE_QUESTIONS = {
    "useful": gettext_noop("Our recent conversations helped me with real situations at work."),
    "candid": gettext_noop("I can be candid with my mentoring partner."),
}
# The pulse of a circle asks the same two things (the same keys, so the figures add up)
# about the group rather than one partner.
CIRCLE_PULSE_QUESTIONS = {
    "useful": PULSE_QUESTIONS["useful"],
    "candid": gettext_noop("I can be candid with the people of my circle."),
}
PROGRAM_QUESTIONS = {
    "useful": gettext_noop("The program helped me grow the skills I chose."),
    "recommend": gettext_noop(
        "How likely are you to recommend this program to a colleague? (0 to 10)"
    ),
}


def _pair_roles(actor: User, mentorship: Mentorship) -> tuple[Profile, Profile]:
    """(the actor's profile, the other person's profile) within the mentorship."""
    person = profile_of(actor)
    mentee, mentor = mentorship.mentee.person, mentorship.mentor.person
    if person.pk == mentee.pk:
        return person, mentor
    if person.pk == mentor.pk:
        return person, mentee
    raise ValidationError(gettext("Only the two people of this mentorship can do this."))


def _circle_member(actor: User, mentorship: Mentorship) -> MentorshipMember:
    """The actor's member row of the circle (with its person and enrolment), or a refusal."""
    member = (
        MentorshipMember.objects.filter(mentorship=mentorship, person__user=actor)
        .select_related("person", "enrollment")
        .first()
    )
    if member is None:
        raise ValidationError(gettext("Only the members of this circle can do this."))
    return member


def _giver_and_receiver(
    actor: User, mentorship: Mentorship, receiver: Profile | None
) -> tuple[Profile, Profile]:
    """Who gives and who receives: in a pair the other person (``receiver``, when given,
    must be them); in a circle ``receiver``, another member of the circle."""
    if not mentorship.is_circle:
        giver, other = _pair_roles(actor, mentorship)
        if receiver is not None and receiver.pk == giver.pk:
            raise ValidationError(
                {"receiver": gettext("Feedback is for someone else, not yourself.")}
            )
        if receiver is not None and receiver.pk != other.pk:
            raise ValidationError(
                {"receiver": gettext("In a pair, feedback goes to the other person.")}
            )
        return giver, other
    giver = _circle_member(actor, mentorship).person
    if receiver is None:
        raise ValidationError({"receiver": gettext("Choose whom this feedback is for.")})
    if receiver.pk == giver.pk:
        raise ValidationError({"receiver": gettext("Feedback is for someone else, not yourself.")})
    if not MentorshipMember.objects.filter(mentorship=mentorship, person=receiver).exists():
        raise ValidationError(
            {"receiver": gettext("Choose one of the other members of your circle.")}
        )
    return giver, receiver


def feedback_give(
    *,
    organization: Organization,
    actor: User,
    mentorship: Mentorship,
    skill: Skill,
    kind: str,
    situation: str,
    behaviour: str,
    impact: str = "",
    suggestion: str = "",
    session: Session | None = None,
    receiver: Profile | None = None,
) -> Feedback:
    """Give feedback about one of the program's skills to the other person of the pair, or
    in a circle to ``receiver``, another member. The coach's score (0-4) and the missing
    parts are stored with it."""
    check_same_organization(organization, mentorship, skill, session, receiver)
    giver, receiver = _giver_and_receiver(actor, mentorship, receiver)
    errors = {}
    texts = {
        "situation": situation,
        "behaviour": behaviour,
        "impact": impact,
        "suggestion": suggestion,
    }
    for name, text in texts.items():
        if len(text) > TEXT_LIMIT:
            errors[name] = str(too_long(TEXT_LIMIT))
    if not behaviour.strip():
        errors["behaviour"] = gettext(
            "Describe what the person said or did: that is the heart of feedback."
        )
    if not situation.strip():
        errors["situation"] = gettext("Say when and where it happened.")
    if kind not in FeedbackKind.values:
        errors["kind"] = gettext("Choose “keep doing” or “try differently”.")
    if not ProgramSkill.objects.filter(program=mentorship.program_id, skill=skill).exists():
        errors["skill"] = gettext("Choose one of the program's focus skills.")
    if session is not None and session.mentorship_id != mentorship.pk:
        errors["session"] = (
            gettext("That session belongs to another circle.")
            if mentorship.is_circle
            else gettext("That session belongs to another pair.")
        )
    if errors:
        raise ValidationError(errors)
    texts = {name: text.strip() for name, text in texts.items()}
    result = assess(**texts)
    with transaction.atomic():
        refuse_repeat(
            Mentorship.objects.filter(pk=mentorship.pk),
            Feedback.objects.filter(
                mentorship=mentorship,
                giver=giver,
                receiver=receiver,
                skill=skill,
                kind=kind,
                **texts,
            ),
            gettext("You have already given this feedback."),
        )
        feedback = Feedback.objects.create(
            organization=organization,
            mentorship=mentorship,
            session=session,
            giver=giver,
            receiver=receiver,
            skill=skill,
            kind=kind,
            specificity=result.score,
            missing=result.missing,
            **texts,
        )
        notices.feedback_received(organization, feedback)
        return feedback


def _received(actor: User, feedback: Feedback) -> None:
    if profile_of(actor).pk != feedback.receiver_id:
        raise ValidationError(gettext("Only the person who received this feedback can do this."))


def feedback_reflect(
    *, organization: Organization, actor: User, feedback: Feedback, reflection: str
) -> Feedback:
    check_same_organization(organization, feedback)
    _received(actor, feedback)
    reflection = reflection.strip()
    if not reflection:
        raise ValidationError({"reflection": gettext("Write a line: what do you take from it?")})
    if len(reflection) > 4000:
        raise ValidationError({"reflection": str(too_long(4000))})
    feedback.reflection, feedback.reflected_at = reflection, timezone.now()
    feedback.save(update_fields=["reflection", "reflected_at", "updated_at"])
    return feedback


def feedback_to_experiment(
    *, organization: Organization, actor: User, feedback: Feedback, due_on: date | None = None
) -> ActionItem:
    """Turn a suggestion into an experiment owned by its receiver, in one click."""
    check_same_organization(organization, feedback)
    _received(actor, feedback)
    with transaction.atomic():
        feedback = (
            Feedback.objects.select_for_update(of=("self",))
            .select_related("mentorship__mentee__person", "mentorship__mentor__person", "receiver")
            .get(pk=feedback.pk)
        )
        if feedback.experiment_id:
            raise ValidationError(gettext("This suggestion is already an experiment."))
        if not feedback.suggestion:
            raise ValidationError(gettext("This feedback has no suggestion to try."))
        item = sessions.action_item_add(
            organization=organization,
            actor=actor,
            mentorship=feedback.mentorship,
            description=feedback.suggestion[:500],
            owner=feedback.receiver,
            due_on=due_on or timezone.localdate() + timedelta(days=14),
        )
        feedback.experiment = item
        feedback.save(update_fields=["experiment", "updated_at"])
    return item


def skill_rating_add(
    *,
    organization: Organization,
    actor: User,
    mentorship: Mentorship,
    skill: Skill,
    level: int,
    moment: str,
    period: int = 0,
    enrollment: Enrollment | None = None,
) -> SkillRating:
    """The mentee rates themself, the mentor rates what they observed (1 to 5).
    ``enrollment``: whose focus skills (default the mentee's); in a peer pair both act in
    both roles, so either may rate the other's skills or their own. In a circle each
    mentee rates their own skills and the circle's mentors rate each mentee's."""
    check_same_organization(organization, mentorship, skill, enrollment)
    rated: Enrollment | None
    errors: dict[str, str]
    if mentorship.is_circle:
        person, rated, errors = _circle_rated(actor, mentorship, enrollment)
    else:
        person, _other = _pair_roles(actor, mentorship)
        rated, errors = enrollment or mentorship.mentee, {}
        if rated.pk == mentorship.mentor_id and not words_for(mentorship.program).is_mutual:
            errors["enrollment"] = gettext(
                "In this program, ratings are about the mentee's focus skills."
            )
        elif rated.pk not in (mentorship.mentee_id, mentorship.mentor_id):
            errors["enrollment"] = gettext("Rate one of the two people of this pair.")
    if level not in range(1, 6):
        errors["level"] = gettext("A rating is a level from 1 to 5.")
    if moment not in RatingMoment.values:
        errors["moment"] = gettext("Rate at the start, at a goal review or at the end.")
    if rated is not None and "enrollment" not in errors and not _has_skill(rated, skill):
        errors["skill"] = (
            gettext("Rate one of your focus skills.")
            if rated.person_id == person.pk
            else gettext("Rate one of their focus skills.")
        )
    if errors:
        raise ValidationError(errors)
    assert rated is not None  # refused above
    role = RaterRole.SELF if person.pk == rated.person_id else RaterRole.MENTOR
    period = period if moment == RatingMoment.REVIEW else 0
    with transaction.atomic():
        lock(Enrollment.objects.filter(pk=rated.pk))  # one rating at a time
        latest = (
            SkillRating.objects.filter(
                enrollment=rated.pk,
                skill=skill,
                rater=person,
                moment=moment,
                period=period,
            )
            .order_by("-created_at", "-pk")
            .first()
        )
        if latest is not None and latest.level == level:
            return latest  # the same rating sent again (a second click): nothing new
        return SkillRating.objects.create(
            organization=organization,
            enrollment=rated,
            skill=skill,
            rater=person,
            rater_role=role,
            moment=moment,
            period=period,
            level=level,
        )


def _has_skill(enrollment: Enrollment, skill: Skill) -> bool:
    return enrollment.skill_links.filter(skill=skill).exists()


def _circle_rated(
    actor: User, mentorship: Mentorship, enrollment: Enrollment | None
) -> tuple[Profile, Enrollment | None, dict[str, str]]:
    """(the rater, the mentee enrolment rated, errors) in a circle: a mentee rates their own
    skills, a mentor those of any mentee of the circle (``enrollment``, required)."""
    member = _circle_member(actor, mentorship)
    if member.role == EnrollmentRole.MENTEE:
        if enrollment is not None and enrollment.pk != member.enrollment_id:
            message = gettext(
                "In a circle you rate your own skills; the mentors rate what they observe."
            )
            return member.person, None, {"enrollment": message}
        return member.person, member.enrollment, {}
    if enrollment is None:
        return (
            member.person,
            None,
            {"enrollment": gettext("Choose the mentee whose skill you rate.")},
        )
    is_mentee = MentorshipMember.objects.filter(
        mentorship=mentorship, enrollment=enrollment, role=EnrollmentRole.MENTEE
    ).exists()
    if not is_mentee:
        return (
            member.person,
            None,
            {"enrollment": gettext("Rate one of the mentees of this circle.")},
        )
    return member.person, enrollment, {}


def _check_scale(
    answers: dict, questions: dict[str, str], scales: dict[str, tuple[int, int]]
) -> dict:
    errors, clean = {}, {}
    for key in questions:
        low, high = scales.get(key, (1, 5))
        value = answers.get(key)
        if not isinstance(value, int) or not low <= value <= high:
            errors[key] = gettext("Choose a value from %(low)s to %(high)s.") % {
                "low": low,
                "high": high,
            }
        else:
            clean[key] = value
    if errors:
        raise ValidationError(errors)
    return clean


def survey_answer(
    *,
    organization: Organization,
    actor: User,
    kind: str,
    mentorship: Mentorship,
    answers: dict,
    comment: str = "",
    period: int = 0,
) -> SurveyResponse:
    """Answer a pulse (per mentorship and cadence period) or the end-of-program survey, as
    one of a pair or any member of a circle. Answering again replaces the current answer;
    the earlier one is kept as history."""
    check_same_organization(organization, mentorship)
    if mentorship.is_circle:
        member = _circle_member(actor, mentorship)
        person, role = member.person, member.role
    else:
        person, _other = _pair_roles(actor, mentorship)
        role = "mentee" if person.pk == mentorship.mentee.person_id else "mentor"
    if kind == SurveyKind.PULSE:
        clean = _check_scale(answers, PULSE_QUESTIONS, {})
    elif kind == SurveyKind.PROGRAM:
        clean = _check_scale(answers, PROGRAM_QUESTIONS, {"recommend": (0, 10)})
    else:
        raise ValidationError(gettext("Unknown survey."))
    comment = comment.strip()[:2000]
    with transaction.atomic():
        # The respondent's row, locked, puts their answers in a row: there may be no
        # current answer yet to lock, and two first answers at once must not both insert.
        lock(Profile.objects.filter(pk=person.pk))
        current = SurveyResponse.objects.filter(
            kind=kind,
            program=mentorship.program_id,
            respondent=person,
            is_current=True,
            mentorship=mentorship if kind == SurveyKind.PULSE else None,
            period=period if kind == SurveyKind.PULSE else 0,
        ).first()
        if current is not None and (current.answers, current.comment) == (clean, comment):
            return current  # the same answer sent again (a second click): nothing new
        if current is not None:
            current.is_current = False
            current.save(update_fields=["is_current"])
        return SurveyResponse.objects.create(
            organization=organization,
            kind=kind,
            program_id=mentorship.program_id,
            mentorship=mentorship if kind == SurveyKind.PULSE else None,
            respondent=person,
            respondent_role=role,
            period=period if kind == SurveyKind.PULSE else 0,
            answers=clean,
            comment=comment,
        )
