"""A circle's pages for its members: the circle page and list, the sessions everyone plans,
the one agenda everyone builds, who came, the shared log and each one's private notes,
each member's own experiments, and everyone else told once about a session planned."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mentoring.notifications.models import Kind, OutboxMessage
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from programs.models import Goal
from sessions import services
from sessions.models import (
    ActionItem,
    AgendaItem,
    PrivateNote,
    Session,
    SessionAttendance,
    SessionStatus,
    SessionVisit,
)
from tests.builders.circle import Circle, make_circle
from tests.builders.clients import signed_in
from tests.builders.pages import HTMX, text
from tests.builders.world import add_member, make_user


@pytest.fixture
def circle(world) -> Circle:
    """One mentor and three mentees: four members."""
    return make_circle(world.acme, mentees=3)


def profile(circle, user) -> Profile:
    with activate(circle.org.organization):
        return Profile.objects.get(user=user)


def plan(circle, actor, *, starts_at=None) -> Session:
    with activate(circle.org.organization):
        return services.session_schedule(
            organization=circle.org.organization,
            actor=actor,
            mentorship=circle.mentorship,
            starts_at=starts_at or timezone.now() + timedelta(days=1),
            allow_overlap=True,
        )


def to_the_past(circle, session) -> Session:
    with activate(circle.org.organization):
        Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() - timedelta(hours=2))
        session.refresh_from_db()
    return session


def log_data(**fields):
    return {
        "status": SessionStatus.HELD,
        "actual_minutes": "60",
        "shared_notes": "We practised saying no kindly.",
        "real_situations": "",
        "private_note": "",
        **fields,
    }


# ---------------------------------------------------------------- pages and access


def test_each_member_sees_the_circle_page_with_everyone_by_name_and_its_shared_skill(circle):
    skill = circle.mentorship.focus_skill
    names = [profile(circle, user).display_name for user in circle.members]
    for user in circle.members:
        page = text(signed_in(circle.org, user).get(f"/mentorships/{circle.mentorship.pk}/"))
        assert f"{skill.name} circle" in page
        assert all(name in page for name in names)
        assert "Shared focus" in page
        assert "Fit check" not in page


def test_a_mentee_reads_their_own_goals_and_the_mentor_reads_every_mentees(circle):
    with activate(circle.org.organization):
        for index, user in enumerate(circle.mentees):
            Goal.objects.filter(enrollment__person__user=user).update(
                statement=f"Goal number {index} of the circle"
            )
    url = f"/mentorships/{circle.mentorship.pk}/"
    for index, user in enumerate(circle.mentees):
        page = text(signed_in(circle.org, user).get(url))
        assert f"Goal number {index} of the circle" in page
        assert page.count("of the circle</span>") == 1, "another mentee's goal is shown"
    mentor_page = text(signed_in(circle.org, circle.mentors[0]).get(url))
    for index in range(len(circle.mentees)):
        assert f"Goal number {index} of the circle" in mentor_page


def test_each_member_sees_the_session_page_and_everyone_else_named(circle):
    session = plan(circle, circle.mentees[1])
    for user in circle.members:
        page = text(signed_in(circle.org, user).get(f"/sessions/{session.pk}/"))
        assert f"{circle.mentorship.focus_skill.name} circle" in page
        others = [profile(circle, u).display_name for u in circle.members if u != user]
        assert all(name in page for name in others)


def test_a_non_member_and_another_organizations_member_get_404(world, circle):
    session = plan(circle, circle.mentors[0])
    outsider = make_user(f"outsider@{world.acme.organization.slug}.example")
    add_member(world.acme.organization, outsider, name="Out Sider")
    strangers = [
        signed_in(world.acme, world.acme.mentors[1]),  # same organization, not in the circle
        signed_in(world.acme, outsider),
        signed_in(world.globex, world.globex.mentees[0]),
    ]
    for browser in strangers:
        for url in (
            f"/mentorships/{circle.mentorship.pk}/",
            f"/mentorships/{circle.mentorship.pk}/sessions/",
            f"/mentorships/{circle.mentorship.pk}/experiments/",
            f"/sessions/{session.pk}/",
            f"/sessions/{session.pk}/agenda/live/",
        ):
            assert browser.get(url).status_code == 404, url
        response = browser.post(f"/sessions/{session.pk}/agenda/add/", {"text": "Sneaky"})
        assert response.status_code == 404
    with activate(world.acme.organization):
        assert not AgendaItem.objects.filter(text="Sneaky").exists()


def test_the_list_names_the_circle_and_costs_the_same_for_three_or_six_mentees(world):
    small = make_circle(world.acme, mentees=3)
    mentor = signed_in(world.acme, small.mentors[0])
    page = text(mentor.get("/mentorships/"))
    assert f"{small.mentorship.focus_skill.name} circle" in page

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert mentor.get("/mentorships/").status_code == 200
        return len(captured)

    before = queries()
    home_line = mentor.get("/mentorships/mine/", **HTMX)
    assert f"{small.mentorship.focus_skill.name} circle" in text(home_line)
    with activate(world.acme.organization):  # three more mentees join the same circle
        from matching.models import MentorshipMember
        from tests.builders.circle import more_mentees
        from tests.builders.cohort import enrol

        extra = more_mentees(world.acme, 3)
        enrol(world.acme, small.mentorship.program, extra, [])
        for user in extra:
            enrollment = small.mentorship.program.enrollments.get(person__user=user)
            MentorshipMember.objects.create(
                organization=world.acme.organization,
                mentorship=small.mentorship,
                enrollment=enrollment,
                person=enrollment.person,
                role="mentee",
            )
    assert queries() == before


# ---------------------------------------------------------------- planning and being told


def test_any_member_plans_a_session_and_each_other_member_is_told_once(circle):
    planner = circle.mentees[2]
    response = signed_in(circle.org, planner).post(
        f"/mentorships/{circle.mentorship.pk}/sessions/new/",
        {
            "starts_at": (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "60",
            "kind": "check_in",
            "location": "Room 2",
        },
    )
    assert response.status_code == 302
    with activate(circle.org.organization):
        told = list(OutboxMessage.objects.filter(kind=Kind.SESSION_PLANNED))
        invitation = OutboxMessage.objects.get(kind=Kind.SESSION_INVITATION)
    assert sorted(m.recipient_id for m in told) == sorted(
        u.pk for u in circle.members if u != planner
    )
    assert invitation.recipient == planner
    assert all("planned a circle session" in message.subject for message in told)
    calendar = told[0].attachments[0]["content"]
    for user in circle.members:
        assert user.email in calendar


def test_the_schedule_page_of_a_circle_offers_no_free_slots_and_says_so(circle):
    page = text(
        signed_in(circle.org, circle.mentees[0]).get(
            f"/mentorships/{circle.mentorship.pk}/sessions/new/"
        )
    )
    assert "Plan a circle session" in page
    assert "Free times are proposed to pairs only" in page


# ---------------------------------------------------------------- one shared agenda


def test_a_point_added_by_a_mentee_is_seen_by_the_other_mentees_and_the_mentor(circle):
    session = plan(circle, circle.mentors[0])
    author = circle.mentees[0]
    response = signed_in(circle.org, author).post(
        f"/sessions/{session.pk}/agenda/add/", {"text": "Saying no to extra work"}, **HTMX
    )
    assert response.status_code == 200
    author_name = profile(circle, author).display_name
    for user in circle.members:
        if user == author:
            continue
        live = text(signed_in(circle.org, user).get(f"/sessions/{session.pk}/agenda/live/", **HTMX))
        assert "Saying no to extra work" in live
        assert f"Added by {author_name}" in live


def test_agenda_news_goes_to_every_other_member_who_looked_before(circle):
    session = plan(circle, circle.mentors[0])
    for user in circle.members:
        signed_in(circle.org, user).get(f"/sessions/{session.pk}/")
    with activate(circle.org.organization):
        SessionVisit.objects.update(seen_at=timezone.now() - timedelta(hours=2))
        services.agenda_item_add(
            organization=circle.org.organization,
            actor=circle.mentees[1],
            session=session,
            text="The meeting where I froze",
        )
        told = sorted(
            OutboxMessage.objects.filter(kind=Kind.AGENDA_ADDED).values_list(
                "recipient_id", flat=True
            )
        )
    assert told == sorted(u.pk for u in circle.members if u != circle.mentees[1])


# ---------------------------------------------------------------- logging and notes


def test_attendance_is_logged_per_member_and_the_session_page_shows_who_came(circle):
    session = to_the_past(circle, plan(circle, circle.mentors[0]))
    absent = circle.mentees[2]
    logger = signed_in(circle.org, circle.mentees[0])
    form = text(logger.get(f"/sessions/{session.pk}/log/"))
    assert "Who did not come?" in form
    response = logger.post(
        f"/sessions/{session.pk}/log/", log_data(absent=[profile(circle, absent).pk])
    )
    assert response.status_code == 302
    with activate(circle.org.organization):
        came = dict(
            SessionAttendance.objects.filter(session=session).values_list(
                "person__user_id", "attended"
            )
        )
    assert came == {user.pk: user != absent for user in circle.members}
    page = text(signed_in(circle.org, circle.mentors[0]).get(f"/sessions/{session.pk}/"))
    assert "Who came" in page
    assert f"{profile(circle, absent).display_name}: " in page
    assert "did not come" in page
    assert "We practised saying no kindly." in page


def test_logging_twice_says_already_logged_and_records_attendance_once(circle):
    session = to_the_past(circle, plan(circle, circle.mentors[0]))
    first = signed_in(circle.org, circle.mentees[0])
    assert first.post(f"/sessions/{session.pk}/log/", log_data()).status_code == 302
    second = signed_in(circle.org, circle.mentees[1])
    response = second.post(f"/sessions/{session.pk}/log/", log_data(), follow=True)
    assert "already logged" in text(response)
    with activate(circle.org.organization):
        assert SessionAttendance.objects.filter(session=session).count() == len(circle.members)
        with pytest.raises(Exception, match="already logged"):
            services.session_log(
                organization=circle.org.organization,
                actor=circle.mentees[2],
                session=session,
                status=SessionStatus.HELD,
                actual_minutes=30,
            )
        assert SessionAttendance.objects.filter(session=session).count() == len(circle.members)


def test_private_notes_stay_private_to_each_member(circle):
    session = plan(circle, circle.mentors[0])
    for index, user in enumerate(circle.members):
        response = signed_in(circle.org, user).post(
            f"/sessions/{session.pk}/private-note/", {"private-text": f"Secret number {index}"}
        )
        assert response.status_code == 302
    with activate(circle.org.organization):
        assert PrivateNote.objects.filter(session=session).count() == len(circle.members)
    for index, user in enumerate(circle.members):
        page = text(signed_in(circle.org, user).get(f"/sessions/{session.pk}/"))
        assert f"Secret number {index}" in page
        assert "the others in your circle" in page
        for other in range(len(circle.members)):
            if other != index:
                assert f"Secret number {other}" not in page


# ---------------------------------------------------------------- experiments


def add_experiment(circle, user, description):
    response = signed_in(circle.org, user).post(
        f"/mentorships/{circle.mentorship.pk}/experiments/new/",
        {
            "new-description": description,
            "new-due_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 302, text(response)[:2000]


def test_each_member_sees_and_changes_only_their_own_experiments(circle):
    ana, ben = circle.mentees[0], circle.mentees[1]
    add_experiment(circle, ana, "Ask one question before giving advice")
    add_experiment(circle, ben, "Pause three seconds before answering")
    with activate(circle.org.organization):
        owners = dict(ActionItem.objects.values_list("description", "owner__user_id"))
        bens = ActionItem.objects.get(owner__user=ben)
    assert owners == {
        "Ask one question before giving advice": ana.pk,
        "Pause three seconds before answering": ben.pk,
    }
    ana_page = text(
        signed_in(circle.org, ana).get(f"/mentorships/{circle.mentorship.pk}/experiments/")
    )
    assert "Ask one question before giving advice" in ana_page
    assert "Pause three seconds before answering" not in ana_page
    mentor_page = text(
        signed_in(circle.org, circle.mentors[0]).get(
            f"/mentorships/{circle.mentorship.pk}/experiments/"
        )
    )
    assert "Pause three seconds" not in mentor_page and "Ask one question" not in mentor_page
    ana_browser = signed_in(circle.org, ana)
    base = f"/mentorships/{circle.mentorship.pk}/experiments/{bens.pk}"
    assert ana_browser.post(f"{base}/drop/").status_code == 404
    assert ana_browser.post(f"{base}/done/", {f"done-{bens.pk}-reflection": "x"}).status_code == 404
    with activate(circle.org.organization):
        assert ActionItem.objects.get(pk=bens.pk).status == "open"


def test_a_circle_member_cannot_give_an_experiment_to_someone_else(circle):
    with activate(circle.org.organization):
        other = Profile.objects.get(user=circle.mentees[1])
        with pytest.raises(Exception, match="your own experiments"):
            services.action_item_add(
                organization=circle.org.organization,
                actor=circle.mentors[0],
                mentorship=circle.mentorship,
                description="Speak first at the stand-up",
                due_on=timezone.localdate() + timedelta(days=3),
                owner=other,
            )
        assert not ActionItem.objects.exists()


def test_every_member_writes_the_shared_notes_and_a_clash_loses_nothing(circle):
    session = to_the_past(circle, plan(circle, circle.mentors[0]))
    assert (
        signed_in(circle.org, circle.mentors[0])
        .post(f"/sessions/{session.pk}/log/", log_data(shared_notes="First notes."))
        .status_code
        == 302
    )
    with activate(circle.org.organization):
        from sessions.services.log import shared_notes_version

        version = shared_notes_version("First notes.")
    mentee = signed_in(circle.org, circle.mentees[2])
    response = mentee.post(
        f"/sessions/{session.pk}/shared-notes/",
        {"shared-text": "First notes.\nAnd what I took away.", "shared-version": version},
    )
    assert response.status_code == 302
    # another mentee started from the first version: refused, both texts on the page
    other = signed_in(circle.org, circle.mentees[1])
    response = other.post(
        f"/sessions/{session.pk}/shared-notes/",
        {"shared-text": "First notes.\nMy own addition.", "shared-version": version},
    )
    page = text(response)
    assert response.status_code == 200
    assert "changed the shared notes while you were writing" in page
    assert "And what I took away." in page and "My own addition." in page
    assert reload_notes(circle, session) == "First notes.\nAnd what I took away."
    for user in circle.members:
        page = text(signed_in(circle.org, user).get(f"/sessions/{session.pk}/"))
        assert "And what I took away." in page


def reload_notes(circle, session) -> str:
    with activate(circle.org.organization):
        return Session.objects.get(pk=session.pk).shared_notes
