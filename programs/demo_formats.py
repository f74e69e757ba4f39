"""Demo programs of the other formats for `seed_demo`: a peer exchange and a one-to-one
program whose mentors finish a training path first. Both started months ago, so
``matching.demo`` pairs them and the sessions and feedback demos give them a history.
Idempotent: a program that exists is kept."""

from datetime import timedelta

from django.utils import timezone

from . import services
from .demo import LISTENING, _create_program, _people, _user, enrol_and_approve
from .models import (
    ProgramFormat,
    ProgramStatus,
)
from .services.training import training_module_complete, training_path_use_defaults

PEER = "Peer learning exchange"
TRAINED = "Coaching through questions"
# The programs that began months ago: paired, with sessions and feedback behind them.
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
