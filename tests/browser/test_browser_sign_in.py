import pytest
from playwright.sync_api import expect

from tests.builders.browser import assert_accessible, org_url, screenshot, sign_in
from tests.builders.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_member_signs_in_on_their_organization_host_and_sees_their_home(page, live_server):
    world = build_world()
    page.goto(org_url(live_server, "acme", "/accounts/login/"))
    assert_accessible(page)
    screenshot(page, "sign-in")
    sign_in(page, live_server, "acme", world.acme.mentees[0].email)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welcome")
    assert world.globex.sentinel not in page.content()
    assert_accessible(page)


def test_a_wrong_password_is_refused_in_plain_words(page, live_server):
    world = build_world()
    page.goto(org_url(live_server, "acme", "/accounts/login/"))
    page.get_by_label("Email").fill(world.acme.mentees[0].email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("not correct")).to_be_visible()
