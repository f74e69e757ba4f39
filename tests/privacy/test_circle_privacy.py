"""A circle member's export and erasure. The export holds their circles: who is in them by
name, the shared log, their own private notes and experiments, feedback they gave or
received; never feedback between two other members nor another member's private notes.
Erasing a member takes them out of the circle, which goes on for the others with their
content; the circle's first mentee is handed to the next mentee first, so the circle's row
is not lost with them. Retention empties an old closed circle's notes as a pair's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from feedback.models import Feedback, FeedbackKind
from matching.models import Mentorship, MentorshipMember, MentorshipStatus
from mentoring.people.models import Profile
from mentoring.privacy.export import person_export
from mentoring.privacy.retention import expire_texts
from mentoring.privacy.rules import REMOVED, open_commitments
from mentoring.privacy.services import person_erase
from mentoring.tenancy import activate
from sessions.models import ActionItem, AgendaItem, PrivateNote, Session, SessionStatus
from tests.builders.circle import make_circle

SHARED_LOG = "We tried the two-minute summary in turn."
OTHERS_PRIVATE = "Cleo's private note for herself only"
OWN_PRIVATE = "Ana's private note for herself only"
BETWEEN_OTHERS = "Ben to Cleo: you paused before answering the director"
TO_ANA = "Mentor to Ana: you asked the quiet colleague first"
ANA_POINT = "Ana's point: how to interrupt kindly"
CLEO_POINT = "Cleo's point: saying no to a deadline"
ANA_EXPERIMENT = "Ana tries a summary at every stand-up"
CLEO_EXPERIMENT = "Cleo asks one open question a day"


def profile(org, user) -> Profile:
    with activate(org.organization):
        return Profile.objects.get(user=user)


@pytest.fixture
def circle(world):
    """An acme circle (two mentors, four mentees) with a held session and everyone's
    content: Ana is its first mentee, Ben and Cleo two others; and a globex circle."""
    circle = make_circle(world.acme, mentees=4, mentors=2)
    make_circle(world.globex, mentees=3)
    org = circle.org
    ana, ben, cleo = (profile(org, user) for user in circle.mentees[:3])
    mentor = profile(org, circle.mentors[0])
    skill = circle.mentorship.focus_skill
    with activate(org.organization):
        session = Session.objects.create(
            organization=org.organization,
            mentorship=circle.mentorship,
            starts_at=timezone.now() - timedelta(days=2),
            status=SessionStatus.HELD,
            shared_notes=SHARED_LOG,
        )
        for who, text in ((ana, OWN_PRIVATE), (cleo, OTHERS_PRIVATE)):
            PrivateNote.objects.create(
                organization=org.organization, session=session, author=who, text=text
            )
        for who, text in ((ana, ANA_POINT), (cleo, CLEO_POINT)):
            AgendaItem.objects.create(
                organization=org.organization, session=session, text=text, added_by=who
            )
        for who, text in ((ana, ANA_EXPERIMENT), (cleo, CLEO_EXPERIMENT)):
            ActionItem.objects.create(
                organization=org.organization,
                mentorship=circle.mentorship,
                owner=who,
                description=text,
                due_on=timezone.localdate() + timedelta(days=7),
            )
        for giver, receiver, text in ((ben, cleo, BETWEEN_OTHERS), (mentor, ana, TO_ANA)):
            Feedback.objects.create(
                organization=org.organization,
                mentorship=circle.mentorship,
                session=session,
                giver=giver,
                receiver=receiver,
                skill=skill,
                kind=FeedbackKind.KEEP_DOING,
                situation=text,
                behaviour=text,
                specificity=2,
            )
    circle.session = session
    circle.people = {"ana": ana, "ben": ben, "cleo": cleo, "mentor": mentor}
    return circle


def export_of(circle, who) -> dict:
    with activate(circle.org.organization):
        return person_export(organization=circle.org.organization, profile=circle.people[who])


def rows(data, label) -> list[dict]:
    return data["sections"][label]["rows"]


def erase(circle, who):
    with activate(circle.org.organization):
        return person_erase(
            organization=circle.org.organization,
            actor=circle.org.manager,
            person=Profile.objects.get(pk=circle.people[who].pk),
        )


def test_a_members_export_names_everyone_in_their_circle_and_holds_the_shared_log(circle):
    data = export_of(circle, "ana")
    members = rows(data, "matching.MentorshipMember")
    with activate(circle.org.organization):
        everyone = set(
            MentorshipMember.objects.filter(mentorship=circle.mentorship).values_list(
                "person__display_name", flat=True
            )
        )
    assert {row["name"] for row in members} == everyone and len(everyone) == 6
    assert [row["id"] for row in rows(data, "matching.Mentorship")] == [circle.mentorship.pk]
    [session] = rows(data, "mentoring_sessions.Session")
    assert session["shared_notes"] == SHARED_LOG


def test_a_members_export_holds_their_own_notes_and_feedback_never_the_others(circle):
    body = str(export_of(circle, "ana"))
    assert OWN_PRIVATE in body and TO_ANA in body and ANA_EXPERIMENT in body
    assert OTHERS_PRIVATE not in body
    assert BETWEEN_OTHERS not in body
    assert CLEO_EXPERIMENT not in body  # each member's experiments are their own


def test_erasing_the_first_mentee_keeps_the_circle_for_the_others(circle):
    ana = circle.people["ana"]
    erase(circle, "ana")
    with activate(circle.org.organization):
        mentorship = Mentorship.objects.select_related("mentee").get(pk=circle.mentorship.pk)
        members = set(
            MentorshipMember.objects.filter(mentorship=mentorship).values_list(
                "person_id", flat=True
            )
        )
        session = Session.objects.get(pk=circle.session.pk)
        private = set(PrivateNote.objects.values_list("text", flat=True))
        points = set(AgendaItem.objects.filter(session=session).values_list("text", flat=True))
        experiments = set(ActionItem.objects.values_list("description", flat=True))
        feedback = set(Feedback.objects.values_list("situation", flat=True))
    assert mentorship.status == MentorshipStatus.ACTIVE
    assert mentorship.mentee.person_id == circle.people["ben"].pk  # handed to the next mentee
    assert ana.pk not in members and len(members) == 5
    assert session.shared_notes == SHARED_LOG
    assert OTHERS_PRIVATE in private and OWN_PRIVATE not in private
    assert CLEO_POINT in points and ANA_POINT not in points
    assert CLEO_EXPERIMENT in experiments and ANA_EXPERIMENT not in experiments
    assert BETWEEN_OTHERS in feedback and TO_ANA not in feedback
    assert REMOVED in feedback


def test_the_erased_member_has_no_open_circle_left_and_the_others_keep_theirs(circle):
    people = circle.people
    erase(circle, "ana")
    with activate(circle.org.organization):
        counts = open_commitments([people["ana"].pk, people["ben"].pk, people["mentor"].pk])
    assert counts == {people["ana"].pk: 0, people["ben"].pk: 1, people["mentor"].pk: 1}


def test_erasing_a_circle_member_leaves_the_other_organization_alone(circle, world):
    with activate(world.globex.organization):
        before = list(
            MentorshipMember.objects.order_by("pk").values_list("pk", "person__display_name")
        )
    erase(circle, "ana")
    with activate(world.globex.organization):
        after = list(
            MentorshipMember.objects.order_by("pk").values_list("pk", "person__display_name")
        )
    assert after == before and len(before) == 4


def test_retention_empties_an_old_closed_circles_notes_as_a_pairs(circle):
    org = circle.org
    with activate(org.organization):
        Mentorship.objects.filter(pk=circle.mentorship.pk).update(
            status=MentorshipStatus.COMPLETED, ended_on=timezone.localdate()
        )
        org.organization.note_retention_days = 1
        org.organization.save(update_fields=["note_retention_days"])
        emptied = expire_texts(organization=org.organization)
        session = Session.objects.get(pk=circle.session.pk)
        notes = list(PrivateNote.objects.filter(session=session).values_list("text", flat=True))
    assert emptied["session_notes"] == 1
    assert session.shared_notes == "" and notes == ["", ""]
