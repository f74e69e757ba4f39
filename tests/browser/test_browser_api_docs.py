"""The documentation page renders the schema in a real browser, under the strict
Content-Security-Policy, from this server's own files only."""

import os
from urllib.parse import urlsplit

import pytest

from tests.api.endpoints import ENDPOINTS
from tests.builders.browser import CHROMIUM, org_url
from tests.builders.world import build_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        CHROMIUM is None and not os.environ.get("REQUIRE_BROWSER"),
        reason="Debian's chromium is not installed",
    ),
]


def test_the_docs_page_renders_every_operation_without_a_cdn_or_a_csp_violation(
    page,
    live_server,
):
    build_world()
    hosts, problems = set(), []
    page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname))
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    page.goto(org_url(live_server, "acme", "/api/docs/"))
    page.wait_for_selector(".opblock-summary-path", timeout=20_000)
    paths = {
        element.get_attribute("data-path") or element.inner_text()
        for element in page.query_selector_all(".opblock-summary-path")
    }
    expected = {"/" + e.route.replace("<int:pk>", "{id}") for e in ENDPOINTS}
    assert expected <= {path.replace("\u200b", "") for path in paths}
    assert hosts == {"acme.localhost"}
    assert problems == []
