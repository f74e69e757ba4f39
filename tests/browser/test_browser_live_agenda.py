"""The live agenda in Chromium, with the mentee and the mentor each in their own browser
context on the same session page: what one adds, edits, moves and removes shows up on the
other's page within a few seconds without a reload; a hidden tab stops asking; an edit
that crossed the other person's edit shows both texts and loses neither."""

import re

import pytest
from playwright.sync_api import expect

from mentoring.tenancy import activate
from tests.builders.browser import (
    assert_accessible,
    assert_no_horizontal_scroll,
    mark_window,
    org_url,
    screenshot,
    sign_in,
    window_was_not_reloaded,
)
from tests.builders.pair import make_pair, schedule
from tests.builders.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)

SEEN_WITHIN = 10_000  # ms: the page asks every 3 s

FIRST = "The planning meeting where I stayed silent about the deadline"
FIRST_EDITED = "The planning meeting, and what I would say now"
SECOND = "How to say no to the extra project"


def point(page, number: int):
    return page.locator("#agenda-list .agenda__item").nth(number - 1)


def points(page):
    return page.locator("#agenda-list .agenda__text")


def test_two_people_see_each_others_agenda_changes_without_reloading(
    page, other_page, phone, live_server
):
    world = build_world()
    pair = make_pair(world.acme)
    session = schedule(pair)
    with activate(pair.org.organization):
        # no follow-up points from earlier experiments: the agenda starts empty
        session.agenda.all().delete()
    url = org_url(live_server, "acme", f"/sessions/{session.pk}/")
    mentee, mentor = page, other_page
    sign_in(mentee, live_server, "acme", pair.mentee.email)
    sign_in(mentor, live_server, "acme", pair.mentor.email)
    mentee.goto(url)
    mentor.goto(url)
    mark_window(mentor)

    # the mentee adds a point: the mentor's page shows it
    mentee.get_by_label("Add a point").fill(FIRST)
    mentee.get_by_role("button", name="Add", exact=True).click()
    expect(points(mentee)).to_have_text([FIRST])
    expect(points(mentor)).to_have_text([FIRST], timeout=SEEN_WITHIN)

    # an edit
    mentee.get_by_role("link", name="Edit point 1").click()
    mentee.get_by_label("Edit point 1").fill(FIRST_EDITED)
    mentee.get_by_role("button", name="Save").click()
    expect(points(mentee)).to_have_text([FIRST_EDITED])
    expect(points(mentor)).to_have_text([FIRST_EDITED], timeout=SEEN_WITHIN)

    # a second point, then a move
    mentee.get_by_label("Add a point").fill(SECOND)
    mentee.get_by_role("button", name="Add", exact=True).click()
    expect(points(mentor)).to_have_text([FIRST_EDITED, SECOND], timeout=SEEN_WITHIN)
    point(mentee, 2).get_by_role("button", name=re.compile("^Up")).click()
    expect(points(mentee)).to_have_text([SECOND, FIRST_EDITED])
    expect(points(mentor)).to_have_text([SECOND, FIRST_EDITED], timeout=SEEN_WITHIN)

    # a removal
    mentee.get_by_role("button", name="Remove point 2").click()
    expect(points(mentee)).to_have_text([SECOND])
    expect(points(mentor)).to_have_text([SECOND], timeout=SEEN_WITHIN)
    assert window_was_not_reloaded(mentor)

    # what the mentor types in the add box is never replaced by the poll
    mentor.get_by_label("Add a point").fill("Half-typed thought")
    mentee.get_by_label("Add a point").fill(FIRST)
    mentee.get_by_role("button", name="Add", exact=True).click()
    expect(points(mentor)).to_have_text([SECOND, FIRST], timeout=SEEN_WITHIN)
    expect(mentor.get_by_label("Add a point")).to_have_value("Half-typed thought")
    mentor.get_by_label("Add a point").fill("")

    # a hidden tab does not ask; back on the tab, it catches up at once
    mentor.evaluate(
        "Object.defineProperty(document, 'hidden', {configurable: true, get: () => true})"
    )
    mentor.wait_for_timeout(3500)  # a poll already on its way lands first
    mentee.get_by_role("button", name="Remove point 2").click()
    expect(points(mentee)).to_have_text([SECOND])
    mentor.wait_for_timeout(4000)
    expect(points(mentor)).to_have_text([SECOND, FIRST])
    mentor.evaluate(
        "Object.defineProperty(document, 'hidden', {configurable: true, get: () => false});"
        "document.dispatchEvent(new Event('visibilitychange'))"
    )
    expect(points(mentor)).to_have_text([SECOND], timeout=SEEN_WITHIN)

    # crossed edits: the mentor opens the point, the mentee changes it, the mentor saves
    mentor.get_by_role("link", name="Edit point 1").click()
    mentor.get_by_label("Edit point 1").fill("Saying no, kindly and early")
    mentee.get_by_role("link", name="Edit point 1").click()
    mentee.get_by_label("Edit point 1").fill("Saying no to the project, with a reason")
    mentee.get_by_role("button", name="Save").click()
    expect(points(mentee)).to_have_text(["Saying no to the project, with a reason"])
    mentor.wait_for_timeout(3500)  # the mentor's open form is left alone by the poll
    expect(mentor.get_by_label("Edit point 1")).to_have_value("Saying no, kindly and early")
    mentor.get_by_role("button", name="Save").click()
    conflict = mentor.locator(".agenda__conflict")
    expect(conflict).to_contain_text("This point changed while you were editing it.")
    expect(conflict).to_contain_text("Saying no to the project, with a reason")
    expect(mentor.get_by_label("Your text for point 1")).to_have_value(
        "Saying no, kindly and early"
    )
    assert_accessible(mentor)
    mentor.set_viewport_size({"width": 1280, "height": 900})
    screenshot(mentor, "live-agenda")
    mentor.get_by_role("button", name="Save mine").click()
    expect(points(mentor)).to_have_text(["Saying no, kindly and early"])
    expect(points(mentee)).to_have_text(["Saying no, kindly and early"], timeout=SEEN_WITHIN)
    assert window_was_not_reloaded(mentor)

    # a removed point: removing it again from a page that still shows it says so (the
    # mentor's tab is hidden meanwhile, so no poll takes the point off before the click)
    mentor.evaluate(
        "Object.defineProperty(document, 'hidden', {configurable: true, get: () => true})"
    )
    mentor.wait_for_timeout(3500)  # a poll already on its way lands first
    mentee.get_by_role("button", name="Remove point 1").click()
    expect(points(mentee)).to_have_count(0)
    expect(points(mentor)).to_have_count(1)
    mentor.get_by_role("button", name="Remove point 1").click()
    expect(mentor.locator("#agenda")).to_contain_text(
        "That point had already been removed from the agenda."
    )

    # on a phone
    sign_in(phone, live_server, "acme", pair.mentor.email)
    phone.goto(url)
    assert_no_horizontal_scroll(phone)
    assert_accessible(phone)
