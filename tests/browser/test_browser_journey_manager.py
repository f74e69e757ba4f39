"""The program manager's first weeks, end to end in Chromium on fresh data: create a program
in the organization admin, run it from its cockpit (open enrolment, confirmed), invite and
enrol a newcomer in one step (who accepts in their own browser and has the "enrolled"
email), enrol two colleagues from the downloaded CSV template (a background job, whose page
says how it went), start matching, start a match run (its job page goes on to the draft), swap
two pairs so that one breaks a rule and give the reason for that pair only, approve (the
program starts, its start date has come) and read the pairs, the funnel and the
next step on the cockpit and the reason on the mentorship. The other organization's admin
shows none of it. axe-core on each new page; screenshots docs/screenshots/journey-manager-*.

The focus-skill picker on the program form is Django's own widget, whose help icons axe
reports (aria-label on a span): the program form is checked without it, as the cockpit
test does."""

import re
from datetime import date, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from matching.models import MatchProposal, Mentorship
from mentoring.accounts import services as accounts
from mentoring.accounts.models import Invitation
from mentoring.notifications.models import Kind, OutboxMessage
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from programs.models import Enrollment, EnrollmentStatus, Program, Skill
from tests.builders.browser import (
    accept_invitation,
    assert_accessible,
    download_csv_template,
    invite_and_enrol,
    move_program,
    org_url,
    screenshot,
    sign_in,
    swap_pairs,
)
from tests.builders.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)

PROGRAM = "Speaking up in meetings"
NEWCOMER = "nia.patel@acme.example"
REASON = "Their manager moves to another team next month"


def without_django_widgets(page) -> None:
    """axe on the page, leaving out the focus-skill picker (Django's own widget)."""
    violations = Axe().run(page, context={"exclude": [[".selector"]]}).response["violations"]
    assert [v["id"] for v in violations if v["impact"] in ("serious", "critical")] == []


def test_a_new_manager_creates_a_program_and_runs_it_until_the_pairs_have_started(
    page, other_page, live_server
):
    world = build_world()
    acme = world.acme
    organization = acme.organization
    with activate(organization):
        # Everyone shares English, so the language criterion does not decide the pairs;
        # the first mentee reports to the second mentor (a rule a swap can break).
        Profile.objects.update(languages=["en"])
        boss = Profile.objects.get(user=acme.mentors[1])
        Profile.objects.filter(user=acme.mentees[0]).update(manager=boss)
        skills = list(Skill.objects.filter(is_archived=False).order_by("name")[:2])
        people = {
            user.email: Profile.objects.get(user=user).display_name
            for user in (*acme.mentors, *acme.mentees)
        }

    manager = page
    manager.set_viewport_size({"width": 1280, "height": 900})
    sign_in(manager, live_server, "acme", acme.manager.email)

    # 1. Create the program: name, dates, focus skills (Django's two-box picker).
    manager.goto(org_url(live_server, "acme", "/admin/programs/program/add/"))
    manager.get_by_label("Name").fill(PROGRAM)
    manager.get_by_label("Purpose").fill("Everyone gets heard in the weekly planning.")
    manager.get_by_label("Time commitment").fill("One hour every two weeks")
    today = date.today()
    manager.locator("#id_starts_on").fill(f"{today:%Y-%m-%d}")
    manager.locator("#id_ends_on").fill(f"{today + timedelta(days=180):%Y-%m-%d}")
    manager.locator("#id_focus_skills_from").select_option(label=[s.name for s in skills])
    manager.locator("#id_focus_skills_add").click()
    manager.get_by_label("Cross-functional pairs").select_option(label="Off")
    without_django_widgets(manager)
    manager.get_by_role("button", name="Save and continue editing").click()
    expect(manager.locator(".messagelist")).to_contain_text("was added successfully")
    expect(manager.locator(".cockpit-banner")).to_contain_text("Draft.")
    with activate(organization):
        program = Program.objects.get(name=PROGRAM)

    # 2. Its cockpit: a draft, and what to do next.
    manager.get_by_role("link", name="Run this program from its cockpit").click()
    expect(manager.get_by_role("heading", level=1)).to_contain_text(f"Run {PROGRAM}")
    expect(manager.locator(".cockpit__status")).to_contain_text("Draft")
    expect(manager.locator(".cockpit__next")).to_contain_text("open enrolment")
    assert_accessible(manager)
    screenshot(manager, "journey-manager-cockpit-draft")
    cockpit = manager.url

    def confirmation(page) -> None:
        assert_accessible(page)
        screenshot(page, "journey-manager-confirm")

    move_program(manager, "Open enrolment", "Yes, open enrolment", "Enrolling", check=confirmation)
    expect(manager.locator(".cockpit__next")).to_contain_text("Invite or enrol people")

    # 3. Invite and enrol a newcomer in one step; she accepts in her own browser.
    manager.get_by_role("link", name="Invite and enrol someone").click()
    expect(manager.get_by_label("Enrol in a program")).to_have_value(f"{program.pk}:mentee")
    invite_and_enrol(
        manager,
        live_server,
        "acme",
        NEWCOMER,
        f"{PROGRAM}, as mentee",
        check=assert_accessible,
    )
    with activate(organization):
        invitation = Invitation.objects.get(email=NEWCOMER)
        token = accounts.invitation_resend(
            organization=organization, actor=acme.manager, invitation=invitation, send_email=False
        )
    accept_invitation(other_page, live_server, "acme", token, name="Nia Patel")
    with activate(organization):
        nia = Enrollment.objects.get(person__user__email=NEWCOMER)
        assert (nia.program_id, nia.status) == (program.pk, EnrollmentStatus.APPROVED)
        assert OutboxMessage.objects.filter(kind=Kind.ENROLLED, to_email=NEWCOMER).count() == 1
    other_page.goto(org_url(live_server, "acme", f"/enrolments/{nia.pk}/"))
    expect(other_page.get_by_role("heading", level=1)).to_contain_text(PROGRAM)

    # 4. Enrol the colleagues from a CSV file, with the downloaded template: from the
    # cockpit, and from the program's enrolments (the program stays chosen both ways).
    manager.goto(cockpit)
    manager.get_by_role("link", name="Enrol people from a CSV file").click()
    expect(manager.get_by_label("Program")).to_have_value(str(program.pk))
    manager.goto(cockpit)
    manager.locator(".cockpit__links").get_by_role("link", name="Enrolments").click()
    manager.get_by_role("link", name="Enrol from CSV").click()
    expect(manager.get_by_label("Program")).to_have_value(str(program.pk))
    header, example = download_csv_template(manager).splitlines()
    assert header == "email,role,skills,capacity"
    focus = example.split(",")[2]
    rows = [f"{user.email},mentee,{focus}," for user in acme.mentees] + [
        f"{user.email},mentor,{focus},2" for user in acme.mentors
    ]
    manager.get_by_label("CSV file").set_input_files(
        files=[
            {
                "name": "enrolments.csv",
                "mimeType": "text/csv",
                "buffer": "\r\n".join([header, *rows, ""]).encode(),
            }
        ]
    )
    manager.get_by_role("button", name="Enrol everyone").click()
    # The import is a background job: its page says how it went (eager Celery here).
    expect(manager.locator("#job-progress")).to_contain_text(
        f"Done. 4 people enrolled in “{PROGRAM}”"
    )
    with activate(organization):
        assert OutboxMessage.objects.filter(kind=Kind.ENROLLED).count() == 5

    # 5. Start matching, then a match run, from the cockpit.
    manager.goto(cockpit)
    expect(manager.locator(".cockpit__next")).to_contain_text("3 mentees and 2 mentors")
    move_program(manager, "Start matching", "Yes, start matching", "Matching")
    manager.get_by_role("link", name="Start a match run").click()
    expect(manager.get_by_label("Program")).to_have_value(str(program.pk))
    manager.get_by_role("button", name="Compute the draft").click()
    # The run is a background job (eager Celery here: done within the request), whose
    # page goes on to the draft by itself.
    manager.wait_for_url(re.compile(r"/admin/matching/matchrun/\d+/change/$"))
    expect(manager.locator(".messagelist")).to_contain_text("Draft ready in")
    expect(manager.locator("#swap-pairs")).to_be_visible()

    # 6. Review: swap so that the first mentee gets her own manager as mentor.
    with activate(organization):
        proposals = list(
            MatchProposal.objects.filter(run__program=program).select_related(
                "mentee__person", "mentor__person"
            )
        )
    assert len(proposals) == 3, [str(p) for p in proposals]
    mentee0 = people[acme.mentees[0].email]
    mentor0, mentor1 = (people[user.email] for user in acme.mentors)
    first = next(p for p in proposals if p.mentee.person.display_name == mentee0)
    second = next(p for p in proposals if p.mentor.person.display_name == mentor1)
    assert first.mentor.person.display_name == mentor0
    other = second.mentee.person.display_name

    swap_pairs(manager, f"{mentor0} → {mentee0}", f"{mentor1} → {other}")
    expect(manager.locator("#swap-pairs")).to_contain_text(
        f"{mentee0} reports to {mentor1}: pairs in one reporting line need an override reason."
    )
    reason = manager.get_by_label(f"Reason for the new pair {mentor1} → {mentee0}")
    expect(manager.get_by_label(f"Reason for the new pair {mentor0} → {other}")).to_have_count(0)
    reason.fill(REASON)
    assert_accessible(manager)
    screenshot(manager, "journey-manager-review")
    manager.locator("#swap-pairs").get_by_role("button", name="Swap").click()
    expect(manager.locator(".messagelist")).to_contain_text("Mentors swapped")
    expect(manager.get_by_text(f"Reason given: {REASON}")).to_be_visible()

    # 7. Approve: its start date has come, so the program starts.
    manager.get_by_role("button", name="Approve: create 3 mentorships").click()
    expect(manager.locator(".messagelist")).to_contain_text("is now running")

    # 8. The cockpit: running, the pairs, the funnel, the next step.
    manager.goto(cockpit)
    expect(manager.locator(".cockpit__status")).to_contain_text("Running")
    expect(manager.locator(".cockpit__next")).to_contain_text("The pairs are meeting")
    expect(manager.get_by_role("link", name="Pairs (3)")).to_be_visible()
    funnel = manager.locator("section[aria-labelledby=cockpit-funnel]")
    for step in ("Approved", "In a pair now"):  # mentees, mentors
        expect(funnel.get_by_role("row", name=step).locator("td")).to_have_text(["3", "2"])
    expect(manager.get_by_role("link", name="Close the program")).to_be_visible()
    assert_accessible(manager)
    screenshot(manager, "journey-manager-cockpit-running")
    assert world.globex.sentinel not in manager.content()

    # 9. The reason is on that mentorship, and only on it.
    with activate(organization):
        swapped = Mentorship.objects.get(program=program, mentee=first.mentee)
        assert swapped.mentor_id == second.mentor_id
        assert list(
            Mentorship.objects.filter(program=program)
            .exclude(override_reason="")
            .values_list("pk", flat=True)
        ) == [swapped.pk]
    manager.goto(org_url(live_server, "acme", f"/admin/matching/mentorship/{swapped.pk}/change/"))
    expect(manager.locator(".field-override_reason")).to_contain_text(REASON)

    # 10. The other organization's manager sees none of it.
    outsider = other_page
    sign_in(outsider, live_server, "globex", world.globex.manager.email)
    for path in (
        "/admin/programs/program/",
        "/admin/programs/enrollment/",
        "/admin/mentoring/invitation/",
        "/admin/matching/matchrun/",
        "/admin/matching/mentorship/",
    ):
        outsider.goto(org_url(live_server, "globex", path))
        expect(outsider.get_by_role("heading", level=1)).to_be_visible()
        text = outsider.content()
        for secret in (PROGRAM, NEWCOMER, "Nia Patel", REASON, acme.sentinel):
            assert secret not in text, f"{secret} on globex {path}"
    response = outsider.goto(
        org_url(live_server, "globex", f"/admin/programs/program/{program.pk}/cockpit/")
    )
    assert response.status == 404
    for path in (
        f"/admin/programs/program/{program.pk}/change/",
        f"/admin/matching/mentorship/{swapped.pk}/change/",
    ):
        response = outsider.goto(org_url(live_server, "globex", path))
        assert response.status == 404 or PROGRAM not in outsider.content(), path
