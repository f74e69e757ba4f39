"""What the browser tests do in a Playwright page: reach an organization's host, sign in,
check accessibility and sideways scrolling, keep a screenshot, tell an htmx swap from a
full page load; and the steps of the pair pages (plan a session, agenda points, log,
feedback, goal review, observation) that journeys share. ``CHROMIUM`` is Debian's
Chromium, or None when it is not installed."""

from __future__ import annotations

import os
import re
import shutil
import zoneinfo
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from .world import PASSWORD

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def org_url(live_server, slug: str, path: str = "/") -> str:
    port = live_server.url.rsplit(":", 1)[1]
    return f"http://{slug}.localhost:{port}{path}"


def sign_in(
    page, live_server, slug: str, email: str, password: str = PASSWORD, lands_on: str = "/"
) -> None:
    """Sign in on the organization's host; the person lands on their home (an HR
    analyst's is ``/hr/``)."""
    page.goto(org_url(live_server, slug, "/accounts/login/"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(org_url(live_server, slug, lands_on))


def assert_accessible(page) -> None:
    """axe-core in the page: no serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], "\n".join(serious)


def screenshot(page, name: str, *, full_page: bool = True) -> None:
    """Keep a picture of the page (``full_page=False``: the window only, for a long
    page); SAVE_SCREENSHOTS=1 refreshes docs/screenshots/."""
    target = (
        SCREENSHOTS if os.environ.get("SAVE_SCREENSHOTS") else Path("/tmp/mentoring-screenshots")
    )
    target.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target / f"{name}.png"), full_page=full_page)


def mark_window(page) -> None:
    """Set a marker on ``window``: it survives htmx swaps, and a full page load clears it."""
    page.evaluate("window.__notReloaded = true")


def window_was_not_reloaded(page) -> bool:
    return page.evaluate("window.__notReloaded === true")


def assert_no_horizontal_scroll(page, width: int = 375) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} scrolls sideways: {scroll_width}px > {width}px"


# ------------------------------------------------ steps of the pair pages, shared by journeys


def on_the_clock_of(person, *, days: int = 2, hour: int = 10) -> str:
    """A datetime-local value ``days`` ahead at ``hour``:00, on the person's own clock."""
    day = (timezone.now() + timedelta(days=days)).astimezone(zoneinfo.ZoneInfo(person.time_zone))
    return f"{day.date():%Y-%m-%d}T{hour:02d}:00"


def plan_session(page, live_server, slug: str, mentorship, starts: str, place: str = "") -> int:
    """From the pair page, plan a session at ``starts`` (datetime-local); its id."""
    page.goto(org_url(live_server, slug, f"/mentorships/{mentorship.pk}/"))
    page.get_by_role("link", name="Plan a session").click()
    page.get_by_label("Date and time").fill(starts)
    if place:
        page.get_by_label("Place or video link (optional)").fill(place)
    page.get_by_role("button", name="Plan the session").click()
    page.wait_for_url(re.compile(r"/sessions/\d+/$"))
    return int(re.search(r"/sessions/(\d+)/$", page.url).group(1))


def agenda_texts(page):
    """The agenda's points on a session page, in order."""
    return page.locator("#agenda-list .agenda__text")


def add_agenda_point(page, text: str) -> None:
    page.get_by_label("Add a point").fill(text)
    page.get_by_role("button", name="Add", exact=True).click()


def edit_agenda_point(page, number: int, text: str) -> None:
    page.get_by_role("link", name=f"Edit point {number}").click()
    page.get_by_label(f"Edit point {number}").fill(text)
    page.get_by_role("button", name="Save").click()


def remove_agenda_point(page, number: int) -> None:
    page.get_by_role("button", name=f"Remove point {number}").click()


def log_session(
    page, *, minutes: int, notes: str, covered=(), experiment: str = "", due_on=None
) -> None:
    """On the session page: "Log this session", we met, for ``minutes``, the points
    ``covered`` ticked, shared notes and one experiment, then log it."""
    page.get_by_role("link", name="Log this session").click()
    page.get_by_label("We met").check()
    page.get_by_label("How long did it last, in minutes?").fill(str(minutes))
    for text in covered:
        page.get_by_label(text).check()
    page.get_by_label("Shared notes (you both see them)").fill(notes)
    if experiment:
        page.locator("[name=experiment_1_description]").fill(experiment)
        if due_on is not None:
            page.locator("[name=experiment_1_due_on]").fill(f"{due_on:%Y-%m-%d}")
    page.get_by_role("button", name="Log the session").click()


def give_feedback(page, *, skill: str, parts: dict, kind: str = "Keep doing") -> None:
    """On the feedback form: the skill, each part by its label, the kind, then send."""
    page.get_by_label("Skill", exact=True).select_option(label=skill)
    for label, text in parts.items():
        page.get_by_label(label, exact=True).fill(text)
    page.get_by_label(kind).check()
    page.get_by_role("button", name="Send feedback").click()


def record_goal_review(page, *, level: int, what_changed: str, next_steps: str) -> None:
    """On the enrolment page: open "Add my review", rate the goal, say what changed."""
    page.get_by_text(re.compile("^Add my review")).click()
    page.get_by_label(re.compile(rf"^{level}\. ")).check()
    page.get_by_label("What changed since the last review").fill(what_changed)
    page.get_by_label("Next steps").fill(next_steps)
    page.get_by_role("button", name="Save my review").click()


def add_observation(page, text: str) -> None:
    """On the mentee's enrolment page, as their mentor: add an observation to the review."""
    page.get_by_text(re.compile("^Add my observation")).click()
    page.get_by_label("Your observation").fill(text)
    page.get_by_role("button", name="Save my observation").click()


# ------------------------------------------------ steps of the manager's admin, shared by journeys


def move_program(page, button: str, confirm: str, status: str, *, check=None) -> None:
    """On the cockpit: click the lifecycle ``button``, answer its confirmation with
    ``confirm`` (``check(page)`` runs on the confirmation first, e.g. axe) and see the
    program ``status`` (its display name) in the message and the state."""
    from playwright.sync_api import expect

    page.get_by_role("link", name=button, exact=True).click()
    expect(page.get_by_role("heading", level=2, name=f"{button}?")).to_be_visible()
    if check is not None:
        check(page)
    page.get_by_role("button", name=confirm).click()
    expect(page.locator(".messagelist")).to_contain_text(f"is now {status.lower()}")
    expect(page.locator(".cockpit__status")).to_contain_text(status)


def invite_and_enrol(page, live_server, slug: str, email: str, choice: str, *, check=None) -> None:
    """In the organization admin: invite ``email`` and enrol them by the ``choice`` of the
    "Enrol in a program" list (e.g. "Speaking up, as mentee"), from the invitation form
    (opened here unless the page is on it already)."""
    from playwright.sync_api import expect

    if "/admin/mentoring/invitation/add/" not in page.url:
        page.goto(org_url(live_server, slug, "/admin/mentoring/invitation/add/"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Enrol in a program").select_option(label=choice)
    if check is not None:
        check(page)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text(f"Invitation emailed to {email}")


def accept_invitation(
    page, live_server, slug: str, token: str, *, name: str, password: str = PASSWORD
) -> None:
    """In the invitee's own browser: open the invitation link and create the account."""
    page.goto(org_url(live_server, slug, f"/invitations/{token}/"))
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Choose a password").fill(password)
    page.get_by_label("Repeat the password").fill(password)
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url(org_url(live_server, slug, "/"))


def download_csv_template(page) -> str:
    """On the CSV import page: download the template; its text."""
    with page.expect_download() as download:
        page.get_by_role("link", name="Download a template").click()
    return Path(download.value.path()).read_text()


def pick(picker, search: str, label: str) -> None:
    """In a search picker of the review page: type ``search``, wait for the answer, then
    choose the radio button labelled ``label``."""
    from playwright.sync_api import expect

    picker.get_by_role("searchbox").fill(search)
    expect(picker.get_by_role("status")).to_contain_text("match")
    picker.get_by_label(label, exact=True).check()


def swap_pairs(page, first: str, second: str) -> None:
    """On a match run's review: find two pairs ("Mentor → Mentee") by their mentee's name
    in the swap pickers, choose them and swap their mentors."""
    swap = page.locator("#swap-pairs")
    for name, label in (("first", first), ("second", second)):
        pick(swap.locator(f"#picker-{name}"), label.split(" → ")[1], label)
    swap.get_by_role("button", name="Swap").click()
