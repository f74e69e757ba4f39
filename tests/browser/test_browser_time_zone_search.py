"""A member finds their time zone by typing part of a city, country or offset: the
matches fill the list as they type, and the one chosen is saved."""

import pytest
from playwright.sync_api import expect

from mentoring.people.models import Profile
from mentoring.tenancy import activate
from tests.builders.browser import assert_accessible, org_url, sign_in
from tests.builders.world import build_world

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_member_types_part_of_a_city_and_chooses_the_zone_from_the_matches(page, live_server):
    world = build_world()
    member = world.acme.mentees[0]
    sign_in(page, live_server, "acme", member.email)
    page.goto(org_url(live_server, "acme", "/me/profile/"))
    zone = page.get_by_label("Time zone")
    expect(zone.locator("option")).to_have_count(1)  # the current zone only, UTC
    search = page.get_by_label("Search by city, country or offset")
    search.press_sequentially("+05:3")
    expect(page.locator(".search-picker__status")).to_contain_text("2 matches listed")
    expect(zone.locator("option")).to_have_count(3)  # UTC, still chosen, and the two
    assert_accessible(page)
    zone.select_option("Asia/Kolkata")
    expect(page.locator(".search-picker__status")).to_contain_text("Chosen: Kolkata — India")
    search.press("Enter")  # searches again; does not send the form
    expect(page).to_have_url(org_url(live_server, "acme", "/me/profile/"))
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    with activate(world.acme.organization):
        assert Profile.objects.get(user=member).time_zone == "Asia/Kolkata"
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Kolkata")
