"""The issue's "Done when": the scim2-tester compliance checker, run over real HTTP
against the organization's SCIM endpoint, passes every check it runs."""

from __future__ import annotations

import httpx2
import pytest
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

from tests.builders.scim import directory_key


class LoopbackTransport(httpx2.BaseTransport):
    """Sends every request to the live server's loopback address, keeping the URL's host
    (``acme.localhost``) in the Host header, as a browser resolving *.localhost would."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.transport = httpx2.HTTPTransport()

    def handle_request(self, request):
        request.url = request.url.copy_with(host="127.0.0.1", port=self.port)
        return self.transport.handle_request(request)

    def close(self) -> None:
        self.transport.close()


@pytest.mark.django_db(transaction=True)
def test_the_scim_compliance_checker_passes_every_check_it_runs(world, live_server):
    organization = world.acme.organization
    port = int(live_server.url.rsplit(":", 1)[1])
    with httpx2.Client(
        base_url=f"http://{organization.slug}.localhost:{port}/scim/v2",
        headers={"Authorization": f"Bearer {directory_key(organization)}"},
        transport=LoopbackTransport(port),
    ) as http:
        results = check_server(SyncSCIMClient(http))

    ran = [result for result in results if result.status != Status.SKIPPED]
    failed = [result for result in ran if result.status != Status.SUCCESS]
    skipped = [result for result in results if result.status == Status.SKIPPED]
    assert ran, "the checker ran nothing"
    # The one feature we leave out on purpose: searching Users and Groups in one request.
    assert all("POST /.search" in (result.reason or "") for result in skipped), skipped
    assert not failed, "\n".join(
        f"{result.resource_type or '-'} | {result.title}: {result.reason} {result.data!r:.400}"
        for result in failed
    )
