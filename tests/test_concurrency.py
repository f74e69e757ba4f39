"""The concurrency sweep: every state-changing participant route (members, mentors,
mentees, and the managers' pages outside the admin) gets the same request several times
at once, and each edit with a removal counterpart is fired against it. None may answer
5xx, a refusal says why, and no result is stored twice.

The forms come from the bad-input crawler (tests/bad_input/probe.py) over the same busy
organization (tests/bad_input/scene.py); tests/concurrency/routes.py says which routes
change something and which removal undoes them, and a route of the URL conf it does not
place fails the sweep, so a new route joins by itself. Every request runs in a thread of
its own, with its own test client and database connection, on real PostgreSQL.
"""

from __future__ import annotations

import urllib.parse

import pytest
from django.test import Client
from django.urls import resolve, reverse

from mentoring.tenancy import activate
from tests.bad_input.probe import Crawl, baseline, crawl, route_of
from tests.bad_input.scene import build_scene
from tests.builders.clients import client_for
from tests.concurrency.burst import Request, fire
from tests.concurrency.fresh import FRESH, other
from tests.concurrency.routes import READ_ONLY, REMOVALS, STATE_CHANGING, route_names
from tests.concurrency.rows import duplicates, marks
from tests.test_bad_input import PARTICIPANT_STARTS, fail_with, moments, participant_path

THREADS = 3  # the same request, at once
MANAGER_PAGES = ["/admin/organization-settings/"]


def test_every_participant_route_is_placed_in_the_sweep():
    names = route_names()
    unplaced = [
        f"{route} ({name or 'no name'})"
        for route, name in names.items()
        if name not in READ_ONLY and name not in STATE_CHANGING
    ]
    fail_with(
        unplaced,
        "routes the concurrency sweep does not know (add them to tests/concurrency/routes.py)",
    )
    missing = [name for name in FRESH if STATE_CHANGING.get(name) is None]
    missing += [name for name, removal in STATE_CHANGING.items() if removal and name not in FRESH]
    fail_with(
        missing, "edits with a removal counterpart and no fresh object (concurrency/fresh.py)"
    )


# ---------------------------------------------------------------- the world


def name_of(path: str) -> str:
    match = resolve(urllib.parse.urlsplit(path).path, urlconf="mentoring.urls")
    return f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name


def crawl_forms(scene) -> tuple[list[tuple[str, object]], list[str]]:
    """(who, form) for every form a person of the scene finds, once per route, and the
    pages that crashed on the way."""
    result = Crawl()
    people = {**scene.people, "manager": scene.org.manager}
    for who, user in people.items():
        client = client_for(Client(), scene.organization, user)
        starts = MANAGER_PAGES if who == "manager" else PARTICIPANT_STARTS + scene.starts_of(who)
        crawl(
            result,
            client,
            who,
            starts,
            allow=lambda path: participant_path(path) or (path in MANAGER_PAGES),
        )
    anonymous = client_for(Client(), scene.organization)
    links = [
        f"/notifications/{scene.preferences_token}/",
        f"/notifications/{scene.preferences_token}/unsubscribe/",
        f"/invitations/{scene.invitation_token}/",
    ]
    crawl(result, anonymous, "anonymous", links, allow=participant_path)
    by_route: dict[str, tuple[str, object]] = {}
    for who, form in result.forms:
        by_route.setdefault(route_of(form.action), (who, form))
    return list(by_route.values()), result.crashes


def browsers(scene) -> dict[str, list[Client]]:
    """Signed-in browsers, one per thread, for each person who acts in the sweep."""
    # The HR analyst only reads: signing in their browsers too would pass allauth's sign-in
    # rate limit for one address.
    people = {
        **{who: user for who, user in scene.people.items() if who != "hr"},
        "manager": scene.org.manager,
        "other mentor": other(scene, "mentor"),
    }
    signed_in = {
        who: [client_for(Client(), scene.organization, user) for _ in range(2 * THREADS)]
        for who, user in people.items()
    }
    anonymous = [client_for(Client(), scene.organization) for _ in range(2 * THREADS)]
    return {**signed_in, "anonymous": anonymous}


# ---------------------------------------------------------------- judging a burst


def problems(requests: list[Request], outcomes, organization, before) -> list[str]:
    found = []
    for request, outcome in zip(requests, outcomes, strict=True):
        if outcome.status >= 500:
            found.append(f"{request} → {outcome.why()}")
        elif 400 <= outcome.status < 500 and len(outcome.text.strip()) < 20:
            found.append(f"{request} → {outcome.status} without a message")
    what = " + ".join(sorted({str(request) for request in requests}))
    found += [f"{what} → {dup}" for dup in duplicates(organization, before)]
    return found


def burst(scene, clients, requests: list[Request]) -> list[str]:
    before = marks(scene.organization)
    outcomes = fire(clients, requests)
    return problems(requests, outcomes, scene.organization, before)


def filled(form, when) -> tuple:
    """The form as a person sends it, each empty text field with a text of its own (the
    log's experiment slots would otherwise ask for the same experiment twice)."""
    typed = {f.name for f in form.fields if f.kind in ("text", "textarea") and not f.value}
    return tuple(
        (name, f"{value} ({name})" if name in typed else value)
        for name, value in baseline(form, **when)
    )


def retarget(form, pairs, who: str, name: str, kwargs: dict, htmx: bool) -> Request:
    match = resolve(urllib.parse.urlsplit(form.action).path, urlconf="mentoring.urls")
    path = reverse(name, kwargs={**match.kwargs, **kwargs}, urlconf="mentoring.urls")
    return Request(who, path, tuple(pairs), htmx)


# ---------------------------------------------------------------- the sweep


@pytest.mark.django_db(transaction=True)
def test_no_state_changing_route_breaks_or_stores_twice_under_concurrent_requests():
    scene = build_scene()
    forms, failures = crawl_forms(scene)
    clients, when = browsers(scene), moments()
    found = {name_of(form.action): (who, form) for who, form in forms}
    failures += [
        f"{name}: no form of the scene posts there (link one from a page of the scene)"
        for name in STATE_CHANGING
        if name not in found
    ]
    failures += [
        f"{name}: a form posts there, but tests/concurrency/routes.py calls it read-only"
        for name in found
        if name in READ_ONLY
    ]
    # Each edit against the removal of the same fresh object, before the bursts change
    # the scene: two of each at once.
    for edit, factory in FRESH.items():
        removal = STATE_CHANGING[edit]
        if edit not in found or removal not in found:
            continue
        with activate(scene.organization):
            kwargs, who = factory(scene)
        pair = []
        for name in (edit, removal):
            _who, form = found[name]
            pair += [retarget(form, filled(form, when), who, name, kwargs, form.htmx)] * 2
        failures += burst(scene, clients, pair)
    # The same request several times at once, for every route; removals last.
    for _name, (who, form) in sorted(found.items(), key=lambda item: item[0] in REMOVALS):
        request = Request(who, form.action, filled(form, when), form.htmx)
        failures += burst(scene, clients, [request] * THREADS)
    fail_with(failures, "concurrent requests are mishandled")
