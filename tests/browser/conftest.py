"""Browser tests: Playwright drives Debian's Chromium against a live server.

Organizations are reached at http://<slug>.localhost:<port>/ (Chromium resolves
*.localhost to the loopback). Without Chromium the tests are skipped with a reason,
unless REQUIRE_BROWSER is set (CI), where a missing browser is a failure. What the tests
do in a page (sign in, check accessibility, ...) is in tests/builders/browser.py.
"""

import os

import pytest

from tests.builders.browser import CHROMIUM

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are plain synchronous code, so Django may allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if CHROMIUM is None and not os.environ.get("REQUIRE_BROWSER"):
                item.add_marker(pytest.mark.skip(reason="Debian's chromium is not installed"))


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:
        pytest.fail("REQUIRE_BROWSER is set but no chromium binary is on PATH")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


def _desktop_page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def page(browser):
    yield from _desktop_page(browser)


@pytest.fixture
def other_page(browser):
    """A second person's browser (its own cookies), beside ``page``."""
    yield from _desktop_page(browser)


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True)
    page = context.new_page()
    yield page
    context.close()
