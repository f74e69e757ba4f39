"""Demo matching for `seed_demo`: the programs that began months ago (the listening program,
the peer exchange, the trained mentors' program) are paired by approved runs and running,
and so are the circles of the circle program, formed by its run; a second cohort waits in
matching with a draft for the manager to review. The trained mentors' run left out a mentor
still in training, and says why."""

from django.contrib.auth import get_user_model

from programs import services as programs
from programs.demo import LISTENING, SITUATIONS, STORY
from programs.demo_formats import CIRCLES, STARTED_PROGRAMS
from programs.models import Enrollment, Program, ProgramStatus, Skill

from . import services
from .models import MatchRun

PILOT = "Speaking-up pilot"


def _user(email):
    return get_user_model().objects.get(email=email)


def seed_matching(organization, email_for) -> None:
    manager = _user(email_for("morgan.lee", organization.slug))
    for program in Program.objects.filter(name__in=(*STARTED_PROGRAMS, CIRCLES)):
        if (
            program.status == ProgramStatus.MATCHING
            and not MatchRun.objects.filter(program=program).exists()
        ):
            run = services.match_run_start(
                organization=organization, actor=manager, program=program
            )
            # Approval starts the program: its start date has come (see docs/matching.md).
            services.match_run_approve(organization=organization, actor=manager, run=run)
    listening = Program.objects.get(name=LISTENING)
    if Program.objects.filter(name=PILOT).exists():
        return
    today = listening.starts_on
    pilot = Program(
        organization=organization,
        name=PILOT,
        starts_on=today,
        ends_on=listening.ends_on,
        purpose="A short pilot on confidence and self-advocacy, paired by the manager.",
        time_commitment="Forty-five minutes every three weeks",
    )
    programs.program_save(
        organization=organization,
        actor=manager,
        program=pilot,
        focus_skills=list(
            Skill.objects.filter(name__in=["Confidence and self-advocacy", "Persuasion"])
        ),
    )
    pilot = programs.program_transition(
        organization=organization, actor=manager, program=pilot, to_status="enrolling"
    )
    skills = list(Skill.objects.filter(name="Confidence and self-advocacy"))
    for local in ("diego.santos", "li.wei", "grace.kim"):
        programs.enrollment_apply_mentor(
            organization=organization,
            actor=_user(email_for(local, organization.slug)),
            program=pilot,
            skills=skills,
            capacity=2,
            growth_story=STORY,
        )
    for local, goal in (
        ("kenji.sato", "Ask for the data access I need in the first week of each project"),
        (
            "olivia.brown",
            "Present my own campaign results at the monthly review without a co-presenter",
        ),
        ("yusuf.demir", "Say no to an extra report once a month and offer a smaller alternative"),
    ):
        programs.enrollment_apply_mentee(
            organization=organization,
            actor=_user(email_for(local, organization.slug)),
            program=pilot,
            focus_skills=skills,
            goal_statement=goal,
            situations=SITUATIONS,
        )
    programs.enrollments_approve(
        organization=organization,
        actor=manager,
        enrollments=list(Enrollment.objects.filter(program=pilot)),
    )
    pilot = programs.program_transition(
        organization=organization, actor=manager, program=pilot, to_status="matching"
    )
    services.match_run_start(organization=organization, actor=manager, program=pilot)
