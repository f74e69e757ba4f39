"""The new practices in Chromium, as the people who use them see them: the open-question
coach advising while a point is typed, a shared observation reaching the mentor's open
session page without a reload, a mentor working through the training path (and the
manager seeing who a run left out), a new session starting from the program's plan, and
a peer pair's page at phone width. Each keeps its picture for docs/screenshots/."""

import re

import pytest
from playwright.sync_api import expect

from matching import services as matching
from mentoring.tenancy import activate
from programs.models import ProgramFormat
from tests.builders.browser import (
    agenda_texts,
    assert_accessible,
    assert_no_horizontal_scroll,
    mark_window,
    on_the_clock_of,
    org_url,
    screenshot,
    sign_in,
    window_was_not_reloaded,
)
from tests.builders.formats import format_pair
from tests.builders.observations import SEEN
from tests.builders.pair import make_pair, schedule
from tests.builders.session_plans import give_focus_skills, program_of, use_default_plan
from tests.builders.training import REFLECTION, finish_modules, modules_of, training_cohort
from tests.builders.world import build_world
from tests.matching.test_formats import ROLE_WORD

pytestmark = pytest.mark.django_db(transaction=True)

SEEN_WITHIN = 10_000  # ms: the live agenda asks every 3 s


def test_the_question_coach_advises_live_while_an_agenda_point_is_typed(page, live_server):
    world = build_world()
    pair = make_pair(world.acme)
    session = schedule(pair)
    sign_in(page, live_server, "acme", pair.mentee.email)
    page.goto(org_url(live_server, "acme", f"/sessions/{session.pk}/"))
    mark_window(page)
    advice = page.locator("#agenda-new-coach")
    expect(advice).to_have_attribute("aria-live", "polite")

    page.get_by_label("Add a point").press_sequentially("Did the meeting go well?")
    expect(advice).to_contain_text("This reads as a yes/no question")
    expect(advice).to_contain_text("What went well in the meeting, and what would you change?")
    assert_accessible(page)
    screenshot(page, "question-coach", full_page=False)

    page.get_by_label("Add a point").fill("")
    page.get_by_label("Add a point").press_sequentially("What would you do differently next time?")
    expect(advice).to_contain_text("An open question: it invites a real answer")
    expect(advice).not_to_contain_text("yes/no")

    # it only advises: the point is added as typed
    page.get_by_role("button", name="Add", exact=True).click()
    expect(agenda_texts(page)).to_have_text(["What would you do differently next time?"])
    assert window_was_not_reloaded(page)


def test_a_shared_observation_reaches_the_mentors_open_session_page_without_a_reload(
    page, other_page, live_server
):
    world = build_world()
    pair = make_pair(world.acme)
    session = schedule(pair)
    mentee, mentor = page, other_page
    sign_in(mentee, live_server, "acme", pair.mentee.email)
    sign_in(mentor, live_server, "acme", pair.mentor.email)
    mentor.goto(org_url(live_server, "acme", f"/sessions/{session.pk}/"))
    mark_window(mentor)
    expect(agenda_texts(mentor)).to_have_count(0)

    mentee.goto(org_url(live_server, "acme", f"/mentorships/{pair.mentorship.pk}/observations/"))
    expect(mentee.get_by_role("heading", level=1)).to_have_text("Observation log")
    for label, name in (
        ("The situation", "situation"),
        ("What they did or said", "action"),
        ("Its effect", "effect"),
        ("What I will adapt to my own style", "adaptation"),
    ):
        mentee.get_by_label(label, exact=True).fill(SEEN[name])
    mentee.get_by_role("button", name="Save the observation").click()
    card = mentee.locator("article.card").filter(has_text=SEEN["situation"])
    expect(card).to_contain_text("Private")
    card.get_by_role("button", name=re.compile("^Share with")).click()

    card = mentee.locator("article.card").filter(has_text=SEEN["situation"])
    expect(card).to_contain_text("Shared")
    expect(card.get_by_role("link", name=re.compile("^on the agenda of"))).to_be_visible()
    point = f"An observation to talk about: {SEEN['situation']}"
    expect(agenda_texts(mentor)).to_have_text([point], timeout=SEEN_WITHIN)
    assert window_was_not_reloaded(mentor)
    assert_accessible(mentee)
    screenshot(mentee, "observation-log")


def test_a_mentor_works_through_the_training_path_and_the_draft_names_them_as_left_out(
    page, other_page, live_server
):
    world = build_world()
    acme = world.acme
    cohort = training_cohort(acme)
    finish_modules(acme, acme.mentors[0], cohort.program)  # the run has one trained mentor
    modules = modules_of(acme, cohort.program)
    mentor = page
    sign_in(mentor, live_server, "acme", acme.mentors[1].email)
    path = org_url(live_server, "acme", f"/programs/{cohort.program.pk}/training/")
    mentor.goto(path)
    expect(mentor.get_by_text("0 of 4 modules finished")).to_be_visible()
    mentor.get_by_role("link", name=re.compile("^Start with")).click()
    expect(mentor.get_by_role("heading", level=1)).to_have_text(modules[0].resource.title)

    reflection = mentor.get_by_label(modules[0].reflection_prompt)
    reflection.fill("Listen more.")
    mentor.get_by_role("button", name="Finish this module").click()
    expect(mentor.get_by_text("Write at least 20 characters").first).to_be_visible()
    expect(mentor.get_by_label(modules[0].reflection_prompt)).to_have_value("Listen more.")

    mentor.get_by_label(modules[0].reflection_prompt).fill(REFLECTION)
    mentor.get_by_role("button", name="Finish this module").click()
    expect(mentor.get_by_role("heading", level=1)).to_have_text(modules[1].resource.title)
    expect(mentor.locator(".messages")).to_contain_text("is finished: 1 of 4 modules done.")
    mentor.goto(path)
    expect(mentor.get_by_text("1 of 4 modules finished")).to_be_visible()
    assert_accessible(mentor)
    screenshot(mentor, "mentor-training")

    with activate(acme.organization):
        run = matching.match_run_start(
            organization=acme.organization, actor=acme.manager, program=cohort.program
        )
        name = cohort.enrollment(acme.mentors[1]).person.display_name
    manager = other_page
    manager.set_viewport_size({"width": 1280, "height": 900})
    sign_in(manager, live_server, "acme", acme.manager.email)
    manager.goto(org_url(live_server, "acme", f"/admin/matching/matchrun/{run.pk}/change/"))
    left_out = manager.locator("#left-out")
    expect(left_out).to_contain_text("Left out: 1 mentor has not finished the training")
    expect(left_out).to_contain_text(f"{name} (1 of 4 modules finished)")
    assert_accessible(manager)
    screenshot(manager, "draft-left-out-mentors")


def test_a_session_planned_in_a_program_with_the_default_plan_starts_with_its_points(
    page, live_server
):
    world = build_world()
    pair = make_pair(world.acme)
    first_step = use_default_plan(program_of(pair))[0]
    give_focus_skills(pair, "Active listening", "Empathy")
    sign_in(page, live_server, "acme", pair.mentee.email)
    page.goto(org_url(live_server, "acme", f"/mentorships/{pair.mentorship.pk}/"))
    page.get_by_role("link", name="Plan a session").click()

    preview = page.locator("#plan-preview")
    expect(preview).to_contain_text("This session follows the program's plan")
    expect(preview).to_contain_text(first_step.title)
    expect(preview).to_contain_text("Its agenda starts with 4 points you can change.")
    assert_accessible(page)
    page.get_by_label("Date and time").fill(on_the_clock_of(pair.mentorship.mentee.person))
    page.get_by_role("button", name="Plan the session").click()
    page.wait_for_url(re.compile(r"/sessions/\d+/$"))

    expect(page.locator("#plan-step")).to_have_text(f"Plan step: {first_step.title}")
    points = agenda_texts(page)
    expect(points).to_have_count(4)  # the step's {skill} point once for each focus skill
    goal = ": the goal for the months ahead, and what would show that it is growing."
    expect(points.filter(has_text=f"Active listening{goal}")).to_have_count(1)
    expect(points.filter(has_text=f"Empathy{goal}")).to_have_count(1)
    screenshot(page, "session-plan-prefill")


def test_a_peer_pair_page_calls_the_other_person_a_peer_partner_even_on_a_phone(
    page, other_page, phone, live_server
):
    world = build_world()
    pair = format_pair(world.acme, ProgramFormat.PEER)
    url = f"/mentorships/{pair.mentorship.pk}/"
    sign_in(page, live_server, "acme", pair.mentee.email)
    page.goto(org_url(live_server, "acme", url))
    expect(page.get_by_role("heading", level=1)).to_contain_text("My peer partner")
    expect(page.locator("#the-pair")).to_be_visible()
    expect(page.get_by_role("heading", name="Sessions", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Plan a session")).to_be_visible()  # htmx loaded it
    main = page.locator("main").inner_text()
    assert "Peer partner" in main and ROLE_WORD.search(main) is None
    assert_accessible(page)
    screenshot(page, "peer-pair")

    # the other partner, on a phone
    sign_in(phone, live_server, "acme", pair.mentor.email)
    phone.goto(org_url(live_server, "acme", url))
    expect(phone.get_by_role("heading", level=1)).to_contain_text("My peer partner")
    expect(phone.get_by_role("link", name="Plan a session")).to_be_visible()
    assert_no_horizontal_scroll(phone)
    assert_accessible(phone)

    # another organization's member cannot open the pair
    sign_in(other_page, live_server, "globex", world.globex.mentees[0].email)
    response = other_page.goto(org_url(live_server, "globex", url))
    assert response.status == 404
    expect(other_page.locator("main")).not_to_contain_text(pair.mentorship.program.name)
