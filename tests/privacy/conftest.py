"""A person with a row of every kind around them, each text they or their pair wrote
carrying their sentinel, and helpers to search an organization's tables for a string."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from feedback.models import Feedback, SkillRating, SurveyResponse
from matching.models import (
    FitCheck,
    MatchProposal,
    MatchRun,
    MentorRequest,
    Mentorship,
    UnmatchedMentee,
)
from mentoring.accounts.models import Invitation
from mentoring.notifications.models import NotificationSetting, OutboxMessage
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from programs.models import (
    ChecklistCompletion,
    ChecklistItem,
    Enrollment,
    EnrollmentSkill,
    Goal,
    GoalReview,
    Program,
    ProgramStatus,
    Recognition,
    Skill,
)
from sessions.models import ActionItem, AgendaItem, Agreement, PrivateNote, Session
from tests.api.builders import fill

WROTE = "ERIN-WROTE-3b1d"  # in every text the person or their pair wrote
PARTNER_PRIVATE = "PARTNER-OWN-NOTE-9c2e"  # the partner's private note: theirs to keep
OTHERS = "OTHER-PEOPLE-TEXT-51aa"  # texts of people the erasure is not about
FORMULA = '=HYPERLINK("http://evil.example")'


@dataclass
class Person:
    org: object
    user: object
    profile: Profile
    mentor: Profile
    name: str
    email: str
    program: Program
    mentorship: Mentorship
    session: Session
    old_session: Session
    feedback: Feedback


def build_person(org, *, local_days_ago: int = 400) -> Person:
    """The organization's first mentee with a mentorship and every kind of row around it.
    One session and its feedback are ``local_days_ago`` days old (for retention)."""
    organization = org.organization
    now = timezone.now()
    today = date.today()
    user, mentor_user = org.mentees[0], org.mentors[0]
    with activate(organization):
        me = Profile.objects.get(user=user)
        mentor = Profile.objects.get(user=mentor_user)
        me.bio = f"{WROTE} bio"
        me.job_title = FORMULA
        me.save()
        skill = Skill.objects.order_by("name").first()
        program = Program.objects.create(
            organization=organization,
            name=f"Privacy program {org.sentinel}",
            purpose="Practise listening.",
            starts_on=today - timedelta(days=500),
            ends_on=today + timedelta(days=200),
            status=ProgramStatus.RUNNING,
        )
        mine = Enrollment.objects.create(
            organization=organization,
            program=program,
            person=me,
            role="mentee",
            status="approved",
            situations=[f"{WROTE} situation", FORMULA],
            growth_story=f"{WROTE} story",
            decision_reason=f"{WROTE} reason",
        )
        theirs = Enrollment.objects.create(
            organization=organization,
            program=program,
            person=mentor,
            role="mentor",
            status="approved",
            capacity=2,
            growth_story=f"{OTHERS} mentor story",
        )
        EnrollmentSkill.objects.create(organization=organization, enrollment=mine, skill=skill)
        run = MatchRun.objects.create(organization=organization, program=program, weights={})
        MatchProposal.objects.create(
            organization=organization,
            run=run,
            mentee=mine,
            mentor=theirs,
            score=70,
            breakdown=[],
            override_reason=f"{WROTE} override",
        )
        UnmatchedMentee.objects.create(
            organization=organization, run=run, mentee=mine, reason="removed"
        )
        mentorship = Mentorship.objects.create(
            organization=organization,
            program=program,
            mentee=mine,
            mentor=theirs,
            started_on=today - timedelta(days=450),
            ends_on=today + timedelta(days=100),
            end_reason=f"{WROTE} end",
        )
        MentorRequest.objects.create(
            organization=organization,
            program=program,
            mentee=mine,
            mentor=theirs,
            message=f"{WROTE} request",
            response_reason=f"{WROTE} response",
            status="accepted",
        )
        sessions = [
            Session.objects.create(
                organization=organization,
                mentorship=mentorship,
                status="held",
                starts_at=starts_at,
                actual_minutes=50,
                shared_notes=f"{WROTE} notes",
                real_situations=f"{WROTE} situations",
                location=f"{WROTE} room",
                change_note=f"{WROTE} moved",
            )
            for starts_at in (now - timedelta(days=3), now - timedelta(days=local_days_ago))
        ]
        for session in sessions:
            PrivateNote.objects.create(
                organization=organization, session=session, author=me, text=f"{WROTE} private"
            )
            PrivateNote.objects.create(
                organization=organization, session=session, author=mentor, text=PARTNER_PRIVATE
            )
            AgendaItem.objects.create(
                organization=organization, session=session, text=f"{WROTE} agenda", added_by=me
            )
        item = ActionItem.objects.create(
            organization=organization,
            mentorship=mentorship,
            session=sessions[0],
            owner=me,
            description=f"{WROTE} try",
            due_on=today,
            reflection=f"{WROTE} tried",
        )
        Agreement.objects.create(
            organization=organization,
            mentorship=mentorship,
            goals=f"{WROTE} goals",
            cadence=f"{WROTE} cadence",
            confidentiality=f"{WROTE} confidential",
            mentee_feedback_style=f"{WROTE} style",
            mentor_feedback_style=f"{WROTE} style",
        )
        FitCheck.objects.create(
            organization=organization,
            mentorship=mentorship,
            respondent=me,
            is_good_fit=True,
            comment=f"{WROTE} fit",
        )
        goal = Goal.objects.create(
            organization=organization, enrollment=mine, statement=f"{WROTE} goal", skill=skill
        )
        for author, role in ((me, "mentee"), (mentor, "mentor")):
            GoalReview.objects.create(
                organization=organization,
                goal=goal,
                period=1,
                author=author,
                author_role=role,
                progress=3,
                what_changed=f"{WROTE} changed",
                next_steps=f"{WROTE} next",
                adjusted_focus=f"{WROTE} focus",
            )
        for rater, role, level in ((me, "self", 2), (mentor, "mentor", 3)):
            SkillRating.objects.create(
                organization=organization,
                enrollment=mine,
                skill=skill,
                rater=rater,
                rater_role=role,
                moment="start",
                level=level,
            )
        feedback = [
            Feedback.objects.create(
                organization=organization,
                mentorship=mentorship,
                session=session,
                giver=giver,
                receiver=receiver,
                skill=skill,
                kind="keep",
                situation=f"{WROTE} situation",
                behaviour=f"{WROTE} behaviour",
                impact=f"{WROTE} impact",
                suggestion=f"{WROTE} suggestion",
                specificity=3,
                reflection=f"{WROTE} reflection",
                experiment=item,
            )
            for giver, receiver in ((mentor, me), (me, mentor))
            for session in sessions
        ]
        Feedback.objects.filter(session=sessions[1]).update(
            created_at=now - timedelta(days=local_days_ago)
        )
        SurveyResponse.objects.create(
            organization=organization,
            kind="pulse",
            program=program,
            mentorship=mentorship,
            respondent=me,
            respondent_role="mentee",
            period=1,
            answers={"useful": 4, "candid": 5},
            comment=f"{WROTE} survey",
        )
        Recognition.objects.create(
            organization=organization, mentor=me, badge="listener", note=f"{WROTE} thanks"
        )
        checklist_item = ChecklistItem.objects.create(
            organization=organization, audience="mentee_first_session", text="Read the guide"
        )
        ChecklistCompletion.objects.create(
            organization=organization, item=checklist_item, person=me
        )
        NotificationSetting.objects.create(
            organization=organization, person=me, kind="checkin_nudge", is_enabled=False
        )
        Invitation.objects.create(
            organization=organization,
            email=user.email.upper(),
            display_name=me.display_name,
            job_title=f"{WROTE} invited title",
            token_hash="0" * 64,
            expires_at=now + timedelta(days=3),
            accepted_at=now,
            accepted_by=user,
        )
        OutboxMessage.objects.create(
            organization=organization,
            kind="session_reminder",
            dedupe_key=f"privacy-test-{user.pk}",
            recipient=user,
            to_email=user.email,
            subject=f"Hello {me.display_name}",
            body_text=f"{WROTE} reminder for {me.display_name}",
            body_html=f"<p>{WROTE}</p>",
        )
        OutboxMessage.objects.create(
            organization=organization,
            kind="session_reminder",
            dedupe_key=f"privacy-test-partner-{user.pk}",
            recipient=mentor_user,
            to_email=mentor_user.email,
            subject=f"Your session with {me.display_name}",
            body_text=f"Tomorrow you meet {me.display_name} ({user.email}).",
            body_html=f"<p>Tomorrow you meet {me.display_name}.</p>",
        )
    return Person(
        org=org,
        user=user,
        profile=me,
        mentor=mentor,
        name=me.display_name,
        email=user.email,
        program=program,
        mentorship=mentorship,
        session=sessions[0],
        old_session=sessions[1],
        feedback=feedback[0],
    )


@pytest.fixture
def erin(world):
    """Both organizations filled (other people's texts carry OTHERS), then acme's first
    mentee with a row of every kind."""
    fill(world.acme, 1, private=OTHERS)
    fill(world.globex, 1, private=OTHERS)
    build_person(world.globex)
    return build_person(world.acme)


TENANT_TABLES_SQL = """
SELECT c.relname FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE a.attname = 'organization_id' AND NOT a.attisdropped
  AND c.relkind = 'r' AND n.nspname = current_schema()
ORDER BY 1
"""


def tables_holding(organization, needle: str) -> dict[str, int]:
    """{table: rows} of the organization's tables whose row, as text (every column),
    contains ``needle``, whatever the letter case."""
    hits = {}
    with activate(organization), connection.cursor() as cursor:
        cursor.execute(TENANT_TABLES_SQL)
        tables = [name for (name,) in cursor.fetchall()]
        for table in tables:
            cursor.execute(
                f'SELECT count(*) FROM "{table}" AS r '  # noqa: S608  (catalog names)
                "WHERE r.organization_id = %s AND r::text ILIKE %s",
                [organization.pk, f"%{needle}%"],
            )
            count = cursor.fetchone()[0]
            if count:
                hits[table] = count
    return hits
