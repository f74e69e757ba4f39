"""A manager reviews a draft of a few hundred pairs in Chromium: the summary first, the
pairs 50 a page, a search by a person's name, and a pair added by hand with the search
pickers (no dropdown of every pair or mentor). Accessible (axe); the page for
docs/screenshots/draft-review.png."""

import itertools
import random

import pytest
from playwright.sync_api import expect

from matching import services as matching
from matching.models import MatchProposal, UnmatchedMentee
from mentoring.people.models import Department, Profile, SeniorityLevel
from mentoring.tenancy import activate
from programs.models import Program
from tests.builders.browser import assert_accessible, org_url, pick, screenshot, sign_in
from tests.builders.world import build_world
from tests.matching.test_admin import make_large_cohort

pytestmark = pytest.mark.django_db(transaction=True)

FIRST = [
    "Amara", "Bruno", "Chiara", "Dmitri", "Elif", "Farah", "Gustavo", "Hana", "Idris", "Jonas",
    "Keiko", "Lucia", "Mateo", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Samir", "Tove",
]  # fmt: skip
LAST = [
    "Okafor", "Lindqvist", "Moreau", "Tanaka", "Haddad", "Novak", "Ferreira", "Kowalski",
    "Mensah", "Rahman", "Schmidt", "Vargas", "Yilmaz", "Abebe", "Costa", "Dubois", "Sato",
    "Nguyen", "Ivanova", "Brennan",
]  # fmt: skip


ZONES = ["Europe/Berlin", "Europe/London", "America/New_York", "Asia/Kolkata", "Asia/Tokyo"]
LANGUAGES = [["en"], ["en", "de"], ["de"], ["en", "fr"], ["fr"]]


def realistic(world, cohort) -> None:
    """Names, departments, levels, time zones and languages as a company has them, so the
    scores spread over the bands."""
    names = (f"{first} {last}" for last, first in itertools.product(LAST, FIRST))
    chance = random.Random(7)
    with activate(world.acme.organization):
        Program.objects.filter(pk=cohort.program.pk).update(name="Speaking up with confidence")
        for department, name in zip(world.acme.departments, ("Sales", "Engineering"), strict=False):
            Department.objects.filter(pk=department.pk).update(name=name)
        levels = list(SeniorityLevel.objects.order_by("rank"))
        people = list(
            Profile.objects.filter(user__in=[*cohort.mentees, *cohort.mentors]).order_by("pk")
        )
        for person, name in zip(people, names, strict=False):
            person.display_name = name
            person.time_zone = chance.choice(ZONES)
            person.languages = chance.choice(LANGUAGES)
            person.seniority = chance.choice(levels)
        Profile.objects.bulk_update(people, ["display_name", "time_zone", "languages", "seniority"])


def test_a_manager_reviews_a_draft_of_hundreds_of_pairs(page, live_server):
    world = build_world()
    acme = world.acme
    cohort = make_large_cohort(acme, mentees=260, mentors=120)  # 240 places for 260
    realistic(world, cohort)
    with activate(acme.organization):
        run = matching.match_run_start(
            organization=acme.organization, actor=acme.manager, program=cohort.program
        )
        waiting = UnmatchedMentee.objects.filter(run=run).select_related("mentee__person")
        mentee = str(waiting.order_by("mentee__person__display_name").first().mentee.person)
        pairs = MatchProposal.objects.filter(run=run)
        unmatched = waiting.count()
        assert pairs.count() + unmatched == 260 and unmatched >= 20

    manager = page
    manager.set_viewport_size({"width": 1280, "height": 900})
    sign_in(manager, live_server, "acme", acme.manager.email)
    review = org_url(live_server, "acme", f"/admin/matching/matchrun/{run.pk}/change/")
    manager.goto(review)
    expect(manager.locator("#summary")).to_contain_text(f"{unmatched} mentees left unmatched")
    expect(manager.locator("#pairs")).to_contain_text(f"Pairs 1–50 of {260 - unmatched}.")
    expect(manager.locator("#pairs tbody tr")).to_have_count(50)
    assert manager.locator("#swap-pairs option, #add-pair option").count() == 0

    # A search by a person's name.
    manager.get_by_label("Person").fill("Okafor")
    manager.locator("#pairs").get_by_role("button", name="Show").click()
    expect(manager.locator("#pairs [role=status]").first).to_contain_text("found")
    for row in manager.locator("#pairs tbody tr").all():
        expect(row).to_contain_text("Okafor")
    manager.get_by_role("link", name="Show every pair").click()

    # A pair by hand: the mentee and the mentor found by name.
    add = manager.locator("#add-pair")
    pick(add.locator("#picker-mentee"), mentee.split()[-1], mentee)
    with activate(acme.organization):
        mentor = str(pairs.select_related("mentor__person").first().mentor.person)
    mentor_picker = add.locator("#picker-mentor")
    mentor_picker.get_by_role("searchbox").fill(mentor)
    expect(mentor_picker.get_by_role("status")).to_contain_text("match")
    mentor_picker.get_by_label(f"{mentor} (full)").first.check()
    add.get_by_label("Override reason").fill("Asked for each other; the mentor agreed to a third")
    add.get_by_role("button", name="Add the pair").click()
    expect(manager.locator(".messagelist")).to_contain_text("by hand")
    expect(manager.locator("#summary")).to_contain_text(f"{unmatched - 1} mentees left unmatched")
    assert_accessible(manager)
    # The top of the page: the summary and the first pairs (the whole page is 50 rows long).
    manager.set_viewport_size({"width": 1280, "height": 1500})
    manager.evaluate("window.scrollTo(0, 0)")
    screenshot(manager, "draft-review", full_page=False)
    assert world.globex.sentinel not in manager.content()
