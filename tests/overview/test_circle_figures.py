"""Dashboards count circle members: the HR page's "people in active pairs and circles"
counts every member and a circle once among the mentorships; the program cockpit counts
every seat as matched; each circle member's home shows their circle (not only its first
mentee's and mentor's); a manager's nudge reaches everyone in it. Another organization's
pages show none of it."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from mentoring.notifications.models import Kind, OutboxMessage
from mentoring.overview.cockpit_services import pair_nudge
from mentoring.tenancy import activate
from tests.builders.circle import make_circle
from tests.builders.clients import signed_in
from tests.builders.pages import text


@pytest.fixture
def circle(world):
    return make_circle(world.acme, mentees=4, mentors=2)


def glance(page: str, label: str) -> str:
    """The value in the row headed ``label`` of a page's table."""
    found = re.search(re.escape(label) + r"\s*</th>\s*<td[^>]*>\s*([^<\s]+)", page)
    assert found, label
    return found[1]


def test_the_hr_page_counts_every_member_and_the_circle_once(circle):
    page = signed_in(circle.org, circle.org.hr).get("/hr/").content.decode()
    assert glance(page, "People in active pairs and circles") == "6"
    assert glance(page, "Of them, circles (a circle counts once)") == "1"
    assert glance(page, "Mentees matched") == "4"
    assert glance(page, "Active mentorships") == "1"


def test_the_other_organizations_hr_page_counts_none_of_this_circle(circle, world):
    page = signed_in(world.globex, world.globex.hr).get("/hr/").content.decode()
    assert glance(page, "People in active pairs and circles") == "0"
    assert glance(page, "Of them, circles (a circle counts once)") == "0"


def test_the_programs_cockpit_counts_every_seat_of_the_circle_as_matched(circle):
    url = reverse("program_cockpit", kwargs={"program_id": circle.mentorship.program_id})
    response = signed_in(circle.org, circle.org.manager).get(url)
    assert response.status_code == 200
    row = re.search(
        r'<th scope="row">In a pair now</th><td>(\d+)</td><td>(\d+)</td>', response.content.decode()
    )
    assert row and (row[1], row[2]) == ("4", "2")


def test_a_circle_mentee_who_is_not_its_first_sees_their_circle_at_home(circle):
    last = circle.mentees[-1]
    page = text(signed_in(circle.org, last).get("/"))
    skill = circle.mentorship.focus_skill.name
    assert f"{skill} circle" in page
    assert "You have no mentor yet" not in page


def test_the_second_mentor_of_a_circle_sees_it_at_home(circle):
    page = text(signed_in(circle.org, circle.mentors[1]).get("/"))
    assert f"{circle.mentorship.focus_skill.name} circle" in page


def test_a_managers_nudge_reaches_every_member_of_a_circle_once(circle):
    org = circle.org
    with activate(org.organization):
        result = pair_nudge(
            organization=org.organization, actor=org.manager, mentorship=circle.mentorship
        )
        sent = sorted(
            OutboxMessage.objects.filter(kind=Kind.PAIR_NUDGE).values_list("to_email", flat=True)
        )
    assert sent == sorted(user.email for user in circle.members)
    assert len(result.sent_to) == 6
