"""A person with a row of every kind around them, each text they or their pair wrote
carrying ``WROTE``, and a search of an organization's tables for a string (what the
privacy tests check export, erasure and retention with)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection
from django.utils import timezone

from feedback.models import Feedback
from matching.models import MatchProposal, MatchRun, Mentorship, UnmatchedMentee
from mentoring.accounts.models import Invitation
from mentoring.notifications.models import NotificationSetting, OutboxMessage
from mentoring.people.models import Profile
from mentoring.privacy.corrections import profile_correction_request
from mentoring.tenancy import activate
from programs.models import (
    ChecklistCompletion,
    ChecklistItem,
    EnrollmentSkill,
    Program,
    Recognition,
    Skill,
)
from sessions.models import Session

from .history import approved, mentorship_history, running_program

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


def wrote(label: str) -> str:
    return f"{WROTE} {label}"


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
        me.bio = wrote("bio")
        me.job_title = FORMULA
        me.save()
        skill = Skill.objects.order_by("name").first()
        program = running_program(
            organization, name=f"Privacy program {org.sentinel}", started_days_ago=500
        )
        mine = approved(
            program,
            me,
            situations=[wrote("situation"), FORMULA],
            growth_story=wrote("story"),
            decision_reason=wrote("reason"),
        )
        theirs = approved(
            program, mentor, "mentor", capacity=2, growth_story=f"{OTHERS} mentor story"
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
            override_reason=wrote("override"),
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
            end_reason=wrote("end"),
        )
        old_at = now - timedelta(days=local_days_ago)
        history = mentorship_history(
            mentorship,
            skill=skill,
            text=wrote,
            held_at=[now - timedelta(days=3), old_at],
            minutes=50,
            partner_note=PARTNER_PRIVATE,
            goal_statement=wrote("goal"),
            ratings=[("self", "start", 2), ("mentor", "start", 3)],
            answers=[("pulse", "mentee", {"useful": 4, "candid": 5})],
            feedback_both_ways=True,
        )
        session, old_session = history.sessions
        Feedback.objects.filter(session=old_session).update(created_at=old_at)
        Recognition.objects.create(
            organization=organization, mentor=me, badge="listener", note=wrote("thanks")
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
            job_title=wrote("invited title"),
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
        profile_correction_request(
            organization=organization, actor=user, message=wrote("profile correction")
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
        session=session,
        old_session=old_session,
        feedback=history.feedback[0],
    )


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
