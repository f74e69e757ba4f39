"""Demo programs for `seed_demo`: a running cohort with goals and reviews, an onboarding
program, one taking applications and a draft. Idempotent: a program that exists is kept."""

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from mentoring.people.models import Profile

from . import services
from .models import (
    Badge,
    ChecklistItem,
    Enrollment,
    EnrollmentMode,
    EnrollmentStatus,
    Goal,
    GoalReview,
    Program,
    ProgramStatus,
    Resource,
    ResourceKind,
    Skill,
)

LISTENING = "Listening and feedback"

# Each mentee's focus skill and goal. The engineers all work on active listening, so
# that skill has groups of five (the smallest HR sees) both in the circle and in
# Engineering; the others' groups stay small and HR sees them hidden.
GOALS = {
    "jamal.carter": (
        "Active listening",
        "Summarize what a colleague said before I answer in every design review",
    ),
    "sofia.rossi": (
        "Communication",
        "Ask two open questions before proposing a solution in client calls",
    ),
    "olivia.brown": (
        "Empathy",
        "Give a reviewer one specific, behaviour-based remark on each draft I review",
    ),
    "yusuf.demir": (
        "Communication",
        "Say clearly what I need from the budget owners in our monthly forecast meeting",
    ),
    "grace.kim": (
        "Active listening",
        "Name the impact on users when I raise a quality risk in stand-up",
    ),
    "ravi.menon": (
        "Active listening",
        "Let the on-call engineer finish their account of an incident before I ask questions",
    ),
    "lucia.fernandez": (
        "Active listening",
        "Play back a designer's request in my own words before I estimate it",
    ),
    "tomas.novak": (
        "Active listening",
        "Ask what a stakeholder will decide with a report before I start building it",
    ),
}
# Mentors of the circle and how many mentees each takes: every mentor gets a pair.
CIRCLE_MENTORS = {
    "amara.okafor": 1,
    "diego.santos": 2,
    "li.wei": 2,
    "nora.berg": 2,
    "elena.petrova": 1,
}
# The mentees who wrote their first goal review (the others have not yet).
REVIEWED = (
    "jamal.carter",
    "sofia.rossi",
    "grace.kim",
    "ravi.menon",
    "lucia.fernandez",
    "olivia.brown",
)
SITUATIONS = [
    "Last sprint review I answered a question before the person had finished asking it.",
    "In a one-to-one a colleague went quiet and I moved on instead of asking why.",
]
STORY = (
    "Early in my career I talked over people in every meeting. A mentor asked me to count "
    "how often I interrupted for one week; the number changed how I listen."
)
RESOURCES = [
    ("Summarize before you respond", ResourceKind.EXERCISE, "Active listening"),
    ("Situation, behaviour, impact: a feedback pattern", ResourceKind.ARTICLE, "Communication"),
    ("Open questions that start better conversations", ResourceKind.VIDEO, "Empathy"),
    (
        "Asking for what you need, with a reason",
        ResourceKind.EXERCISE,
        "Confidence and self-advocacy",
    ),
]


def _user(email):
    return get_user_model().objects.get(email=email)


def _people(slug):
    return {p.user.email.split("@")[0]: p for p in Profile.objects.select_related("user")}


def _skills(*names):
    return list(Skill.objects.filter(name__in=names).order_by("name"))


def _create_program(organization, manager, name, status, focus, **fields):
    program = Program.objects.filter(name=name).first()
    if program is not None:
        return program, False
    program = Program(organization=organization, name=name, **fields)
    services.program_save(
        organization=organization, actor=manager, program=program, focus_skills=_skills(*focus)
    )
    path = [
        ProgramStatus.ENROLLING,
        ProgramStatus.MATCHING,
        ProgramStatus.RUNNING,
        ProgramStatus.CLOSED,
    ]
    for step in path[: path.index(status) + 1] if status != ProgramStatus.DRAFT else []:
        program = services.program_transition(
            organization=organization, actor=manager, program=program, to_status=step
        )
    return program, True


def seed_programs(organization, email_for) -> None:
    today = timezone.localdate()
    people = _people(organization.slug)
    manager = _user(email_for("morgan.lee", organization.slug))
    circle, created = _create_program(
        organization,
        manager,
        LISTENING,
        ProgramStatus.ENROLLING,
        ["Active listening", "Communication", "Empathy"],
        purpose=(
            "Pairs people across departments to practise **listening** and **behaviour-based "
            "feedback** on the situations they meet at work every week."
        ),
        guidelines=(
            "- Meet at least once a month, for about an hour.\n"
            "- Bring a real situation from the last few weeks to every session.\n"
            "- End each session with one small experiment to try before the next one.\n"
            "- What is said in a session stays between the two of you."
        ),
        time_commitment="One hour every two weeks, for ten months",
        starts_on=today - timedelta(days=130),
        ends_on=today + timedelta(days=170),
    )
    if created:
        _fill_circle(organization, manager, circle, people, email_for, today)
    _create_program(
        organization,
        manager,
        "New joiner onboarding",
        ProgramStatus.RUNNING,
        ["Collaboration", "Confidence and self-advocacy"],
        purpose="Every new colleague gets a mentor from another team for their first months.",
        time_commitment="Thirty minutes a week for three months",
        starts_on=today - timedelta(days=365),
        ends_on=today + timedelta(days=365),
        is_onboarding=True,
        enrollment_mode=EnrollmentMode.INVITATION,
    )
    leading, created = _create_program(
        organization,
        manager,
        "Leading without authority",
        ProgramStatus.ENROLLING,
        ["Leadership and influence", "Persuasion"],
        purpose="For people who need to move work forward across teams they do not manage.",
        time_commitment="One hour a month for six months",
        starts_on=today + timedelta(days=30),
        ends_on=today + timedelta(days=210),
    )
    if created:
        services.enrollment_apply_mentee(
            organization=organization,
            actor=_user(email_for("kenji.sato", organization.slug)),
            program=leading,
            focus_skills=_skills("Leadership and influence"),
            goal_statement="Get two teams to agree on one shared delivery date for the migration",
            situations=SITUATIONS,
        )
    _create_program(
        organization,
        manager,
        "Spring cohort (draft)",
        ProgramStatus.DRAFT,
        ["Problem-solving and critical thinking", "Creativity"],
        purpose="Next spring's cohort, still being prepared.",
        starts_on=today + timedelta(days=120),
        ends_on=today + timedelta(days=400),
    )


def enrol_and_approve(organization, manager, program, people, *, mentors, mentees) -> None:
    """Apply ``mentors`` ({person: capacity}, offering every skill the mentees grow) and
    ``mentees`` ((person, focus skill, goal)), then approve them all."""
    skills = {skill.name: skill for skill in _skills(*{skill for _, skill, _ in mentees})}
    for local, capacity in mentors.items():
        services.enrollment_apply_mentor(
            organization=organization,
            actor=people[local].user,
            program=program,
            skills=list(skills.values()),
            capacity=capacity,
            growth_story=STORY,
        )
    for local, skill, goal in mentees:
        services.enrollment_apply_mentee(
            organization=organization,
            actor=people[local].user,
            program=program,
            focus_skills=[skills[skill]],
            goal_statement=goal,
            situations=SITUATIONS,
        )
    services.enrollments_approve(
        organization=organization,
        actor=manager,
        enrollments=list(
            Enrollment.objects.filter(program=program, status=EnrollmentStatus.APPLIED)
        ),
    )


def first_reviews(organization, program, emails, **review) -> None:
    """The first goal review of each goal of the program's people with ``emails``, written
    by its holder three months into the program (``review``: progress and the two texts)."""
    on = program.starts_on + timedelta(days=92)
    for goal in Goal.objects.filter(
        enrollment__program=program, enrollment__person__user__email__in=emails
    ).select_related("enrollment__person__user"):
        written = services.goal_review_add(
            organization=organization, actor=goal.enrollment.person.user, goal=goal, on=on, **review
        )
        noon = timezone.make_aware(datetime.combine(on, time(12)))
        GoalReview.objects.filter(pk=written.pk).update(created_at=noon)


def _fill_circle(organization, manager, circle, people, email_for, today):
    skills = {
        skill.name: skill for skill in _skills("Active listening", "Communication", "Empathy")
    }
    enrol_and_approve(
        organization,
        manager,
        circle,
        people,
        mentors=CIRCLE_MENTORS,
        mentees=[(local, skill, goal) for local, (skill, goal) in GOALS.items()],
    )
    # The circle's people were approved two weeks before it started, so its first goal
    # review fell due three months in and the reviews below count towards completion.
    approved = timezone.make_aware(
        datetime.combine(circle.starts_on - timedelta(days=14), time(10))
    )
    Enrollment.objects.filter(program=circle).update(decided_at=approved)
    first_reviews(
        organization,
        circle,
        [email_for(local, organization.slug) for local in REVIEWED],
        progress=2,
        what_changed="I noticed the habit, and caught myself twice.",
        next_steps="Practise it in one meeting a week and ask my mentor to watch for it.",
    )
    for title, kind, skill in RESOURCES:
        Resource.objects.create(
            organization=organization,
            title=title,
            kind=kind,
            skill=skills.get(skill),
            url="https://example.org/resources/" + title.lower().replace(" ", "-").replace(",", ""),
            program=circle if skill in skills else None,
        )
    for item in ChecklistItem.objects.filter(audience="mentee_first_session")[:2]:
        services.checklist_item_set_done(
            organization=organization, actor=people["jamal.carter"].user, item=item, done=True
        )
    services.recognition_award(
        organization=organization,
        actor=manager,
        mentor=people["amara.okafor"],
        program=circle,
        badge=Badge.GENEROUS_LISTENER,
        note="Her mentees say she always summarizes before she advises.",
    )
    # matching.demo pairs the circle and starts it running
    services.program_transition(
        organization=organization, actor=manager, program=circle, to_status=ProgramStatus.MATCHING
    )
