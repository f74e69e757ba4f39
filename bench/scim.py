"""Directory sync at a large company's size, through the SCIM endpoint.

``python -m bench.scim [--users N] [--changes N]`` creates an organization in a scratch
database of its own and an API key for directory sync, then, as an identity provider would
(requests through Django's test client, in process, on the organization's host):

1. a full sync: POSTs ``--users`` people (default 10,000) with a manager tree, departments
   and titles, then 10 groups of their members;
2. a delta: ``--changes`` (default 100) PATCH requests in Entra ID's style (new title, new
   department, new manager, deactivations) plus a lookup by ``userName`` for each;

and prints one JSON line with the wall time, the requests per second and the queries per
request of each phase. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

NAME = "mentoring_bench_scim"
SLUG = "scimbench"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
DEPARTMENTS = ("Engineering", "Sales", "Finance", "People", "Support", "Marketing")
TEAM = 8  # each manager has up to ``TEAM`` reports: a tree of managers 5 levels deep


def log(message: str) -> None:
    print(f"[bench.scim] {message}", file=sys.stderr, flush=True)


def user_body(index: int, manager_id: str | None) -> dict:
    body = {
        "schemas": [USER, ENTERPRISE],
        "userName": f"person{index}@scimbench.example",
        "externalId": f"ext-{index}",
        "active": True,
        "displayName": f"Person {index}",
        "name": {"givenName": "Person", "familyName": str(index)},
        "emails": [{"value": f"person{index}@scimbench.example", "type": "work", "primary": True}],
        "title": "Analyst" if index % 3 else "Lead",
        ENTERPRISE: {
            "employeeNumber": str(100000 + index),
            "department": DEPARTMENTS[index % len(DEPARTMENTS)],
        },
    }
    if manager_id:
        body[ENTERPRISE]["manager"] = {"value": manager_id}
    return body


class Phase:
    """Requests and queries of one phase."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.requests = 0
        self.queries = 0
        self.seconds = 0.0

    def call(self, send, *args, expect: int, **kwargs):
        from django.db import connection, reset_queries
        from django.test.utils import CaptureQueriesContext

        reset_queries()  # the log keeps 9,000 queries: counted from empty every time
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = send(*args, **kwargs)
        self.seconds += time.perf_counter() - start
        self.requests += 1
        self.queries += len(queries)
        assert response.status_code == expect, (response.status_code, response.content[:500])
        return response

    def figures(self) -> dict:
        return {
            "requests": self.requests,
            "seconds": round(self.seconds, 2),
            "requests_per_second": round(self.requests / self.seconds, 1),
            "queries_per_request": round(self.queries / self.requests, 1),
        }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--changes", type=int, default=100)
    options = parser.parse_args(argv)

    from .database import fresh_database

    fresh_database(NAME)
    from django.test import Client

    from mentoring.accounts.organizations import organization_create
    from mentoring.api.keys import api_key_create
    from mentoring.api.models import KeyPurpose
    from mentoring.tenancy import activate

    organization, _link = organization_create(
        slug=SLUG, name="SCIM bench", admin_email="admin@scimbench.example", send_invitation=False
    )
    with activate(organization):
        _key, secret = api_key_create(
            organization=organization, name="Entra ID", purpose=KeyPurpose.DIRECTORY_SYNC
        )
    client = Client(
        HTTP_HOST=f"{SLUG}.localhost",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        content_type="application/scim+json",
    )

    def post(path: str, body: dict):
        return client.post(path, json.dumps(body), content_type="application/scim+json")

    def patch(path: str, body: dict):
        return client.patch(path, json.dumps(body), content_type="application/scim+json")

    full = Phase("full sync")
    ids: list[str] = []
    for index in range(options.users):
        manager = ids[(index - 1) // TEAM] if index else None
        response = full.call(post, "/scim/v2/Users", user_body(index, manager), expect=201)
        ids.append(response.json()["id"])
        if index and index % 1000 == 0:
            log(f"{index} users, {full.requests / full.seconds:.0f} requests/s")
    groups = []
    for number in range(10):
        members = [{"value": scim_id} for scim_id in ids[number::10]]
        body = {"schemas": [GROUP], "displayName": f"Cohort {number}", "members": members}
        groups.append(full.call(post, "/scim/v2/Groups", body, expect=201).json()["id"])
    log(f"full sync: {full.figures()}")

    delta = Phase("delta")
    step = max(1, options.users // options.changes)
    for change in range(options.changes):
        index = (change * step) % options.users
        scim_id = ids[index]
        kind = change % 4
        if kind == 0:
            operations = [{"op": "Replace", "path": "title", "value": "Principal"}]
        elif kind == 1:
            operations = [
                {"op": "Replace", "path": f"{ENTERPRISE}:department", "value": "Research"}
            ]
        elif kind == 2:
            operations = [
                {"op": "Replace", "path": f"{ENTERPRISE}:manager", "value": ids[index // 2]}
            ]
        else:
            operations = [{"op": "Replace", "path": "active", "value": "False"}]
        body = {"schemas": [PATCH], "Operations": operations}
        delta.call(
            client.get,
            "/scim/v2/Users",
            {"filter": f'userName eq "person{index}@scimbench.example"'},
            expect=200,
        )
        delta.call(patch, f"/scim/v2/Users/{scim_id}", body, expect=200)
    removed = [{"op": "remove", "path": f'members[value eq "{ids[1]}"]'}]
    delta.call(
        patch,
        f"/scim/v2/Groups/{groups[1]}",
        {"schemas": [PATCH], "Operations": removed},
        expect=200,
    )
    log(f"delta: {delta.figures()}")

    figures = {
        "benchmark": "scim",
        "users": options.users,
        "groups": len(groups),
        "changes": options.changes,
        "full_sync": full.figures(),
        "delta": delta.figures(),
    }
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    main()
