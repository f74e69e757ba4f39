"""The manager runs a program from its cockpit in Chromium: from the program's own page to
the cockpit, open enrolment, start matching and start the program (each confirmed), then
a quiet pair at risk is nudged from its pair page. Accessible (axe) and no sideways
scrolling on a phone; the cockpit's screenshot for docs/screenshots/."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from matching.models import Mentorship
from mentoring.notifications.models import Kind, OutboxMessage
from mentoring.tenancy import activate
from programs.models import Program, ProgramStatus
from tests.builders.browser import (
    assert_accessible,
    assert_no_horizontal_scroll,
    move_program,
    org_url,
    screenshot,
    sign_in,
)
from tests.builders.pair import running_pairs
from tests.builders.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_runs_a_program_from_its_cockpit_and_nudges_a_quiet_pair(
    page, phone, live_server
):
    world = build_world()
    acme = world.acme
    organization = acme.organization
    cohort = running_pairs(acme, 1)
    with activate(organization):
        Program.objects.filter(pk=cohort.program.pk).update(
            status=ProgramStatus.DRAFT, name="Listening that lands"
        )
        Mentorship.objects.filter(program=cohort.program).update(
            started_on=timezone.localdate() - timedelta(days=60)
        )
    mentorship = cohort.mentorships[0]

    manager = page
    manager.set_viewport_size({"width": 1280, "height": 900})
    sign_in(manager, live_server, "acme", acme.manager.email)
    manager.goto(
        org_url(live_server, "acme", f"/admin/programs/program/{cohort.program.pk}/change/")
    )
    expect(manager.locator(".cockpit-banner")).to_contain_text("Draft.")
    # The banner only: the page's focus-skill picker is Django's own widget, whose help
    # icons axe reports (aria-label on a span), on every program page already.
    banner = Axe().run(manager, context=".cockpit-banner").response["violations"]
    assert [v["id"] for v in banner if v["impact"] in ("serious", "critical")] == []
    manager.get_by_role("link", name="Run this program from its cockpit").click()
    expect(manager.get_by_role("heading", level=1)).to_contain_text("Run Listening that lands")
    expect(manager.locator(".cockpit__status")).to_contain_text("Draft")
    expect(manager.locator(".cockpit__next")).to_contain_text("open enrolment")
    assert_accessible(manager)

    move_program(
        manager, "Open enrolment", "Yes, open enrolment", "Enrolling", check=assert_accessible
    )
    move_program(manager, "Start matching", "Yes, start matching", "Matching")
    move_program(manager, "Start the program", "Yes, start the program", "Running")

    risk = manager.locator("section[aria-labelledby=cockpit-risk]")
    expect(risk).to_contain_text("Pairs at risk (1)")
    expect(manager.get_by_role("link", name="Close the program")).to_be_visible()
    assert_accessible(manager)
    screenshot(manager, "cockpit")
    assert world.globex.sentinel not in manager.content()

    risk.get_by_role("link", name="Nudge").first.click()
    expect(manager.get_by_role("heading", level=2, name="Sessions (0)")).to_be_visible()
    manager.get_by_label("A personal line (optional)").fill("How did the interview go?")
    assert_accessible(manager)
    manager.get_by_role("button", name="Send the nudge").click()
    expect(manager.locator(".messagelist")).to_contain_text("Nudge sent to")
    screenshot(manager, "cockpit-pair")
    with activate(organization):
        sent = OutboxMessage.objects.filter(kind=Kind.PAIR_NUDGE)
        assert sorted(sent.values_list("to_email", flat=True)) == sorted(
            [mentorship.mentee.person.user.email, mentorship.mentor.person.user.email]
        )

    sign_in(phone, live_server, "acme", acme.manager.email)
    for path in (
        f"/admin/programs/program/{cohort.program.pk}/cockpit/",
        f"/admin/matching/mentorship/{mentorship.pk}/pair/",
    ):
        phone.goto(org_url(live_server, "acme", path))
        expect(phone.get_by_role("heading", level=1)).to_be_visible()
        assert_no_horizontal_scroll(phone, 375)
