"""Partners are told, in Chromium: the mentor plans a session in their browser; the
mentee's page, never reloaded, shows the new unread count within one poll (htmx, every
10 s while the tab is visible), and "What's new" lists it with a link to the session."""

import re
import zoneinfo
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.builders.browser import (
    assert_accessible,
    assert_no_horizontal_scroll,
    mark_window,
    org_url,
    screenshot,
    sign_in,
    window_was_not_reloaded,
)
from tests.builders.pair import make_pair
from tests.builders.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def wide_page(browser):
    """The mentee's browser, 1280 px wide (the screenshots' width)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def _in_two_days_on_the_clock_of(person) -> str:
    zone = zoneinfo.ZoneInfo(person.time_zone)
    day = (timezone.now() + timedelta(days=2)).astimezone(zone).date()
    return f"{day:%Y-%m-%d}T10:00"


def test_the_mentee_sees_a_session_the_mentor_planned_without_reloading(
    wide_page, other_page, phone, live_server
):
    world = build_world()
    pair = make_pair(world.acme)
    mentee, mentor = wide_page, other_page
    mentor_name = pair.mentorship.mentor.person.display_name

    # The mentee reads what is new so far (the pair's announcement), then waits on home.
    sign_in(mentee, live_server, "acme", pair.mentee.email)
    mentee.get_by_role("link", name=re.compile("^What's new")).click()
    expect(mentee.get_by_role("heading", name="What's new")).to_be_visible()
    mentee.goto(org_url(live_server, "acme", "/"))
    count = mentee.locator("#news-count")
    expect(count).to_have_text("")
    mark_window(mentee)

    # The mentor plans a session in their own browser.
    sign_in(mentor, live_server, "acme", pair.mentor.email)
    mentor.goto(org_url(live_server, "acme", f"/mentorships/{pair.mentorship.pk}/"))
    mentor.get_by_role("link", name="Plan a session").click()
    mentor.get_by_label("Date and time").fill(
        _in_two_days_on_the_clock_of(pair.mentorship.mentor.person)
    )
    mentor.get_by_role("button", name="Plan the session").click()
    mentor.wait_for_url(re.compile(r"/sessions/\d+/$"))
    session_path = re.search(r"/sessions/\d+/$", mentor.url).group(0)

    # Within one poll the mentee's navigation says so, without a reload.
    expect(count).to_have_text("1 unread", timeout=15_000)
    assert window_was_not_reloaded(mentee), "the count came with a full page load"

    mentee.get_by_role("link", name=re.compile("^What's new")).click()
    news = mentee.locator(".news-item").first
    expect(news).to_contain_text(f"{mentor_name} planned a mentoring session")
    expect(news.get_by_text("New", exact=True)).to_be_visible()
    # The link is the email's (absolute, on the organization's public address).
    expect(news.get_by_role("link")).to_have_attribute("href", re.compile(session_path + "$"))
    assert_accessible(mentee)
    screenshot(mentee, "news")
    expect(count).to_have_text("")  # seen: nothing unread any more

    # On a phone the list fits the screen.
    sign_in(phone, live_server, "acme", pair.mentee.email)
    phone.goto(org_url(live_server, "acme", "/me/news/"))
    expect(phone.locator(".news-item").first).to_be_visible()
    assert_no_horizontal_scroll(phone)
    assert_accessible(phone)
