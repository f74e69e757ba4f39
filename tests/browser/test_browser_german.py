"""A mentee who chose German walks their main pages in Chromium and meets no English text
outside what people and their organization wrote (names, programs, skills, notes)."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from playwright.sync_api import expect

from mentoring.people.models import Profile
from mentoring.tenancy import activate
from tests.builders.browser import org_url, sign_in
from tests.builders.pair import make_pair, schedule
from tests.builders.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)

# Words that only an English sentence holds (none is a German word as well).
ENGLISH = re.compile(
    r"\b(the|and|your|you|with|what|when|which|this|that|have|has|not|yet|from|about|"
    r"there|their|here|will|would|should|been|before|after|each|every|only|please)\b",
    re.IGNORECASE,
)
# Texts the page shows as they were written: organization content, not the interface.
CONTENT = (
    ("mentoring.Organization", ("name",)),
    ("mentoring.Profile", ("display_name", "job_title", "bio")),
    ("mentoring.Department", ("name",)),
    ("mentoring.SeniorityLevel", ("name",)),
    ("programs.Program", ("name", "purpose", "guidelines", "time_commitment")),
    ("programs.Goal", ("statement",)),
    ("programs.Skill", ("name", "description")),
    ("programs.Resource", ("title", "description")),
    ("programs.ChecklistItem", ("text",)),
    ("mentoring_sessions.Prompt", ("text",)),
    ("mentoring_sessions.Session", ("location",)),
)
TEXTS = """() => {
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    const hidden = "script, style, template, [hidden], [aria-hidden=true]";
    if (!parent || parent.closest(hidden)) continue;
    const text = node.textContent.trim();
    if (text) texts.push(text);
  }
  for (const element of document.querySelectorAll("[aria-label], [placeholder], [title], [alt]")) {
    for (const name of ["aria-label", "placeholder", "title", "alt"]) {
      const value = element.getAttribute(name);
      if (value && value.trim()) texts.push(value.trim());
    }
  }
  texts.push(document.title);
  return texts;
}"""


def organization_content(organization) -> list[str]:
    texts = []
    with activate(organization):
        for label, fields in CONTENT:
            model = apps.get_model(label)
            for row in model.objects.values_list(*fields):
                texts.extend(value for value in row if isinstance(value, str) and value.strip())
        # How each pair's match was scored, written when the match was made.
        for breakdown in apps.get_model("matching.Mentorship").objects.values_list(
            "breakdown", flat=True
        ):
            texts.extend(str(part.get("label", "")) for part in breakdown or [])
    return texts


def english_left(texts: list[str], content: list[str]) -> list[str]:
    left = []
    for text in texts:
        shown = text.strip(" :…")  # a long text is shown cut short
        if any(shown in written for written in content):
            continue
        rest = text
        for written in content:
            rest = rest.replace(written, " ")
        if len(ENGLISH.findall(rest)) >= 1 and re.search(r"[A-Za-z]{3}", rest):
            left.append(text)
    return left


def test_a_german_mentee_meets_no_english_on_their_main_pages(page, live_server):
    world = build_world()
    organization = world.acme.organization
    with activate(organization):  # before anything is written to them
        Profile.objects.filter(user=world.acme.mentees[0]).update(language="de")
    pair = make_pair(world.acme)
    assert pair.mentee == world.acme.mentees[0]
    session = schedule(pair, location="https://meet.example/room")
    content = organization_content(organization)

    sign_in(page, live_server, "acme", pair.mentee.email)
    pages = [
        "/",
        "/me/profile/",
        "/programs/",
        "/mentorships/",
        f"/mentorships/{pair.mentorship.pk}/",
        f"/sessions/{session.pk}/",
        f"/mentorships/{pair.mentorship.pk}/feedback/new/",
        "/checklist/",
        "/me/news/",
        "/me/data/",
    ]
    found = {}
    for path in pages:
        response = page.goto(org_url(live_server, "acme", path))
        assert response.status == 200, path
        expect(page.locator("html")).to_have_attribute("lang", "de")
        left = english_left(page.evaluate(TEXTS), content)
        if left:
            found[path] = left
    report = "\n".join(f"{path}: {texts}" for path, texts in found.items())
    assert found == {}, f"English left on these pages:\n{report}"
