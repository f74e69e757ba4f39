"""A goal review done together, in Chromium, each person in their own browser context: the
mentee records a review, the mentor opens it from their home page and adds what they
observed, and the mentee reads it. axe-core on both sides, and no sideways scroll on a
phone."""

import re

import pytest
from playwright.sync_api import expect

from mentoring.notifications.models import Kind, OutboxMessage
from mentoring.tenancy import activate
from tests.builders.browser import (
    assert_accessible,
    assert_no_horizontal_scroll,
    org_url,
    screenshot,
    sign_in,
)
from tests.builders.cohort import GOAL
from tests.builders.pair import make_pair
from tests.builders.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)

WHAT_CHANGED = "In two planning meetings I asked the quietest person first."
NEXT_STEPS = "Try the same in the quarterly review with the director."
OBSERVATION = "At the retro you waited for Sam to finish, then summed up his point first."


def test_mentee_and_mentor_do_a_goal_review_together(page, other_page, phone, live_server):
    world = build_world()
    pair = make_pair(world.acme)
    mentee, mentor = page, other_page
    enrolment = f"/enrolments/{pair.mentorship.mentee_id}/"
    mentee_name = pair.mentorship.mentee.person.display_name

    # The mentee records a review of their goal on their enrolment page.
    sign_in(mentee, live_server, "acme", pair.mentee.email)
    mentee.goto(org_url(live_server, "acme", enrolment))
    mentee.get_by_text(re.compile("^Add my review")).click()
    mentee.get_by_label(re.compile(r"^3\. ")).check()
    mentee.get_by_label("What changed since the last review").fill(WHAT_CHANGED)
    mentee.get_by_label("Next steps").fill(NEXT_STEPS)
    mentee.get_by_role("button", name="Save my review").click()
    expect(mentee.get_by_text("Your review is saved.")).to_be_visible()
    expect(mentee.get_by_text("Your mentor has not added an observation")).to_be_visible()
    with activate(world.acme.organization):
        told = OutboxMessage.objects.filter(
            kind=Kind.GOAL_REVIEW_SHARED, recipient=pair.mentor
        ).count()
    assert told == 1

    # The mentor opens the mentee's goals from their home page and adds an observation.
    sign_in(mentor, live_server, "acme", pair.mentor.email)
    expect(mentor.get_by_text(re.compile("Next goal review:"))).to_be_visible()
    mentor.get_by_role("link", name=f"Goals and reviews of {mentee_name}").click()
    mentor.wait_for_url(org_url(live_server, "acme", enrolment))
    expect(mentor.get_by_role("heading", level=1)).to_contain_text(f"{mentee_name}'s goals")
    expect(mentor.get_by_text(GOAL)).to_be_visible()
    expect(mentor.get_by_text(WHAT_CHANGED)).to_be_visible()
    mentor.get_by_text(re.compile("^Add my observation")).click()
    mentor.get_by_label("Your observation").fill(OBSERVATION)
    assert_accessible(mentor)
    mentor.get_by_role("button", name="Save my observation").click()
    expect(mentor.get_by_text("Your observation is saved")).to_be_visible()
    expect(mentor.locator(".observation__text")).to_have_text(OBSERVATION)
    assert_accessible(mentor)
    mentor.set_viewport_size({"width": 1280, "height": 900})
    screenshot(mentor, "goal-review-together")

    # The mentee, back on the page, reads it.
    mentee.reload()
    expect(mentee.get_by_text("Your mentor's observation")).to_be_visible()
    expect(mentee.locator(".observation__text")).to_have_text(OBSERVATION)
    assert_accessible(mentee)

    # On a phone, neither side scrolls sideways.
    sign_in(phone, live_server, "acme", pair.mentor.email)
    phone.goto(org_url(live_server, "acme", enrolment))
    phone.get_by_text(re.compile("^Edit my observation")).click()
    assert_no_horizontal_scroll(phone)
    assert_accessible(phone)
