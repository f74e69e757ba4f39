"""The two loops of the product, end to end in Chromium: a session (schedule, co-created
agenda with a prompt from the library, log with an experiment, reflection, dashboards) and
feedback (coach while typing, received, suggestion to experiment, ratings, progress chart).
The mentee and the mentor each have their own browser context."""

import re
import zoneinfo
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mentoring.tenancy import activate
from sessions.models import ActionItem, Session, SessionStatus
from tests.builders.browser import (
    assert_accessible,
    mark_window,
    org_url,
    screenshot,
    sign_in,
    window_was_not_reloaded,
)
from tests.builders.pair import make_pair
from tests.builders.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)

TYPED_POINT = "The planning meeting where I stayed silent about the deadline"
EXPERIMENT = "In Thursday's stand-up, say out loud one risk you see before anyone else does"
REFLECTION = "I named the API risk first; Priya added a second one and we moved the demo."


def _in_two_days_on_the_clock_of(person) -> str:
    """A datetime-local value two days ahead at 10:00, on the person's own clock."""
    zone = zoneinfo.ZoneInfo(person.time_zone)
    day = (timezone.now() + timedelta(days=2)).astimezone(zone).date()
    return f"{day:%Y-%m-%d}T10:00"


def test_the_session_loop_in_a_real_browser(page, other_page, live_server):
    world = build_world()
    pair = make_pair(world.acme)
    mentee, mentor = page, other_page
    mentee_name = pair.mentorship.mentee.person.display_name
    mentor_name = pair.mentorship.mentor.person.display_name

    # The mentee opens their mentorship from the home page and plans a session.
    sign_in(mentee, live_server, "acme", pair.mentee.email)
    assert_accessible(mentee)
    mentee.locator(".dash-lead").get_by_role("link", name=mentor_name).click()
    mentee.wait_for_url(org_url(live_server, "acme", f"/mentorships/{pair.mentorship.pk}/"))
    plan = mentee.get_by_role("link", name="Plan a session")  # the htmx-loaded section
    expect(plan).to_be_visible()
    assert_accessible(mentee)
    screenshot(mentee, "mentorship")
    plan.click()
    assert_accessible(mentee)
    screenshot(mentee, "schedule")
    mentee.get_by_label("Date and time").fill(
        _in_two_days_on_the_clock_of(pair.mentorship.mentee.person)
    )
    mentee.get_by_label("Place or video link (optional)").fill("https://meet.example/acme-pair")
    mentee.get_by_role("button", name="Plan the session").click()
    mentee.wait_for_url(re.compile(r"/sessions/\d+/$"))
    session_id = int(re.search(r"/sessions/(\d+)/$", mentee.url).group(1))
    expect(mentee.get_by_text("Session planned.")).to_be_visible()
    assert_accessible(mentee)

    # The agenda, co-created with htmx: a typed point, then a prompt from the library.
    mark_window(mentee)
    agenda = mentee.locator("#agenda")
    mentee.get_by_label("Add a point").fill(TYPED_POINT)
    mentee.get_by_role("button", name="Add", exact=True).click()
    expect(agenda.locator(".agenda__text")).to_have_text([TYPED_POINT])
    expect(mentee.locator("#agenda-status")).to_have_text("Point added.")
    mentee.get_by_text("Pick from the prompt library").click()
    prompt = mentee.locator("#prompt-picker .prompt").first
    prompt_text = prompt.locator(".prompt__text").inner_text()
    prompt.get_by_role("button", name=re.compile("^Add to the agenda")).click()
    expect(agenda.locator(".agenda__text")).to_have_text([TYPED_POINT, prompt_text])
    expect(agenda.get_by_text("From the library")).to_be_visible()
    assert window_was_not_reloaded(mentee), "the agenda changes reloaded the whole page"
    assert_accessible(mentee)
    screenshot(mentee, "session-agenda")

    # The mentor, in their own browser, sees both points.
    sign_in(mentor, live_server, "acme", pair.mentor.email)
    mentor.goto(org_url(live_server, "acme", f"/sessions/{session_id}/"))
    expect(mentor.locator("#agenda .agenda__text")).to_have_text([TYPED_POINT, prompt_text])
    expect(mentor.locator("#agenda .agenda__meta")).to_contain_text(
        [f"Added by {mentee_name}", f"From the library added by {mentee_name}"]
    )
    assert_accessible(mentor)

    # The session took place (two hours ago): the mentor logs it with an experiment.
    with activate(world.acme.organization):
        Session.objects.filter(pk=session_id).update(starts_at=timezone.now() - timedelta(hours=2))
    mentor.goto(org_url(live_server, "acme", "/"))
    expect(mentor.locator("#mentor-to-log ~ ul")).to_contain_text(mentee_name)
    mentor.goto(org_url(live_server, "acme", f"/sessions/{session_id}/"))
    mentor.get_by_role("link", name="Log this session").click()
    mentor.wait_for_url(org_url(live_server, "acme", f"/sessions/{session_id}/log/"))
    assert_accessible(mentor)
    mentor.get_by_label("We met").check()
    mentor.get_by_label("How long did it last, in minutes?").fill("55")
    mentor.get_by_label(TYPED_POINT).check()
    mentor.get_by_label(prompt_text).check()
    mentor.get_by_label("Shared notes (you both see them)").fill(
        "We replayed the planning meeting and found the sentence to open with."
    )
    mentor.locator("[name=experiment_1_description]").fill(EXPERIMENT)
    due_on = timezone.localdate() + timedelta(days=7)
    mentor.locator("[name=experiment_1_due_on]").fill(f"{due_on:%Y-%m-%d}")
    screenshot(mentor, "session-log")
    mentor.get_by_role("button", name="Log the session").click()
    mentor.wait_for_url(org_url(live_server, "acme", f"/sessions/{session_id}/"))
    expect(mentor.get_by_text("Session logged.")).to_be_visible()
    expect(mentor.get_by_text("2 of 2 points covered")).to_be_visible()
    assert_accessible(mentor)
    with activate(world.acme.organization):
        session = Session.objects.get(pk=session_id)
        assert (session.status, session.actual_minutes) == (SessionStatus.HELD, 55)
        assert ActionItem.objects.get(session=session).owner.user == pair.mentee

    # The mentee tries the experiment and says what happened.
    mentee.goto(org_url(live_server, "acme", "/"))
    expect(mentee.locator("#mentee-experiments ~ ul")).to_contain_text(EXPERIMENT)
    mentee.get_by_role("link", name="All experiments").click()
    mentee.wait_for_url(
        org_url(live_server, "acme", f"/mentorships/{pair.mentorship.pk}/experiments/")
    )
    expect(mentee.get_by_role("heading", name="To try (1)")).to_be_visible()
    assert_accessible(mentee)
    screenshot(mentee, "experiments")
    mentee.get_by_label("What happened when you tried it?").fill(REFLECTION)
    mentee.get_by_role("button", name="Mark done").click()
    expect(mentee.get_by_role("heading", name="Done (1)")).to_be_visible()
    expect(mentee.locator(".experiment--done")).to_contain_text(REFLECTION)
    assert_accessible(mentee)

    # Both home dashboards show it.
    mentee.goto(org_url(live_server, "acme", "/"))
    expect(mentee.get_by_text("No open experiment.")).to_be_visible()
    expect(
        mentee.get_by_text(re.compile(r"^1 session held in the last \d+ months"))
    ).to_be_visible()
    assert_accessible(mentee)
    screenshot(mentee, "mentee-home")

    mentor.goto(org_url(live_server, "acme", "/"))
    expect(mentor.get_by_text("Nothing to log: every past session is recorded.")).to_be_visible()
    expect(mentor.get_by_text("No experiment is waiting for a reflection.")).to_be_visible()
    expect(mentor.locator("#mentor-mentees ~ ul")).to_contain_text("Last met")
    assert_accessible(mentor)
    screenshot(mentor, "mentor-home")
    mentor.goto(org_url(live_server, "acme", f"/mentorships/{pair.mentorship.pk}/experiments/"))
    expect(mentor.locator(".experiment--done")).to_contain_text(REFLECTION)
    assert world.globex.sentinel not in mentor.content()


VAGUE = {"Situation": "Generally", "Behaviour": "Great job!"}
SPECIFIC = {
    "Situation": "In Tuesday's planning meeting, when the budget came up",
    "Behaviour": "you summarized Priya's concern in one sentence before you gave your own view",
    "Impact": "so she relaxed and added two details nobody had heard before",
    "Suggestion for next time": "Next time, try the same with the quietest person in the room",
}


def test_the_feedback_loop_in_a_real_browser(page, other_page, live_server):
    world = build_world()
    pair = make_pair(world.acme)
    mentor, mentee = page, other_page
    with activate(world.acme.organization):
        skill = pair.mentorship.mentee.skill_links.select_related("skill").first().skill
    base = f"/mentorships/{pair.mentorship.pk}"

    # The mentor writes feedback; the coach scores it while they type.
    sign_in(mentor, live_server, "acme", pair.mentor.email)
    mentor.goto(org_url(live_server, "acme", f"{base}/"))
    mentee_name = pair.mentorship.mentee.person.display_name
    mentor.get_by_role("link", name=f"Give feedback to {mentee_name}").click()
    mentor.wait_for_url(org_url(live_server, "acme", f"{base}/feedback/new/"))
    assert_accessible(mentor)
    mentor.get_by_label("Skill", exact=True).select_option(label=skill.name)
    mark_window(mentor)
    coach = mentor.locator("#coach")
    for label, text in VAGUE.items():
        mentor.get_by_label(label, exact=True).fill(text)
    expect(coach).to_contain_text("Specificity: 0 of 4")
    expect(coach).to_contain_text("Describe what the person said or did")
    for label, text in SPECIFIC.items():
        mentor.get_by_label(label, exact=True).fill(text)
    expect(coach).to_contain_text("Specificity: 4 of 4")
    expect(coach).to_contain_text("specific enough to act on")
    assert window_was_not_reloaded(mentor)
    mentor.get_by_label("Try differently").check()
    assert_accessible(mentor)
    screenshot(mentor, "give-feedback")
    mentor.get_by_role("button", name="Send feedback").click()
    mentor.wait_for_url(re.compile(r"/feedback/#feedback-\d+$"))
    expect(mentor.get_by_text("The coach scored it 4 of 4")).to_be_visible()
    expect(mentor.locator("#given")).to_contain_text(SPECIFIC["Behaviour"])
    assert_accessible(mentor)

    # The mentee reads it, grouped by skill, and turns the suggestion into an experiment.
    sign_in(mentee, live_server, "acme", pair.mentee.email)
    mentee.goto(org_url(live_server, "acme", f"{base}/feedback/"))
    received = mentee.locator("#received")
    expect(received.get_by_role("heading", name=re.compile(f"^{skill.name}"))).to_be_visible()
    expect(received).to_contain_text(SPECIFIC["Behaviour"])
    expect(received).to_contain_text("Specificity 4 of 4")
    assert_accessible(mentee)
    screenshot(mentee, "feedback-received")
    received.get_by_role(
        "button", name=re.compile("^Turn this suggestion into an experiment")
    ).click()
    expect(mentee.get_by_text("The suggestion is now an experiment of yours")).to_be_visible()
    expect(received.get_by_text("This suggestion is an experiment of yours")).to_be_visible()
    with activate(world.acme.organization):
        assert ActionItem.objects.filter(
            mentorship=pair.mentorship, description__contains="quietest person"
        ).exists()

    # Self view and observed, at the start and at the first goal review: the progress
    # page draws both lines and the gap between them.
    def rate(person, level: int, moment: str):
        person.goto(org_url(live_server, "acme", f"{base}/progress/"))
        section = person.locator(f"#skill-{skill.pk}")
        section.get_by_label(re.compile(rf"^{level}\. ")).check()
        section.get_by_label(moment).check()
        section.get_by_role("button", name=re.compile("^Save my rating")).click()
        saved = f"Your rating of {skill.name} is saved: level {level}"
        expect(person.get_by_text(saved)).to_be_visible()

    rate(mentee, 2, "At the start")
    rate(mentor, 2, "At the start")
    rate(mentee, 3, "At a goal review")
    rate(mentor, 2, "At a goal review")
    mentee.goto(org_url(live_server, "acme", f"{base}/progress/"))
    section = mentee.locator(f"#skill-{skill.pk}")
    expect(section.locator(".progress-chart svg")).to_be_visible()
    rows = section.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td")).to_have_text(["2", "2", "0"])
    expect(rows.nth(1).locator("td")).to_have_text(["3", "2", "+1"])
    assert_accessible(mentee)
    screenshot(mentee, "progress-chart")
