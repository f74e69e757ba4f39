"""An HR analyst in Chromium: signs in and lands on the organization's progress, reads
the charts and their tables, opens a program, downloads the CSV and follows the link to
the API documentation; the pages pass axe-core and fit a 375 px phone."""

import csv
import io
import os
from pathlib import Path

import pytest

from mentoring.tenancy import activate
from programs.models import Enrollment
from tests.builders.browser import (
    CHROMIUM,
    assert_accessible,
    assert_no_horizontal_scroll,
    org_url,
    screenshot,
    sign_in,
)
from tests.builders.hr import fill
from tests.builders.surveys import close_periods
from tests.builders.world import add_member, build_world, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        CHROMIUM is None and not os.environ.get("REQUIRE_BROWSER"),
        reason="Debian's chromium is not installed",
    ),
]


def test_an_hr_analyst_reads_the_progress_drills_into_a_program_and_downloads_it(
    browser, live_server
):
    world = build_world()
    # Enough mentees that most groups are shown, and some small enough to be hidden.
    for number in range(6):
        add_member(
            world.acme.organization,
            make_user(f"colleague{number}@acme.example"),
            name=f"Colleague {number}",
            department=world.acme.departments[number % 2],
        )
    filled = fill(world.acme, 2)
    close_periods(world.acme, filled.programs[0])
    # HR is a mentee in the filled programs: drop that, to land on the HR home at once.
    with activate(world.acme.organization):
        Enrollment.objects.filter(person__user=world.acme.hr).delete()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, live_server, "acme", world.acme.hr.email, lands_on="/hr/")

    assert page.get_by_role("heading", level=1).inner_text().startswith("How mentoring is going")
    for title in (
        "Enrolment funnel across the organization",
        "Match rate by program",
        "Sessions held per month across the organization",
        "Goal-review completion by program",
        "Skill progress by program",
        "Skill progress by department",
        "Survey results of closed periods",
    ):
        section = page.get_by_role("region", name=title, exact=True).first
        assert section.is_visible(), title
    assert page.locator("svg.chart").count() >= 5
    assert page.get_by_role("link", name="HR", exact=True).get_attribute("aria-current") == "page"
    assert_accessible(page)
    screenshot(page, "hr-home")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these figures (CSV)").click()
    text = Path(download_info.value.path()).read_text(encoding="utf-8")
    lines = list(csv.DictReader(io.StringIO(text)))
    assert {"table", "row", "column", "value", "hidden_because"} == set(lines[0])
    assert any(line["table"] == "Match rate by program" for line in lines)

    program = filled.programs[1]
    page.get_by_role("link", name=program.name).first.click()
    page.wait_for_url(org_url(live_server, "acme", f"/hr/programs/{program.pk}/"))
    assert page.get_by_role("heading", level=1).inner_text() == program.name
    assert page.get_by_role(
        "region", name="Sessions held per month in this program", exact=True
    ).is_visible()
    assert_accessible(page)
    screenshot(page, "hr-program")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these figures (CSV)").click()
    text = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert "The program at a glance" in text and filled.programs[0].name not in text

    page.get_by_role("link", name="Read the API documentation").click()
    page.wait_for_url(org_url(live_server, "acme", "/api/docs/"))
    page.wait_for_selector(".opblock-summary-path", timeout=20_000)
    context.close()

    phone = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True)
    small = phone.new_page()
    sign_in(small, live_server, "acme", world.acme.hr.email, lands_on="/hr/")
    assert_no_horizontal_scroll(small)
    small.goto(org_url(live_server, "acme", f"/hr/programs/{program.pk}/"))
    assert_no_horizontal_scroll(small)
    phone.close()
