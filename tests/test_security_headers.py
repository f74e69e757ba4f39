import pytest

from tests.builders.clients import client_for
from tests.builders.pages import INLINE_SCRIPT


@pytest.mark.parametrize("host", ["acme.localhost", "localhost"])
def test_every_page_sends_a_strict_content_security_policy(client, world, host):
    response = client.get("/accounts/login/", HTTP_HOST=host)
    policy = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy
        and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "path", ["/", "/me/profile/", "/programs/", "/checklist/", "/mentorships/", "/admin/"]
)
def test_main_pages_have_no_inline_script(client, world, path):
    client_for(client, world.acme.organization, world.acme.manager)
    response = client.get(path)
    assert response.status_code == 200, path
    assert not INLINE_SCRIPT.findall(response.content.decode()), path
