"""One organization with something behind every URL: a pair with a planned session (agenda,
experiment, feedback, agreement), a past session to log, a self-match program with a
request waiting for its mentor, a program open for applications, an invitation and a
preferences link. The bad-input sweep visits every page of it as each person."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time, timedelta

from django.utils import timezone

from feedback import services as feedback
from matching import services as matching
from matching.models import Mentorship
from mentoring.accounts.services import invitation_create
from mentoring.notifications.outbox import preferences_token
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from programs import services as programs
from programs.models import CrossFunctional, Enrollment, MatchingMode, Program, ProgramStatus
from programs.services.training import training_path_use_defaults
from sessions import services as sessions
from sessions.models import Session, SessionStatus
from sessions.services.availability import WindowInput, availability_week_save, away_period_add
from sessions.services.feed import calendar_feed_issue
from sessions.services.observations import observation_add
from sessions.services.questions import prepared_question_add
from tests.builders.circle import make_circle
from tests.builders.cohort import make_cohort
from tests.builders.hr import allow_individual_progress
from tests.builders.observations import SEEN
from tests.builders.world import build_world, hold_session, make_program

# A time zone east of UTC for the mentee, west of it for the mentor: a date at either edge
# of the calendar has no UTC equivalent on one of the two clocks.
MENTEE_ZONE = "Europe/Berlin"
MENTOR_ZONE = "America/Los_Angeles"


@dataclass
class Scene:
    world: object
    org: object
    mentee: object
    mentor: object
    mentorship: Mentorship
    session: Session
    past_session: Session
    invitation_token: str = ""
    feed_token: str = ""
    preferences_token: str = ""
    people: dict = field(default_factory=dict)  # who -> user, the people the sweep signs in
    # pages the crawl starts from too: its pages per route may run out before them
    starts: list = field(default_factory=list)

    def starts_of(self, who: str) -> list[str]:
        return self.starts if who in ("mentee", "mentor") else []

    @property
    def organization(self):
        return self.org.organization


def build_scene() -> Scene:
    world = build_world()
    org = world.acme
    organization = org.organization
    allow_individual_progress(org)  # so the sweep reaches every HR API endpoint's rows
    # Program A, matched by its managers: every mentee has a mentor.
    pair_program = make_cohort(org, cross_functional=CrossFunctional.OFF)
    with activate(organization):
        run = matching.match_run_start(
            organization=organization, actor=org.manager, program=pair_program.program
        )
        matching.match_run_approve(organization=organization, actor=org.manager, run=run)
        # the program asks its mentors to train (after pairing): the mentor's training pages
        Program.objects.filter(pk=pair_program.program.pk).update(requires_training=True)
        training_path_use_defaults(
            organization=organization, actor=org.manager, program=pair_program.program
        )
        mentorship = Mentorship.objects.select_related(
            "mentee__person__user", "mentor__person__user", "program"
        ).first()
    mentee, mentor = mentorship.mentee.person.user, mentorship.mentor.person.user
    with activate(organization):
        Profile.objects.filter(user=mentee).update(time_zone=MENTEE_ZONE)
        Profile.objects.filter(user=mentor).update(time_zone=MENTOR_ZONE)
    held = hold_session(mentorship)  # opens the fit check and the pulse
    with activate(organization):
        session = sessions.session_schedule(
            organization=organization,
            actor=mentee,
            mentorship=mentorship,
            starts_at=timezone.now() + timedelta(days=2),
            location="Room 3",
        )
        for text in ("How the planning meeting went", "Practise summarizing"):
            sessions.agenda_item_add(
                organization=organization, actor=mentee, session=session, text=text
            )
        sessions.action_item_add(
            organization=organization,
            actor=mentee,
            mentorship=mentorship,
            description="Summarize before answering in the Monday meeting",
            due_on=timezone.localdate() + timedelta(days=10),
            owner=mentorship.mentee.person,
        )
        # an observation in the mentee's log: its edit, share, experiment and remove forms
        observation_add(organization=organization, actor=mentee, mentorship=mentorship, **SEEN)
        # a question the mentee prepared for the session: its list, add and remove forms
        prepared_question_add(
            organization=organization,
            actor=mentee,
            session=session,
            text="What went well in the planning meeting, and what would you change?",
        )
        sessions.agreement_save(
            organization=organization,
            actor=mentee,
            mentorship=mentorship,
            goals="Speak up in planning",
            cadence="Every two weeks",
            confidentiality="Nothing leaves the room",
            mentee_feedback_style="In writing",
            mentor_feedback_style="Straight away",
        )
        skill = mentorship.mentee.skill_links.select_related("skill").first().skill
        feedback.feedback_give(
            organization=organization,
            actor=mentor,
            mentorship=mentorship,
            skill=skill,
            kind="change",
            situation="In Monday's planning meeting",
            behaviour="You answered before Sam had finished the question",
            impact="Sam stopped talking for the rest of the meeting",
            suggestion="Wait two seconds, then summarize what you heard",
        )
        # a goal review of the mentee, for the mentor's observation form
        programs.goal_review_add(
            organization=organization,
            actor=mentee,
            goal=mentorship.mentee.goals.get(),
            progress=2,
            what_changed="Asked one question in the planning meeting",
            next_steps="Ask two next time",
        )
        past_session = Session.objects.create(
            organization=organization,
            mentorship=mentorship,
            status=SessionStatus.PLANNED,
            starts_at=timezone.now() - timedelta(hours=3),
            created_by=mentorship.mentee.person,
        )
    # Program B, self-match: the other mentee asked the pair's mentor (they have not been
    # paired before), who has not answered yet.
    self_match = make_cohort(
        org,
        status=ProgramStatus.RUNNING,
        cross_functional=CrossFunctional.OFF,
        matching_mode=MatchingMode.SELF,
        capacity=2,
    )
    other_mentee = next(user for user in org.mentees if user != mentee)
    with activate(organization):
        matching.mentor_request_create(
            organization=organization,
            actor=other_mentee,
            program=self_match.program,
            mentor=Enrollment.objects.get(program=self_match.program, person__user=mentor),
            message="I would like to work on listening with you.",
        )
    # Program C takes applications; nobody has applied yet.
    make_program(org, status=ProgramStatus.ENROLLING)
    # Program D runs circles: the pair's mentee sits in one with the other mentee and a
    # third, with a session planned (its shared agenda) and one to log (attendance per member).
    circle = make_circle(org, mentees=3).mentorship
    with activate(organization):
        circle_session = sessions.session_schedule(
            organization=organization,
            actor=mentee,
            mentorship=circle,
            starts_at=timezone.now() + timedelta(days=4),
            location="Room 5",
        )
        sessions.agenda_item_add(
            organization=organization,
            actor=mentee,
            session=circle_session,
            text="What each of us tried since last time",
        )
        Session.objects.create(
            organization=organization,
            mentorship=circle,
            status=SessionStatus.PLANNED,
            starts_at=timezone.now() - timedelta(hours=4),
            created_by=Profile.objects.get(user=mentee),
        )
    with activate(organization):
        _invitation, invitation_token = invitation_create(
            organization=organization,
            actor=org.manager,
            email="newcomer@acme.example",
            send_email=False,
        )
        token = preferences_token(Profile.objects.get(user=mentee))
        # the pair's weekly windows (the scheduling page then offers slots to pick), an away
        # period to remove, and the mentee's calendar feed (fetched without signing in)
        for user in (mentee, mentor):
            availability_week_save(
                organization=organization,
                actor=user,
                windows=[WindowInput(day, time(8), time(18)) for day in range(5)],
            )
        soon = timezone.localdate() + timedelta(days=30)
        away_period_add(
            organization=organization,
            actor=mentee,
            first_day=soon,
            last_day=soon + timedelta(days=2),
            note="Holiday",
        )
        feed = calendar_feed_issue(organization=organization, actor=mentee)
    return Scene(
        world=world,
        org=org,
        mentee=mentee,
        mentor=mentor,
        mentorship=mentorship,
        session=session,
        past_session=past_session,
        invitation_token=invitation_token,
        preferences_token=token,
        feed_token=feed.token,
        # the pair's two people see every participant page: the mentee's programs include
        # the self-match one and the one open for applications, the mentor has the request;
        # the HR analyst has the HR pages
        people={"mentee": mentee, "mentor": mentor, "hr": org.hr},
        # the held session's page, with its shared-notes form
        starts=[f"/sessions/{held.pk}/"],
    )
