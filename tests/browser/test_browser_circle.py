"""A circle in Chromium, with its mentor and two of its mentees each in their own browser
context: the circle page, one agenda everyone sees change live, private notes that stay
private, feedback between two mentees that only those two read, and the session logged
with who came. Also a manager's review of a circle draft. Accessible (axe), no sideways
scrolling on a phone; the pages for docs/screenshots/circle-page.png, circle-session.png
and draft-circles.png."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from matching.models import DraftCircle
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from programs.models import Program
from sessions import services as sessions
from sessions.models import Session, SessionAttendance
from tests.browser.test_browser_draft_review import FIRST, LAST
from tests.builders.browser import (
    add_agenda_point,
    agenda_texts,
    assert_accessible,
    assert_no_horizontal_scroll,
    give_feedback,
    mark_window,
    org_url,
    screenshot,
    sign_in,
    window_was_not_reloaded,
)
from tests.builders.circle import Circle, make_circle
from tests.builders.cohort import focus_skills
from tests.builders.world import build_world
from tests.matching.test_circle_runs import circle_cohort, start

pytestmark = pytest.mark.django_db(transaction=True)

SEEN_WITHIN = 10_000  # ms: the agenda asks every 3 s

# Names as people have them, for the pictures: the mentor first, then the four mentees.
NAMES = ["Grace Okafor", "Ana Lindqvist", "Ben Moreau", "Cleo Tanaka", "Dev Haddad"]


@pytest.fixture
def third_page(browser):
    """A third person's browser (its own cookies), beside ``page`` and ``other_page``."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def named_circle() -> Circle:
    """One mentor and four mentees of acme, in a running circle program, with real names."""
    world = build_world()
    circle = make_circle(world.acme, mentees=4, name="Speaking up together")
    with activate(circle.org.organization):
        for user, name in zip(circle.members, NAMES, strict=True):
            Profile.objects.filter(user=user).update(display_name=name)
    return circle


def plan(circle: Circle, *, past: bool = False) -> Session:
    """A check-in of the circle, planned by its mentor for tomorrow (``past``: moved to two
    hours ago, so it can be logged), with an empty agenda."""
    with activate(circle.org.organization):
        session = sessions.session_schedule(
            organization=circle.org.organization,
            actor=circle.mentors[0],
            mentorship=circle.mentorship,
            starts_at=timezone.now() + timedelta(days=1),
            allow_overlap=True,
        )
        session.agenda.all().delete()
        if past:
            Session.objects.filter(pk=session.pk).update(
                starts_at=timezone.now() - timedelta(hours=2)
            )
    return session


def post_from(page, path: str, data: dict) -> int:
    """POST ``data`` to ``path`` from inside ``page`` (its cookies and the CSRF token of its
    sign-out form), as a crafted form would; the status after redirects."""
    return page.evaluate(
        """async ([path, data]) => {
            const body = new FormData();
            body.append("csrfmiddlewaretoken",
                        document.querySelector("[name=csrfmiddlewaretoken]").value);
            for (const [name, value] of Object.entries(data)) body.append(name, value);
            return (await fetch(path, {method: "POST", body})).status;
        }""",
        [path, data],
    )


def three_signed_in(circle, live_server, pages):
    """The mentor and the first two mentees, each signed in in one of ``pages``."""
    people = [circle.mentors[0], circle.mentees[0], circle.mentees[1]]
    for page, user in zip(pages, people, strict=True):
        sign_in(page, live_server, "acme", user.email)
    return people


def test_a_circle_page_names_every_member_and_the_shared_skill_and_is_no_one_elses(
    page, other_page, phone, live_server
):
    circle = named_circle()
    skill = circle.mentorship.focus_skill.name
    url = org_url(live_server, "acme", f"/mentorships/{circle.mentorship.pk}/")
    sign_in(page, live_server, "acme", circle.mentees[0].email)
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{skill} circle")
    members = page.locator("section[aria-labelledby=the-pair]")
    for name in NAMES:
        expect(members).to_contain_text(name)
    expect(page.get_by_text("Shared focus")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "circle-page")

    sign_in(phone, live_server, "acme", circle.mentors[0].email)
    phone.goto(url)
    assert_no_horizontal_scroll(phone)
    assert_accessible(phone)

    # a mentor of acme outside the circle, and a mentee of globex, find nothing there
    outsider = other_page
    sign_in(outsider, live_server, "acme", circle.org.mentors[1].email)
    assert outsider.goto(url).status == 404
    outsider.context.clear_cookies()
    sign_in(outsider, live_server, "globex", "mentee0@globex.example")
    stranger_url = org_url(live_server, "globex", f"/mentorships/{circle.mentorship.pk}/")
    assert outsider.goto(stranger_url).status == 404


FACTS_IN_COLUMNS = """(list) => {
    const left = (el) => Math.round(el.getBoundingClientRect().left);
    const labels = new Set([...list.querySelectorAll("dt")].map(left));
    const values = new Set([...list.querySelectorAll("dd")].map(left));
    return labels.size === 1 && values.size === 1 && [...labels][0] < [...values][0];
}"""


def test_on_the_circle_page_every_member_and_fact_sits_in_the_column_of_values(page, live_server):
    circle = named_circle()
    sign_in(page, live_server, "acme", circle.mentees[0].email)
    page.goto(org_url(live_server, "acme", f"/mentorships/{circle.mentorship.pk}/"))
    facts = page.locator("section[aria-labelledby=the-pair] dl.facts")
    assert facts.evaluate(FACTS_IN_COLUMNS), "a name or a fact sits in the column of labels"


def test_three_members_see_each_others_agenda_points_appear_without_reloading(
    page, other_page, third_page, phone, live_server
):
    circle = named_circle()
    session = plan(circle)
    url = org_url(live_server, "acme", f"/sessions/{session.pk}/")
    pages = [page, other_page, third_page]
    three_signed_in(circle, live_server, pages)
    for each in pages:
        each.goto(url)
        mark_window(each)

    points = [
        "How each of us says no to an extra project",
        "The meeting where I kept quiet about the deadline",
        "Asking for time to think before answering",
    ]
    for index, (each, point) in enumerate(zip(pages, points, strict=True)):
        add_agenda_point(each, point)
        for everyone in pages:
            expect(agenda_texts(everyone)).to_have_text(points[: index + 1], timeout=SEEN_WITHIN)
    for each in pages:
        assert window_was_not_reloaded(each), f"{each.url} was reloaded"
    # each point says who added it
    expect(page.locator("#agenda-list .agenda__meta")).to_have_text(
        [re.compile(f"Added by {who}") for who in ("you", NAMES[1], NAMES[2])]
    )

    mentor = page
    expect(mentor.get_by_role("heading", level=1)).to_contain_text("circle")
    assert_accessible(mentor)
    mentor.set_viewport_size({"width": 1280, "height": 900})
    screenshot(mentor, "circle-session")

    sign_in(phone, live_server, "acme", circle.mentees[2].email)
    phone.goto(url)
    expect(agenda_texts(phone)).to_have_text(points)
    assert_no_horizontal_scroll(phone)
    assert_accessible(phone)


def test_each_members_private_note_shows_on_no_one_elses_page(
    page, other_page, third_page, live_server
):
    circle = named_circle()
    session = plan(circle)
    url = org_url(live_server, "acme", f"/sessions/{session.pk}/")
    pages = [page, other_page, third_page]
    three_signed_in(circle, live_server, pages)
    notes = [
        "Grace: Ana seems tired of the group talking over her.",
        "Ana: I am nervous about speaking first.",
        "Ben: I want to ask Grace about my manager.",
    ]
    for each, note in zip(pages, notes, strict=True):
        each.goto(url)
        each.locator("#private-note summary").click()
        each.get_by_label("My private note (only I see it)").fill(note)
        each.get_by_role("button", name="Save my private note").click()
        expect(each.locator("#private-note")).to_contain_text(note)

    for each, note in zip(pages, notes, strict=True):
        each.goto(url)
        expect(each.locator("#private-note")).to_contain_text(note)
        expect(each.locator("#private-note")).to_contain_text("not the others in your circle")
        body = each.locator("body").inner_text()
        for other in notes:
            if other != note:
                assert other not in body, f"{each.url} shows someone else's note: {other}"
    assert_accessible(other_page)


def test_feedback_from_one_mentee_to_another_is_read_by_those_two_only(
    page, other_page, third_page, live_server
):
    circle = named_circle()
    mentor, ana, ben = page, other_page, third_page
    three_signed_in(circle, live_server, [mentor, ana, ben])
    feedback_url = org_url(live_server, "acme", f"/mentorships/{circle.mentorship.pk}/feedback/")
    behaviour = "You asked Cleo what she meant before you answered her."

    ana.goto(feedback_url)
    ana.get_by_role("link", name="Give feedback to someone in your circle").first.click()
    expect(ana.get_by_role("heading", level=1)).to_have_text("Give feedback in your circle")
    ana.get_by_label("Who is it for?").select_option(label="Ben Moreau")
    assert_accessible(ana)
    skill = focus_skills(circle.mentorship.program)[0].name
    give_feedback(
        ana,
        skill=skill,
        parts={
            "Situation": "At Tuesday's circle, when Cleo told us about her project.",
            "Behaviour": behaviour,
            "Impact": "She explained it again and the rest of us understood it too.",
            "Suggestion for next time": "Keep asking that first question.",
        },
    )
    saved = "Your feedback is saved and Ben Moreau can read it now."
    expect(ana.get_by_text(saved)).to_be_visible()
    ana.goto(feedback_url)
    expect(ana.locator("#given")).to_contain_text(behaviour)
    expect(ana.locator("#given")).to_contain_text("to Ben Moreau")

    ben.goto(feedback_url)
    received = ben.locator("#received")
    expect(received).to_contain_text(behaviour)
    expect(received).to_contain_text("From Ana Lindqvist")
    assert_accessible(ben)
    feedback_id = int(
        ben.locator("#received article.feedback").first.get_attribute("id").split("-")[1]
    )

    # the mentor, and Cleo (a third mentee, in the mentor's browser), see nothing of it
    reflect = f"/mentorships/{circle.mentorship.pk}/feedback/{feedback_id}/reflect/"
    field = f"reflect-{feedback_id}-reflection"
    experiment = f"/mentorships/{circle.mentorship.pk}/feedback/{feedback_id}/experiment/"
    for user in (circle.mentors[0], circle.mentees[2]):
        if user != circle.mentors[0]:
            mentor.context.clear_cookies()
            sign_in(mentor, live_server, "acme", user.email)
        mentor.goto(feedback_url)
        expect(mentor.get_by_role("heading", level=1)).to_have_text("Feedback")
        assert behaviour not in mentor.locator("body").inner_text()
        for path in (reflect, experiment):
            status = post_from(mentor, path, {field: "Mine now"})
            assert status == 404, f"{path} as {user.email}: {status}"
    ben.goto(feedback_url)
    expect(ben.locator("#received")).not_to_contain_text("Mine now")
    # the same post from Ben, who received it, is taken
    assert post_from(ben, reflect, {field: "I will keep asking first."}) == 200
    ben.reload()
    expect(ben.locator("#received")).to_contain_text("I will keep asking first.")


def test_the_mentor_logs_the_session_with_one_mentee_absent_and_everyone_sees_who_came(
    page, other_page, third_page, live_server
):
    circle = named_circle()
    session = plan(circle, past=True)
    url = org_url(live_server, "acme", f"/sessions/{session.pk}/")
    mentor, ana, ben = page, other_page, third_page
    three_signed_in(circle, live_server, [mentor, ana, ben])

    mentor.goto(url)
    mentor.get_by_role("link", name="Log this session").click()
    expect(mentor.get_by_role("heading", level=1)).to_have_text("Log the session")
    mentor.get_by_label("We met").check()
    mentor.get_by_label("How long did it last, in minutes?").fill("75")
    absent = mentor.get_by_role("group", name="Who did not come?")
    absent.get_by_label("Cleo Tanaka").check()
    mentor.get_by_label("Shared notes (everyone in the circle sees them)").fill(
        "We practised saying no with a reason."
    )
    assert_accessible(mentor)
    mentor.get_by_role("button", name="Log the session").click()
    mentor.wait_for_url(url)

    with activate(circle.org.organization):
        came = dict(
            SessionAttendance.objects.filter(session=session).values_list(
                "person__display_name", "attended"
            )
        )
    assert came == {name: name != "Cleo Tanaka" for name in NAMES}

    for each, me in ((mentor, "Grace Okafor"), (ana, "Ana Lindqvist"), (ben, "Ben Moreau")):
        each.goto(url)
        who = each.locator(".attendance")
        expect(who).to_contain_text("Cleo Tanaka: did not come")
        for name in NAMES:
            if name not in (me, "Cleo Tanaka"):
                expect(who).to_contain_text(f"{name}: came")
        expect(who).to_contain_text("You: came")
        expect(each.locator("section#what-happened")).to_contain_text(
            "We practised saying no with a reason."
        )
    assert_accessible(ana)


def test_a_manager_reviews_a_circle_draft_circle_by_circle(page, live_server):
    world = build_world()
    cohort = circle_cohort(world.acme)
    with activate(world.acme.organization):
        Program.objects.filter(pk=cohort.program.pk).update(name="Speaking up together")
    people = iter(f"{first} {last}" for first, last in zip(FIRST, LAST[5:] + LAST[:5], strict=True))
    with activate(world.acme.organization):
        for person in Profile.objects.filter(
            user__in=[*world.acme.mentees, *world.acme.mentors]
        ).order_by("pk"):
            Profile.objects.filter(pk=person.pk).update(display_name=next(people))
    run = start(cohort)
    with activate(world.acme.organization):
        circles = DraftCircle.objects.filter(run=run).count()
    assert circles >= 2

    manager = page
    manager.set_viewport_size({"width": 1280, "height": 900})
    sign_in(manager, live_server, "acme", world.acme.manager.email)
    manager.goto(org_url(live_server, "acme", f"/admin/matching/matchrun/{run.pk}/change/"))
    expect(manager.get_by_role("heading", name="Proposed circles")).to_be_visible()
    for number in range(1, circles + 1):
        expect(manager.locator(f"#circle-{number}")).to_contain_text(f"Circle {number}")
    expect(manager.get_by_role("button", name=f"Approve: create {circles} circles")).to_be_visible()
    assert_accessible(manager)
    screenshot(manager, "draft-circles")
