"""A member leaves the organization (the directory ends their membership): their pairs end
early with a reason both sides see, they leave their circles, their places in programs are
withdrawn, and each program manager hears once what ended. History stays."""

import html
import itertools
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from feedback.models import Feedback
from matching.models import Mentorship, MentorshipMember, MentorshipStatus
from matching.services.departures import departure_end_mentoring
from mentoring.notifications.models import OutboxMessage
from mentoring.people.models import Profile
from mentoring.people.services import membership_end
from mentoring.tenancy import activate
from mentoring.tenancy.models import Membership, Role
from programs.models import Enrollment, EnrollmentStatus, ProgramFormat, ProgramStatus
from sessions.models import Session
from tests.builders.circle import make_circle
from tests.builders.clients import signed_in
from tests.builders.cohort import enrol_mentee
from tests.builders.formats import format_pair
from tests.builders.pair import give, make_pair, schedule
from tests.builders.world import add_member, hold_session, make_program, make_user

REASON = "Left the organization (directory sync)"
_people = itertools.count()


def profile_of(org, user) -> Profile:
    with activate(org.organization):
        return Profile.objects.select_related("user").get(user=user)


def leave(org, user, reason="directory") -> bool:
    with activate(org.organization):
        return membership_end(
            organization=org.organization, profile=profile_of(org, user), reason=reason
        )


def departure_emails(org) -> list[OutboxMessage]:
    with activate(org.organization):
        return list(
            OutboxMessage.objects.filter(dedupe_key__startswith="member-left:").order_by("pk")
        )


def reloaded(org, mentorship) -> Mentorship:
    with activate(org.organization):
        return Mentorship.objects.get(pk=mentorship.pk)


def new_member(org, role: str):
    number = next(_people)
    user = make_user(f"{role}-d{number}@{org.organization.slug}.example")
    add_member(org.organization, user, name=f"Leaver {role} {number}")
    return user


def open_pairs(org, mentor, count: int) -> list[Mentorship]:
    """``count`` open pairs of ``mentor`` (a member of ``org``) with new mentees, in a
    running program of their own."""
    organization = org.organization
    program = make_program(org, status=ProgramStatus.RUNNING)

    def enrolment(user, role, capacity=None):
        return Enrollment.objects.create(
            organization=organization,
            program=program,
            person=Profile.objects.get(user=user),
            role=role,
            status=EnrollmentStatus.APPROVED,
            capacity=capacity,
        )

    mentees = [new_member(org, "mentee") for _ in range(count)]
    with activate(organization):
        mentoring = enrolment(mentor, "mentor", capacity=count)
        return [
            Mentorship.objects.create(
                organization=organization,
                program=program,
                mentee=enrolment(mentee, "mentee"),
                mentor=mentoring,
                started_on=date.today() - timedelta(days=10),
                ends_on=date.today() + timedelta(days=200),
            )
            for mentee in mentees
        ]


def mentor_with_pairs(org, count: int):
    """A new mentor of ``org`` with ``count`` open pairs."""
    mentor = new_member(org, "mentor")
    open_pairs(org, mentor, count)
    return mentor


def test_a_leaver_s_pair_ends_early_with_the_reason_and_its_history_stays(world, sent):
    acme = world.acme
    pair = make_pair(acme)
    hold_session(pair.mentorship)
    schedule(pair)
    give(pair)
    with activate(acme.organization):
        sessions = Session.objects.filter(mentorship=pair.mentorship).count()
        feedback = Feedback.objects.filter(mentorship=pair.mentorship).count()

    with sent:
        assert leave(acme, pair.mentee) is True

    mentorship = reloaded(acme, pair.mentorship)
    assert mentorship.status == MentorshipStatus.ENDED_EARLY
    assert mentorship.end_reason == REASON
    assert mentorship.ended_on == date.today()
    with activate(acme.organization):
        assert Session.objects.filter(mentorship=mentorship).count() == sessions == 2
        assert Feedback.objects.filter(mentorship=mentorship).count() == feedback == 1
        assert MentorshipMember.objects.filter(mentorship=mentorship).count() == 2
    # The partner who stays reads why the pair ended on its page.
    page = signed_in(acme, pair.mentor).get(
        reverse("matching:mentorship", kwargs={"mentorship_id": mentorship.pk})
    )
    assert page.status_code == 200
    assert REASON in page.content.decode()


@pytest.mark.parametrize("program_format", [ProgramFormat.PEER, ProgramFormat.REVERSE])
def test_a_peer_or_reverse_pair_ends_when_the_mentor_side_leaves(world, program_format):
    pair = format_pair(world.acme, program_format)

    leave(world.acme, pair.mentor, reason="")

    mentorship = reloaded(world.acme, pair.mentorship)
    assert mentorship.status == MentorshipStatus.ENDED_EARLY
    assert mentorship.end_reason == "Left the organization"


def test_a_circle_goes_on_without_a_mentee_who_leaves(world):
    acme = world.acme
    circle = make_circle(acme, mentees=4)
    leaver = circle.mentees[0]  # the circle's first mentee: the row is re-pointed

    leave(acme, leaver)

    mentorship = reloaded(acme, circle.mentorship)
    assert mentorship.status == MentorshipStatus.ACTIVE
    with activate(acme.organization):
        people = set(
            MentorshipMember.objects.filter(mentorship=mentorship).values_list(
                "person__user", flat=True
            )
        )
    assert people == {user.pk for user in circle.members} - {leaver.pk}


def test_a_circle_whose_only_mentor_leaves_ends_early_with_the_reason(world):
    acme = world.acme
    circle = make_circle(acme, mentees=3)

    leave(acme, circle.mentors[0])

    mentorship = reloaded(acme, circle.mentorship)
    assert mentorship.status == MentorshipStatus.ENDED_EARLY
    assert mentorship.end_reason == REASON


def test_a_leaver_s_open_applications_are_withdrawn_and_closed_programs_kept(world):
    acme = world.acme
    leaver = acme.mentees[0]
    enrolling = make_program(acme, status=ProgramStatus.ENROLLING)
    applied = enrol_mentee(acme, leaver, enrolling, approve=False)
    finished = make_program(acme, status=ProgramStatus.ENROLLING)
    approved = enrol_mentee(acme, leaver, finished)
    with activate(acme.organization):
        finished.status = ProgramStatus.CLOSED
        finished.save(update_fields=["status"])

    leave(acme, leaver)

    with activate(acme.organization):
        applied.refresh_from_db()
        approved.refresh_from_db()
    assert applied.status == EnrollmentStatus.WITHDRAWN
    assert approved.status == EnrollmentStatus.APPROVED


def test_each_program_manager_gets_one_email_listing_what_ended(world, sent):
    acme = world.acme
    second_manager = make_user("manager2@acme.example")
    add_member(acme.organization, second_manager, role=Role.MANAGER, name="Second manager")
    pair = make_pair(acme)
    leaver = pair.mentor
    circle = make_circle(acme, mentees=3, mentors=2)  # the world's two mentors guide it
    enrolling = make_program(acme, name="Spring listening", status=ProgramStatus.ENROLLING)
    enrol_mentee(acme, leaver, enrolling, approve=False)

    with sent:
        leave(acme, leaver)

    emails = departure_emails(acme)
    assert sorted(email.to_email for email in emails) == [
        "manager2@acme.example",
        "manager@acme.example",
    ]
    name = profile_of(acme, leaver).display_name
    mentee = profile_of(acme, pair.mentee).display_name
    for email in emails:
        assert email.subject == f"{name} has left {acme.organization.name}: what ended in mentoring"
        for body in (email.body_text, html.unescape(email.body_html)):
            assert "(directory sync)" in body
            assert "Pairs that ended early" in body
            assert f"{mentee} (mentee) and {name} (mentor)" in body
            assert f"/admin/matching/mentorship/{pair.mentorship.pk}/change/" in body
            assert "Circles that go on without them" in body
            assert f"/admin/matching/mentorship/{circle.mentorship.pk}/change/" in body
            assert "Circles that ended early" not in body
            assert "Spring listening, as mentee" in body
    assert world.globex.organization.name not in emails[0].body_text


def test_nobody_is_emailed_when_the_leaver_had_nothing_open(world, sent):
    with sent:
        assert leave(world.acme, world.acme.hr) is True

    assert departure_emails(world.acme) == []


def test_a_departure_told_twice_ends_nothing_twice_and_sends_no_second_email(world):
    acme = world.acme
    pair = make_pair(acme)
    leave(acme, pair.mentee)
    ended = reloaded(acme, pair.mentorship)

    with activate(acme.organization):
        assert leave(acme, pair.mentee) is False  # the membership had ended already
        again = departure_end_mentoring(
            organization=acme.organization, person=profile_of(acme, pair.mentee), reason="x"
        )

    assert not again.ended_anything
    mentorship = reloaded(acme, pair.mentorship)
    assert (mentorship.end_reason, mentorship.updated_at) == (REASON, ended.updated_at)
    assert len(departure_emails(acme)) == 1


def test_leaving_one_organization_keeps_the_same_person_s_mentoring_in_another(world, sent):
    acme, globex = world.acme, world.globex
    acme_pair = make_pair(acme)
    person = acme_pair.mentee  # who also mentors at globex, under the same sign-in
    add_member(globex.organization, person, name="Same person at globex")
    (globex_pair,) = open_pairs(globex, person, 1)

    with sent:
        leave(acme, person)

    assert reloaded(acme, acme_pair.mentorship).status == MentorshipStatus.ENDED_EARLY
    assert reloaded(globex, globex_pair).status == MentorshipStatus.ACTIVE
    with activate(globex.organization):
        assert Membership.objects.get(user=person).is_active
        assert Enrollment.objects.get(person__user=person).status == EnrollmentStatus.APPROVED
    assert departure_emails(globex) == []


# What one more pair adds to a departure: mentorship_set_status locks and saves it, in a
# savepoint of its own (SAVEPOINT, SELECT ... FOR UPDATE, UPDATE, RELEASE).
QUERIES_PER_PAIR = 4


def test_a_departure_s_queries_grow_by_a_constant_per_pair(world):
    """Not flat: each pair ends through the one lifecycle service, a constant apiece; the
    rest of a departure (circles, enrolments, the email) costs the same for 1 or 3 pairs."""
    acme = world.acme
    leave(acme, mentor_with_pairs(acme, 1))  # a first departure warms what is cached
    counts = {}
    for pairs in (1, 3):
        leaver = mentor_with_pairs(acme, pairs)
        with CaptureQueriesContext(connection) as queries:
            leave(acme, leaver)
        counts[pairs] = len(queries)

    assert counts[3] - counts[1] == 2 * QUERIES_PER_PAIR, counts
    assert len(departure_emails(acme)) == 3  # the manager heard of each departure
