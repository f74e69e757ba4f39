"""Rows written straight through the ORM (fast, and free to put a marker in every private
text): a running program, approved enrolments, and one mentorship's history, that is its
sessions and every kind of row around them. The HR world (``hr.fill``) and the privacy
person (``person.build_person``) are both built from these, each with its own texts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone

from feedback.models import Feedback, SkillRating, SurveyResponse
from matching.models import FitCheck, MentorRequest, Mentorship
from programs.models import Enrollment, Goal, GoalReview, Program, ProgramStatus, Skill
from sessions.models import ActionItem, AgendaItem, Agreement, PrivateNote, Session

# The text of each private field, from a label naming it ("notes", "private", "fit", ...).
Text = Callable[[str], str]
# A skill rating of the mentee: (rater role "self" or "mentor", moment, level).
Rating = tuple[str, str, int]
# A current survey answer: (kind "program" or "pulse", respondent role, answers).
Answer = tuple[str, str, dict]


def running_program(organization, *, name: str, started_days_ago: int) -> Program:
    """A program of ``organization`` that started ``started_days_ago`` days ago and runs
    for 200 days more."""
    today = timezone.localdate()
    return Program.objects.create(
        organization=organization,
        name=name,
        purpose="Practise listening.",
        starts_on=today - timedelta(days=started_days_ago),
        ends_on=today + timedelta(days=200),
        status=ProgramStatus.RUNNING,
    )


def approved(program: Program, person, role: str = "mentee", **fields) -> Enrollment:
    """An approved enrolment of ``person`` in ``program``, with any other ``fields``."""
    return Enrollment.objects.create(
        organization_id=program.organization_id,
        program=program,
        person=person,
        role=role,
        status="approved",
        **fields,
    )


@dataclass
class History:
    sessions: list[Session] = field(default_factory=list)  # the held ones, then the planned
    goal: Goal | None = None
    reviews: list[GoalReview] = field(default_factory=list)
    feedback: list[Feedback] = field(default_factory=list)


def mentorship_history(
    mentorship: Mentorship,
    *,
    skill: Skill,
    text: Text,
    held_at: Sequence[datetime],
    minutes: int,
    goal_statement: str,
    ratings: Sequence[Rating],
    answers: Sequence[Answer],
    planned_at: Sequence[datetime] = (),
    partner_note: str | None = None,
    feedback_both_ways: bool = False,
) -> History:
    """Sessions of ``mentorship`` held at ``held_at`` (``minutes`` long) and planned at
    ``planned_at``; on each held one the mentee's private note (and the mentor's,
    ``partner_note``, when given), an agenda item and the mentor's feedback to the mentee
    (and the mentee's to the mentor with ``feedback_both_ways``); an experiment, an
    agreement, a fit check, the accepted mentor request, a goal with a review from each
    side, the mentee's skill ``ratings`` and survey ``answers``. Every private text is
    ``text(label)``. The mentorship's enrolments must carry their people (as created)."""
    organization = mentorship.organization
    mentee, mentor = mentorship.mentee.person, mentorship.mentor.person
    history = History()
    held = [
        Session.objects.create(
            organization=organization,
            mentorship=mentorship,
            status="held",
            starts_at=starts_at,
            actual_minutes=minutes,
            shared_notes=text("notes"),
            real_situations=text("situations"),
            location=text("room"),
            change_note=text("moved"),
        )
        for starts_at in held_at
    ]
    planned = [
        Session.objects.create(
            organization=organization, mentorship=mentorship, status="planned", starts_at=at
        )
        for at in planned_at
    ]
    history.sessions = held + planned
    for session in held:
        PrivateNote.objects.create(
            organization=organization, session=session, author=mentee, text=text("private")
        )
        if partner_note is not None:
            PrivateNote.objects.create(
                organization=organization, session=session, author=mentor, text=partner_note
            )
        AgendaItem.objects.create(
            organization=organization, session=session, text=text("agenda"), added_by=mentee
        )
    experiment = ActionItem.objects.create(
        organization=organization,
        mentorship=mentorship,
        session=held[0],
        owner=mentee,
        description=text("try"),
        due_on=date.today(),
        reflection=text("tried"),
    )
    Agreement.objects.create(
        organization=organization,
        mentorship=mentorship,
        goals=text("goals"),
        cadence=text("cadence"),
        confidentiality=text("confidential"),
        mentee_feedback_style=text("style"),
        mentor_feedback_style=text("style"),
    )
    FitCheck.objects.create(
        organization=organization,
        mentorship=mentorship,
        respondent=mentee,
        is_good_fit=True,
        comment=text("fit"),
    )
    MentorRequest.objects.create(
        organization=organization,
        program=mentorship.program,
        mentee=mentorship.mentee,
        mentor=mentorship.mentor,
        message=text("request"),
        response_reason=text("response"),
        status="accepted",
    )
    history.goal = Goal.objects.create(
        organization=organization,
        enrollment=mentorship.mentee,
        statement=goal_statement,
        skill=skill,
    )
    for author, role in ((mentee, "mentee"), (mentor, "mentor")):
        history.reviews.append(
            GoalReview.objects.create(
                organization=organization,
                goal=history.goal,
                period=1,
                author=author,
                author_role=role,
                progress=3,
                what_changed=text("changed"),
                next_steps=text("next"),
                adjusted_focus=text("focus"),
            )
        )
    for role, moment, level in ratings:
        SkillRating.objects.create(
            organization=organization,
            enrollment=mentorship.mentee,
            skill=skill,
            rater=mentee if role == "self" else mentor,
            rater_role=role,
            moment=moment,
            period=1 if moment == "review" else 0,
            level=level,
        )
    directions = ((mentor, mentee), (mentee, mentor)) if feedback_both_ways else ((mentor, mentee),)
    history.feedback = [
        Feedback.objects.create(
            organization=organization,
            mentorship=mentorship,
            session=session,
            giver=giver,
            receiver=receiver,
            skill=skill,
            kind="keep",
            situation=text("situation"),
            behaviour=text("behaviour"),
            impact=text("impact"),
            suggestion=text("suggestion"),
            specificity=3,
            reflection=text("reflection"),
            experiment=experiment,
        )
        for giver, receiver in directions
        for session in held
    ]
    for kind, role, values in answers:
        # One current answer per person: a mentor of two mentees answers the program once.
        SurveyResponse.objects.update_or_create(
            organization=organization,
            kind=kind,
            program=mentorship.program,
            mentorship=mentorship if kind == "pulse" else None,
            respondent=mentee if role == "mentee" else mentor,
            period=1 if kind == "pulse" else 0,
            is_current=True,
            defaults={"respondent_role": role, "answers": values, "comment": text("survey")},
        )
    return history
