"""Logging a meeting that already happened, in Chromium: from the pair page, its time on
the mentee's clock, then notes and an experiment; accessible and no sideways scrolling at
375 px, and the same for the skill-progress page with its table."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from matching.models import Mentorship
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from sessions.models import ActionItem, Session, SessionStatus
from tests.builders.browser import (
    assert_accessible,
    assert_no_horizontal_scroll,
    org_url,
    screenshot,
    sign_in,
)
from tests.builders.pair import make_pair, rate
from tests.builders.world import build_world

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_mentee_logs_a_meeting_that_already_happened_from_the_pair_page(page, live_server):
    world = build_world()
    pair = make_pair(world.acme)
    with activate(world.acme.organization):
        Mentorship.objects.filter(pk=pair.mentorship.pk).update(
            started_on=date.today() - timedelta(days=14)
        )
    mentor_name = pair.mentorship.mentor.person.display_name

    sign_in(page, live_server, "acme", pair.mentee.email)
    page.goto(org_url(live_server, "acme", f"/mentorships/{pair.mentorship.pk}/"))
    page.get_by_role("link", name="Log a meeting that already happened").click()
    page.wait_for_url(re.compile(r"/sessions/log-past/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a meeting that already happened")
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    met = timezone.localtime(timezone.now() - timedelta(days=2)).replace(hour=10, minute=0)
    page.get_by_label("When did you meet?").fill(met.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("How long did it last, in minutes?").fill("40")
    page.get_by_label("Shared notes (you both see them)").fill("We rehearsed the budget talk.")
    screenshot(page, "log-past-meeting")

    # A time to come is refused, and what was typed stays.
    later = timezone.localtime(timezone.now() + timedelta(days=1))  # the mentee's clock: UTC
    page.get_by_label("When did you meet?").fill(later.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Log the meeting").click()
    expect(page.get_by_role("alert").first).to_contain_text("That time is still to come")
    expect(page.get_by_label("Shared notes (you both see them)")).to_have_value(
        "We rehearsed the budget talk."
    )
    assert_accessible(page)

    page.get_by_label("When did you meet?").fill(met.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("What will be tried").first.fill("Open with the number, then the reason")
    page.get_by_label("By when").first.fill((date.today() + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Log the meeting").click()
    page.wait_for_url(re.compile(r"/sessions/\d+/$"))
    expect(
        page.get_by_text(f"Meeting logged. {mentor_name} sees the shared notes.")
    ).to_be_visible()
    # the shared notes as read (their edit form holds the same text)
    expect(
        page.get_by_role("paragraph").filter(has_text="We rehearsed the budget talk.")
    ).to_be_visible()
    expect(page.get_by_text("Open with the number, then the reason").first).to_be_visible()
    assert_accessible(page)
    with activate(world.acme.organization):
        session = Session.objects.get(mentorship=pair.mentorship)
        assert session.status == SessionStatus.HELD and session.actual_minutes == 40
        assert ActionItem.objects.filter(session=session).count() == 1


def test_the_log_form_and_the_progress_page_fit_a_phone(phone, live_server):
    world = build_world()
    pair = make_pair(world.acme)
    for level, moment in ((2, "start"), (3, "review")):
        rate(pair, pair.mentee, level, moment=moment, period=0 if moment == "start" else 1)
    rate(pair, pair.mentor, 3, moment="start")
    sign_in(phone, live_server, "acme", pair.mentee.email)
    for path in (
        f"/mentorships/{pair.mentorship.pk}/sessions/",
        f"/mentorships/{pair.mentorship.pk}/sessions/log-past/",
        f"/mentorships/{pair.mentorship.pk}/progress/",
    ):
        phone.goto(org_url(live_server, "acme", path))
        expect(phone.get_by_role("heading", level=1)).to_be_visible()
        assert_no_horizontal_scroll(phone, 375)
        assert_accessible(phone)


@pytest.fixture
def paris_browser(browser):
    context = browser.new_context(
        viewport={"width": 375, "height": 800}, timezone_id="Europe/Paris"
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_a_new_account_is_offered_the_browsers_time_zone_in_one_click(paris_browser, live_server):
    world = build_world()
    member = world.acme.mentees[0]
    page = paris_browser
    sign_in(page, live_server, "acme", member.email)
    prompt = page.locator("#time-zone-prompt")
    expect(prompt).to_be_visible()
    expect(prompt).to_contain_text("Your browser says you are in Europe/Paris")
    assert_no_horizontal_scroll(page, 375)
    assert_accessible(page)
    page.get_by_role("button", name="Use Europe/Paris").click()
    expect(page.get_by_text("Your time zone is now Europe/Paris")).to_be_visible()
    expect(page.locator("#time-zone-prompt")).to_have_count(0)
    with activate(world.acme.organization):
        assert Profile.objects.get(user=member).time_zone == "Europe/Paris"

    # the profile's list: grouped, with the offsets, and the choice made
    page.goto(org_url(live_server, "acme", "/me/profile/"))
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Paris")
    assert_no_horizontal_scroll(page, 375)
    assert_accessible(page)


def test_keep_utc_hides_the_offer(paris_browser, live_server):
    world = build_world()
    page = paris_browser
    sign_in(page, live_server, "acme", world.acme.mentees[0].email)
    page.get_by_role("button", name="Keep UTC").click()
    expect(page.locator("#time-zone-prompt")).to_be_hidden()
    page.reload()
    expect(page.locator("#time-zone-prompt")).to_be_hidden()
