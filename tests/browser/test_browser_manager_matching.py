"""The manager's smaller matching and enrolment steps in Chromium: invite someone and enrol
them in one step (they accept in their own browser and are enrolled), download the CSV
template, swap two pairs where one new pair breaks a rule (the rule named, a reason asked
for that pair only), approve, and read the reason on the mentorship. Accessible (axe); the
swap page with its override for docs/screenshots/swap-override.png."""

import pytest
from playwright.sync_api import expect

from matching import services as matching
from matching.models import MatchProposal, Mentorship
from mentoring.accounts import services as accounts
from mentoring.accounts.models import Invitation
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from programs.models import CrossFunctional, Enrollment, ProgramStatus
from tests.builders.browser import (
    accept_invitation,
    assert_accessible,
    download_csv_template,
    invite_and_enrol,
    org_url,
    screenshot,
    sign_in,
    swap_pairs,
)
from tests.builders.cohort import make_cohort
from tests.builders.world import build_world, make_program

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_invites_and_enrols_swaps_with_a_reason_and_approves(
    page, other_page, live_server
):
    world = build_world()
    acme = world.acme
    organization = acme.organization
    open_program = make_program(acme, name="Speaking up", status=ProgramStatus.ENROLLING)
    with activate(organization):
        boss = Profile.objects.get(user=acme.mentors[1])
        Profile.objects.filter(user=acme.mentees[0]).update(manager=boss)
    cohort = make_cohort(acme, cross_functional=CrossFunctional.OFF, name="Listening that lands")
    with activate(organization):
        run = matching.match_run_start(
            organization=organization, actor=acme.manager, program=cohort.program
        )
        first, second = MatchProposal.objects.filter(run=run).order_by(
            "mentee__person__display_name"
        )
        names = {
            "mentee0": str(first.mentee.person),
            "mentor0": str(first.mentor.person),
            "mentee1": str(second.mentee.person),
            "mentor1": str(second.mentor.person),
        }

    manager = page
    manager.set_viewport_size({"width": 1280, "height": 900})
    sign_in(manager, live_server, "acme", acme.manager.email)

    # Invite and enrol in one step.
    invite_and_enrol(
        manager,
        live_server,
        "acme",
        "nia.patel@acme.example",
        "Speaking up, as mentee",
        check=assert_accessible,
    )
    with activate(organization):
        invitation = Invitation.objects.get(email="nia.patel@acme.example")
        token = accounts.invitation_resend(
            organization=organization, actor=acme.manager, invitation=invitation, send_email=False
        )
    accept_invitation(
        other_page, live_server, "acme", token, name="Nia Patel", password="a-long-unusual-pass"
    )
    with activate(organization):
        enrolled = Enrollment.objects.get(person__user__email="nia.patel@acme.example")
    assert enrolled.program_id == open_program.pk and enrolled.status == "approved"

    # The CSV template, from the program's own link into the import.
    manager.goto(
        org_url(
            live_server, "acme", f"/admin/programs/enrollment/import/?program={open_program.pk}"
        )
    )
    expect(manager.get_by_label("Program")).to_have_value(str(open_program.pk))
    template = download_csv_template(manager)
    assert template.splitlines()[0] == "email,role,skills,capacity"

    # A swap where one new pair breaks the reporting-line rule.
    review = org_url(live_server, "acme", f"/admin/matching/matchrun/{run.pk}/change/")
    manager.goto(review)
    swap_pairs(
        manager,
        f"{names['mentor0']} → {names['mentee0']}",
        f"{names['mentor1']} → {names['mentee1']}",
    )
    expect(manager.locator("#swap-pairs")).to_contain_text(
        f"{names['mentee0']} reports to {names['mentor1']}: pairs in one reporting line need an "
        "override reason."
    )
    reason = manager.get_by_label(
        f"Reason for the new pair {names['mentor1']} → {names['mentee0']}"
    )
    expect(reason).to_be_visible()
    expect(
        manager.get_by_label(f"Reason for the new pair {names['mentor0']} → {names['mentee1']}")
    ).to_have_count(0)
    reason.fill("Their manager moves to another team next month")
    assert_accessible(manager)
    screenshot(manager, "swap-override")
    manager.locator("#swap-pairs").get_by_role("button", name="Swap").click()
    expect(manager.locator(".messagelist")).to_contain_text("Mentors swapped")
    expect(
        manager.get_by_text("Reason given: Their manager moves to another team next month")
    ).to_be_visible()

    # Approve; the program starts (its start date has come); the reason is on the pair.
    manager.get_by_role("button", name="Approve: create 2 mentorships").click()
    expect(manager.locator(".messagelist")).to_contain_text("is now running")
    with activate(organization):
        mentorship = Mentorship.objects.get(mentee=first.mentee)
    manager.goto(
        org_url(live_server, "acme", f"/admin/matching/mentorship/{mentorship.pk}/change/")
    )
    expect(manager.locator(".field-override_reason")).to_contain_text(
        "Their manager moves to another team next month"
    )
    assert_accessible(manager)
