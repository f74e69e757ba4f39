"""What the browser tests do in a Playwright page: reach an organization's host, sign in,
check accessibility and sideways scrolling, keep a screenshot, tell an htmx swap from a
full page load. ``CHROMIUM`` is Debian's Chromium, or None when it is not installed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .world import PASSWORD

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def org_url(live_server, slug: str, path: str = "/") -> str:
    port = live_server.url.rsplit(":", 1)[1]
    return f"http://{slug}.localhost:{port}{path}"


def sign_in(page, live_server, slug: str, email: str, password: str = PASSWORD) -> None:
    page.goto(org_url(live_server, slug, "/accounts/login/"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(org_url(live_server, slug, "/"))


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


def screenshot(page, name: str) -> None:
    """Keep a picture of the page; SAVE_SCREENSHOTS=1 refreshes docs/screenshots/."""
    target = (
        SCREENSHOTS if os.environ.get("SAVE_SCREENSHOTS") else Path("/tmp/mentoring-screenshots")
    )
    target.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target / f"{name}.png"), full_page=True)


def mark_window(page) -> None:
    """Set a marker on ``window``: it survives htmx swaps, and a full page load clears it."""
    page.evaluate("window.__notReloaded = true")


def window_was_not_reloaded(page) -> bool:
    return page.evaluate("window.__notReloaded === true")


def assert_no_horizontal_scroll(page, width: int = 375) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} scrolls sideways: {scroll_width}px > {width}px"
