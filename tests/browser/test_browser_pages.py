"""The main pages outside the two loops, and the loop pages on a phone: accessible (axe),
no sideways scrolling at 375 px, and a screenshot of each for docs/screenshots/."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from matching import services as matching
from matching.models import Mentorship
from mentoring.tenancy import activate
from sessions import services as sessions
from tests.builders.browser import (
    assert_accessible,
    assert_no_horizontal_scroll,
    org_url,
    screenshot,
    sign_in,
)
from tests.builders.cohort import make_cohort
from tests.builders.pair import make_pair, schedule
from tests.builders.world import build_world, hold_session, make_program

pytestmark = pytest.mark.django_db(transaction=True)

LONG_POINT = (
    "The quarterly-planning-retrospective-follow-up where nobody answered my question, "
    "and https://intranet.example/a/very/long/address/that/does/not/wrap/by/itself/at/all"
)


def test_the_loop_pages_fit_a_phone(phone, live_server):
    world = build_world()
    pair = make_pair(world.acme)
    session = schedule(
        pair,
        starts_at=timezone.now() + timedelta(days=3),
        location="https://meet.example/a-rather-long-video-call-address-for-the-pair",
    )
    organization = world.acme.organization
    with activate(organization):
        for text in ("What went well in the client call on Monday?", LONG_POINT):
            sessions.agenda_item_add(
                organization=organization, actor=pair.mentee, session=session, text=text
            )

    sign_in(phone, live_server, "acme", pair.mentee.email)
    pages = {
        "home": "/",
        "session": f"/sessions/{session.pk}/",
        "give feedback": f"/mentorships/{pair.mentorship.pk}/feedback/new/",
    }
    for name, path in pages.items():
        phone.goto(org_url(live_server, "acme", path))
        expect(phone.get_by_role("heading", level=1)).to_be_visible()
        assert_no_horizontal_scroll(phone, 375)
        assert_accessible(phone)
        if name == "session":
            expect(phone.locator("#agenda .agenda__text")).to_have_count(2)
            screenshot(phone, "phone-session")


def test_manager_admin_and_program_pages(page, other_page, live_server):
    world = build_world()
    acme = world.acme
    organization = acme.organization
    cohort = make_cohort(acme, name="Listening that lands")
    make_program(acme, name="Speaking up in meetings", purpose="Find your voice in meetings.")
    with activate(organization):
        run = matching.match_run_start(
            organization=organization, actor=acme.manager, program=cohort.program
        )

    # The manager reviews the draft match run in the organization's admin.
    manager = page
    sign_in(manager, live_server, "acme", acme.manager.email)
    manager.goto(org_url(live_server, "acme", f"/admin/matching/matchrun/{run.pk}/change/"))
    expect(manager.get_by_role("heading", level=1)).to_contain_text("Match run")
    with activate(organization):
        mentees = [user.profiles.get().display_name for user in acme.mentees]
    for name in mentees:
        expect(manager.locator("#content-main table").first).to_contain_text(name)
    assert_accessible(manager)
    screenshot(manager, "admin-match-run")

    # Approved, with a session held: the manager's home shows the program's health.
    with activate(organization):
        matching.match_run_approve(organization=organization, actor=acme.manager, run=run)
        hold_session(Mentorship.objects.order_by("pk").first())
    manager.goto(org_url(live_server, "acme", "/"))
    health = manager.locator(".program-health")
    expect(health).to_have_count(1)
    expect(health).to_contain_text(cohort.program.name)
    expect(health.locator(".stat").first).to_contain_text("2")  # matched pairs
    assert_accessible(manager)
    screenshot(manager, "manager-home")
    assert world.globex.sentinel not in manager.content()

    # A member browses the programs (the HR analyst, whose home is the HR home).
    member = other_page
    sign_in(member, live_server, "acme", acme.hr.email, lands_on="/hr/")
    member.get_by_role("link", name="Programs").first.click()
    member.wait_for_url(org_url(live_server, "acme", "/programs/"))
    expect(member.get_by_role("link", name="Speaking up in meetings")).to_be_visible()
    assert_accessible(member)
    screenshot(member, "program-directory")
    member.get_by_role("link", name="Speaking up in meetings").click()
    expect(member.get_by_role("heading", level=1)).to_have_text("Speaking up in meetings")
    expect(member.get_by_text("Find your voice in meetings.")).to_be_visible()
    assert_accessible(member)
    screenshot(member, "program-detail")
