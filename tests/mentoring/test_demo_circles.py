"""The demo's circle program: in both organizations a running program of circles with
months of meetings behind them, and a circle mentee who signs in and finds their circle."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from feedback.models import Feedback, RaterRole, SkillRating, SurveyResponse
from matching.access import circle_members
from matching.models import Mentorship, MentorshipMember
from mentoring.demo import DEMO_PASSWORD, email_for
from mentoring.tenancy import activate
from mentoring.tenancy.models import Organization
from programs.demo_formats import CIRCLES
from programs.models import EnrollmentRole, Program
from sessions.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    PrivateNote,
    Session,
    SessionAttendance,
)

pytestmark = pytest.mark.django_db


def seed():
    call_command("seed_demo", stdout=StringIO())
    return list(Organization.objects.filter(slug__in=["acme", "globex"]).order_by("slug"))


def circle_figures(organization) -> dict:
    """What the demo stored for the circles of ``organization``, counted."""
    with activate(organization):
        circles = Mentorship.objects.filter(program__name=CIRCLES)
        return {
            "circles": circles.count(),
            "members": MentorshipMember.objects.filter(mentorship__in=circles).count(),
            "sessions": Session.objects.filter(mentorship__in=circles).count(),
            "attendance": SessionAttendance.objects.filter(session__mentorship__in=circles).count(),
            "experiments": ActionItem.objects.filter(mentorship__in=circles).count(),
            "feedback": Feedback.objects.filter(mentorship__in=circles).count(),
            "ratings": SkillRating.objects.filter(enrollment__program__name=CIRCLES).count(),
            "pulse": SurveyResponse.objects.filter(mentorship__in=circles).count(),
        }


def test_both_demo_organizations_run_a_circle_program_whose_circles_have_met_for_months():
    organizations = seed()
    assert [o.slug for o in organizations] == ["acme", "globex"]
    first = {o.slug: circle_figures(o) for o in organizations}
    for organization in organizations:
        with activate(organization):
            program = Program.objects.get(name=CIRCLES)
            assert (program.format, program.status) == ("circle", "running")
            circles = list(Mentorship.objects.filter(program=program, status="active"))
            assert len(circles) >= 2, organization.slug
            for circle in circles:
                members = MentorshipMember.objects.filter(mentorship=circle)
                mentees = {m.person_id for m in members if m.role == EnrollmentRole.MENTEE}
                mentors = {m.person_id for m in members if m.role == EnrollmentRole.MENTOR}
                assert len(mentees) >= 3 and len(mentors) == 1
                assert circle.focus_skill.name == "Confidence and self-advocacy"

                held = Session.objects.filter(mentorship=circle, status="held")
                assert held.count() >= 5
                assert all(session.shared_notes for session in held)
                assert Session.objects.filter(mentorship=circle, status="planned").count() == 1
                # who came: one row per member of every held session, and someone missed one
                attendance = SessionAttendance.objects.filter(session__in=held)
                assert attendance.count() == held.count() * len(mentees | mentors)
                assert set(attendance.values_list("person_id", flat=True)) == mentees | mentors
                assert attendance.filter(attended=False).exists()
                # the agendas, the shared log and private notes come from several members
                points_by = set(
                    AgendaItem.objects.filter(session__mentorship=circle).values_list(
                        "added_by_id", flat=True
                    )
                )
                assert len(points_by) >= 4 and mentors <= points_by
                assert any("\n\n" in session.shared_notes for session in held)
                notes_by = set(
                    PrivateNote.objects.filter(session__mentorship=circle).values_list(
                        "author_id", flat=True
                    )
                )
                assert len(notes_by) >= 3
                # every member has experiments of their own, some done with a reflection
                items = ActionItem.objects.filter(mentorship=circle)
                assert set(items.values_list("owner_id", flat=True)) == mentees | mentors
                done = items.filter(status=ActionStatus.DONE).exclude(reflection="")
                assert done.values("owner_id").distinct().count() >= 3
                # feedback between members, ratings of every mentee, everyone's pulse
                pairs = set(
                    Feedback.objects.filter(mentorship=circle).values_list(
                        "giver_id", "receiver_id"
                    )
                )
                assert any(giver in mentees and receiver in mentees for giver, receiver in pairs)
                assert any(receiver in mentors for _giver, receiver in pairs)
                for member in members.filter(role=EnrollmentRole.MENTEE):
                    roles = set(
                        SkillRating.objects.filter(enrollment=member.enrollment_id).values_list(
                            "rater_role", flat=True
                        )
                    )
                    assert roles == {RaterRole.SELF, RaterRole.MENTOR}
                answered = SurveyResponse.objects.filter(mentorship=circle, kind="pulse")
                assert answered.count() == len(mentees | mentors)
    seed()  # a second run finds the circles and their history, and adds nothing
    assert {o.slug: circle_figures(o) for o in organizations} == first


def signed_in_demo(slug: str, local: str) -> Client:
    browser = Client(HTTP_HOST=f"{slug}.localhost")
    response = browser.post(
        "/accounts/login/", {"login": email_for(local, slug), "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302, response.content[:2000]
    return browser


def circle_of(organization, local: str) -> Mentorship:
    with activate(organization):
        return Mentorship.objects.get(
            program__name=CIRCLES,
            members__person__user__email=email_for(local, organization.slug),
        )


def test_a_demo_circle_mentee_signs_in_and_sees_their_circle_and_nobody_elses():
    acme, globex = seed()
    circle = circle_of(acme, "aisha.bello")
    url = reverse("matching:mentorship", kwargs={"mentorship_id": circle.pk})
    page = signed_in_demo("acme", "aisha.bello").get(url)
    assert page.status_code == 200
    text = page.content.decode()
    with activate(acme):
        names = [m.person.display_name for m in circle_members(circle)]
    assert len(names) >= 4 and all(name in text for name in names)
    # a colleague outside the circle, and the same circle's id from the other organization
    assert signed_in_demo("acme", "jamal.carter").get(url).status_code == 404
    other = circle_of(globex, "aisha.bello")
    elsewhere = reverse("matching:mentorship", kwargs={"mentorship_id": other.pk})
    assert signed_in_demo("acme", "aisha.bello").get(elsewhere).status_code == 404
