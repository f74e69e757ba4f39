"""A circle is one mentorship of one or two mentors and three to eight mentees: every one of
them is a member (the one access rule), sees it from their own side, and nobody else does."""

import pytest
from django.core.exceptions import ValidationError

from matching.access import side_of
from matching.models import MentorshipMember
from matching.services.circles import NewCircle, circles_create
from mentoring.tenancy import activate
from programs.models import Enrollment
from tests.builders.circle import make_circle


def test_everyone_of_a_circle_is_a_member_on_the_side_they_enrolled(world):
    circle = make_circle(world.acme, mentees=4, mentors=2)
    with activate(world.acme.organization):
        members = set(
            MentorshipMember.objects.filter(mentorship=circle.mentorship).values_list(
                "person__user_id", "role"
            )
        )
    assert members == {
        *((user.pk, "mentor") for user in circle.mentors),
        *((user.pk, "mentee") for user in circle.mentees),
    }


def test_each_member_sees_the_circle_with_everyone_else_as_the_others(world):
    circle = make_circle(world.acme, mentees=3)
    third = circle.mentees[2]
    with activate(world.acme.organization):
        row = side_of(circle.mentorship, third)
        assert row.is_mentee and row.is_circle
        assert row.me.user_id == third.pk
        assert {p.user_id for p in row.others} == {u.pk for u in circle.members} - {third.pk}
        assert [p.user_id for p in row.mentors] == [circle.mentors[0].pk]
        assert row.pair_title == f"{circle.mentorship.focus_skill.name} circle"
        assert side_of(circle.mentorship, circle.mentors[0]).is_mentor


def test_a_circle_with_too_few_mentees_is_refused_and_nothing_is_created(world):
    circle = make_circle(world.acme, mentees=3)
    program = circle.mentorship.program
    with activate(world.acme.organization):
        enrollments = list(Enrollment.objects.filter(program=program).order_by("role", "pk"))
        mentees = [e for e in enrollments if e.role == "mentee"]
        mentors = [e for e in enrollments if e.role == "mentor"]
        with pytest.raises(ValidationError, match="3 to 6 mentees, not 2"):
            circles_create(
                world.acme.organization, program, [NewCircle(mentors, mentees[:2], None)]
            )
        with pytest.raises(ValidationError, match="already in an open circle"):
            circles_create(world.acme.organization, program, [NewCircle(mentors, mentees, None)])
        assert program.mentorships.count() == 1
