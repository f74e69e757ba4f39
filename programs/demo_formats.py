"""Demo programs of the other formats for `seed_demo`: a peer exchange, a one-to-one
program whose mentors finish a training path first, and circles of mentees around one
mentor each. All started months ago, so ``matching.demo`` pairs them (and forms the
circles) and the sessions and feedback demos give them a history.
Idempotent: a program that exists is kept."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from . import services
from .demo import LISTENING, _create_program, _people, _user, enrol_and_approve, first_reviews
from .models import (
    CrossFunctional,
    Enrollment,
    ProgramFormat,
    ProgramStatus,
)
from .services.training import training_module_complete, training_path_use_defaults

PEER = "Peer learning exchange"
TRAINED = "Coaching through questions"
# The programs that began months ago: paired, with sessions and feedback behind them.
# The circle program (CIRCLES) began months ago too; its demo data has its own path.
STARTED_PROGRAMS = (LISTENING, PEER, TRAINED)

# (person, focus skill, goal): who asked to grow a skill, and who offered to share one.
PEERS_GROWING = (
    ("sofia.rossi", "Communication", "Open every client call by asking what success means to them"),
    ("olivia.brown", "Empathy", "Ask how a colleague is doing before I ask for their draft"),
    ("lucia.fernandez", "Communication", "Explain a technical delay to designers without jargon"),
)
PEERS_SHARING = ("tomas.novak", "jamal.carter", "yusuf.demir")
TRAINED_MENTORS = ("elena.petrova", "li.wei")
LEARNING_MENTOR = "nora.berg"  # has finished one lesson: the match run left her out
TRAINED_MENTEES = (
    ("kenji.sato", "Ask one open question before I suggest a fix in the weekly ops review"),
    ("ravi.menon", "Let the person who raised an incident say what they need before I act"),
)
# The circle program: one mentor guides each circle; every mentee grows the same skill.
CIRCLES = "Finding your voice circles"
CIRCLE_SKILL = "Confidence and self-advocacy"
# The circles' mentors (one circle each) and mentees with their goals: the match run of
# ``matching.demo`` forms the circles.
CIRCLE_MENTORS = ("beatriz.costa", "marcus.webb")
CIRCLE_MENTEES = (
    ("aisha.bello", "Raise my question about a figure in the month-end meeting, not afterwards"),
    ("felix.wagner", "Say in sprint planning when an estimate feels too tight, and why"),
    ("mei.tanaka", "Pitch one of my own campaign ideas at the weekly marketing meeting"),
    ("omar.haddad", "Ask the warehouse leads for the data I need without apologizing"),
    ("zoe.martin", "Push back on a hiring deadline when it would cost us good candidates"),
    ("daniel.cohen", "Ask for a seat in the next pricing discussion and say what I bring"),
    ("ines.moreau", "Tell my manager a deadline will slip before it slips, with a plan"),
    ("samuel.osei", "Describe a customer's problem to developers without playing it down"),
    ("clara.nilsson", "Present the monthly social media figures myself"),
)
# The circle mentees who wrote their first goal review (the others have not yet).
CIRCLE_REVIEWED = ("aisha.bello", "felix.wagner", "mei.tanaka", "daniel.cohen", "ines.moreau")
REFLECTION = (
    "I tried it in two meetings this week. Waiting a few seconds after a question felt long, "
    "but both times the other person added something I would have missed."
)


def seed_format_programs(organization, email_for) -> None:
    today = timezone.localdate()
    manager = _user(email_for("morgan.lee", organization.slug))
    people = _people(organization.slug)
    peer, created = _create_program(
        organization,
        manager,
        PEER,
        ProgramStatus.ENROLLING,
        ["Communication", "Empathy"],
        format=ProgramFormat.PEER,
        purpose=(
            "Colleagues of similar seniority from different teams learn from each other: each "
            "brings a skill to grow and a habit worth sharing."
        ),
        time_commitment="Forty-five minutes every two weeks, for six months",
        starts_on=today - timedelta(days=110),
        ends_on=today + timedelta(days=75),
    )
    if created:
        _enrol(organization, manager, peer, people, PEERS_GROWING, PEERS_SHARING)
    trained, created = _create_program(
        organization,
        manager,
        TRAINED,
        ProgramStatus.ENROLLING,
        ["Active listening", "Communication"],
        requires_training=True,
        purpose=(
            "Mentors first practise listening, open questions, empathy and behaviour-based "
            "feedback, then guide a colleague through a real challenge."
        ),
        time_commitment="One hour a month for nine months",
        starts_on=today - timedelta(days=100),
        ends_on=today + timedelta(days=170),
    )
    if created:
        training_path_use_defaults(organization=organization, actor=manager, program=trained)
        # Communication, not listening: the circle's five engineers who work on listening
        # stay the one group HR sees by department (a sixth person in another department
        # would hide it, to keep that person's figures from being worked out)
        growing = [(local, "Communication", goal) for local, goal in TRAINED_MENTEES]
        mentors = (*TRAINED_MENTORS, LEARNING_MENTOR)
        _enrol(organization, manager, trained, people, growing, mentors, capacity=2)
        for local in mentors:
            _finish_training(
                organization, trained, people[local].user, every=local != LEARNING_MENTOR
            )

    circles, created = _create_program(
        organization,
        manager,
        CIRCLES,
        ProgramStatus.ENROLLING,
        [CIRCLE_SKILL, "Communication"],
        format=ProgramFormat.CIRCLE,
        circle_min_mentees=3,
        circle_max_mentees=6,
        circle_mentors=1,
        cross_functional=CrossFunctional.OFF,
        checkin_cadence_days=21,
        purpose=(
            "Small groups of colleagues who find it hard to speak up practise it together, "
            "with one experienced mentor guiding each circle."
        ),
        guidelines=(
            "- The circle meets every three weeks, for about ninety minutes.\n"
            "- Everyone adds a point to the agenda: a moment they held back, or spoke up.\n"
            "- Each person leaves with one small experiment of their own.\n"
            "- What someone shares in the circle stays in the circle."
        ),
        time_commitment="Ninety minutes every three weeks, for eight months",
        starts_on=today - timedelta(days=120),
        ends_on=today + timedelta(days=120),
    )
    if created:
        _fill_circles(organization, manager, circles, people, email_for)


def _fill_circles(organization, manager, program, people, email_for) -> None:
    """Enrol every circle's mentor (one circle each) and mentees, approved two weeks before
    the start, with the first goal reviews of some mentees; then on to Matching."""
    mentors = dict.fromkeys(CIRCLE_MENTORS, 1)
    mentees = [(local, CIRCLE_SKILL, goal) for local, goal in CIRCLE_MENTEES]
    enrol_and_approve(organization, manager, program, people, mentors=mentors, mentees=mentees)
    approved = timezone.make_aware(
        datetime.combine(program.starts_on - timedelta(days=14), time(10))
    )
    Enrollment.objects.filter(program=program).update(decided_at=approved)
    first_reviews(
        organization,
        program,
        [email_for(local, organization.slug) for local in CIRCLE_REVIEWED],
        progress=3,
        what_changed="I spoke first in two meetings; hearing the others try helped.",
        next_steps="Say my point in the first ten minutes of the weekly meeting.",
    )
    # matching.demo's match run forms the circles, and its approval starts the program
    services.program_transition(
        organization=organization, actor=manager, program=program, to_status=ProgramStatus.MATCHING
    )


def _finish_training(organization, program, user, *, every: bool) -> None:
    modules = list(program.training_modules.order_by("position"))
    for module in modules if every else modules[:1]:
        training_module_complete(
            organization=organization, actor=user, module=module, reflection=REFLECTION
        )


def _enrol(organization, manager, program, people, growing, sharing, *, capacity=1) -> None:
    """Enrol and approve both sides, then move the program to Matching."""
    mentors = dict.fromkeys(sharing, capacity)
    enrol_and_approve(organization, manager, program, people, mentors=mentors, mentees=growing)
    services.program_transition(
        organization=organization, actor=manager, program=program, to_status=ProgramStatus.MATCHING
    )
