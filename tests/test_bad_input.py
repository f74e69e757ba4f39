"""The bad-input sweep: the inputs that break web apps (NUL bytes, lone surrogates, 1 MB
strings, deeply nested JSON, huge page sizes, negative and huge ids, dates in year 1 and
9999, daylight-saving gaps, formula-leading CSV cells, markup) go into every form and
endpoint of an organization's host. None may answer 500; a refusal says why; stored markup
comes back escaped.

The forms are not listed by hand: a crawler signs in as each person of a busy organization
(tests/bad_input/scene.py), follows every link and collects every form, and a test checks
that every route of the URL conf was reached, so a new page joins the sweep by itself.
Each test collects every failure before it fails, one line each, e.g.
``POST /sessions/3/log/ as mentee, field shared_notes = NUL byte → 500 (DataError: …)``.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone

from tests.api.endpoints import ENDPOINTS, routes
from tests.bad_input import values
from tests.bad_input.poison import has_raw_markup, poison
from tests.bad_input.probe import (
    BOUNDARY,
    Crawl,
    baseline,
    crawl,
    route_of,
    send,
    with_value,
)
from tests.bad_input.scene import build_scene
from tests.builders.clients import client_for
from tests.builders.hr import new_key

HTMX = {"HTTP_HX_REQUEST": "true"}
# Marks of a message on a refused form: the project's field and form errors, Django's.
ERROR_MARKS = ('role="alert"', 'class="error', "errorlist", "form-errors", "message--error")
PARTICIPANT_STARTS = [
    "/",
    "/programs/",
    "/mentoring/requests/",
    "/checklist/",
    "/mentorships/",
    "/me/time-zones/?q=Lisbon",  # the profile's time-zone search: only its script asks it
]


def participant_path(path: str) -> bool:
    return not path.startswith(("/admin/", "/api/", "/accounts/", "/static/"))


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def scene(db):
    return build_scene()


@pytest.fixture
def clients(scene) -> dict[str, Client]:
    """A signed-in browser per person of the scene, and one signed out."""
    signed_in = {
        who: client_for(Client(), scene.organization, user) for who, user in scene.people.items()
    }
    return {**signed_in, "anonymous": client_for(Client(), scene.organization)}


@pytest.fixture
def crawled(scene, clients) -> Crawl:
    result = Crawl()
    for who in scene.people:
        starts = [*PARTICIPANT_STARTS, *scene.starts_of(who)]
        crawl(result, clients[who], who, starts, allow=participant_path)
    links = [
        f"/notifications/{scene.preferences_token}/",
        f"/notifications/{scene.preferences_token}/unsubscribe/",
        f"/invitations/{scene.invitation_token}/",
        f"/calendar/{scene.feed_token}.ics",
    ]
    crawl(result, clients["anonymous"], "anonymous", links, allow=participant_path)
    return result


def moments():
    """A valid date and time for empty fields: tomorrow at 10:00, a date next month."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    return {"tomorrow": f"{tomorrow:%Y-%m-%d}T10:00", "later": f"{tomorrow + timedelta(30)}"}


def message_problem(outcome, bad: values.Bad, htmx: bool) -> str | None:
    """Why the answer to a bad value is wrong, or None when it is fine."""
    if outcome.crashed:
        return outcome.why()
    text = outcome.text + outcome.followed
    if has_raw_markup(text):
        return f"{outcome.status}, and the markup comes back unescaped"
    if bad.refused and outcome.status in (301, 302, 303):
        return f"{outcome.status}: accepted"
    if 400 <= outcome.status < 500 and len(text.strip()) < 20:
        return f"{outcome.status} without a message"
    refused_quietly = not any(mark in outcome.text for mark in ERROR_MARKS)
    if bad.refused and outcome.status == 200 and not htmx and refused_quietly:
        return "200 without an error message"
    return None


def fail_with(failures: list[str], what: str) -> None:
    """Fail with every failure, one per line."""
    failures = sorted(set(failures))
    if failures:
        lines = "\n".join(failures)
        pytest.fail(f"{len(failures)} {what}:\n{lines}", pytrace=False)


# ---------------------------------------------------------------- coverage


def test_the_sweep_reaches_every_participant_route_and_no_page_crashes(crawled):
    fail_with(crawled.crashes, "pages crash on a plain visit")
    # SCIM (scim/v2/) is sent JSON by identity providers, never forms: its own sweep is
    # tests/directory/test_scim_bad_input.py.
    participant_routes = {
        route
        for route in routes()
        if not route.startswith(("admin/", "api/", "accounts/", "scim/"))
    }
    reached = crawled.routes() | crawled.form_routes()
    missing = participant_routes - reached
    fail_with(
        [f"{route}: no link or form of the scene leads there" for route in missing],
        "routes the sweep never reaches (link them from a page, or add a start page)",
    )


# ---------------------------------------------------------------- forms


# A form is swept once, as the first person found with it, except its dates and times:
# those are swept on each person's clock (the mentee's is east of UTC, the mentor's west).
CLOCK_KINDS = {"date", "datetime-local"}


def sweep_plan(crawled):
    """(who, form, field name, field kind) for every field to sweep."""
    first = {}
    for who, form in crawled.forms:
        key = (route_of(form.action), form.htmx)
        first.setdefault(key, who)
        fields = {f.name: f.kind for f in form.fields if f.name != "csrfmiddlewaretoken"}
        for name, kind in fields.items():
            if first[key] == who or kind in CLOCK_KINDS:
                yield who, form, name, kind


def test_no_form_answers_a_bad_value_with_a_500_and_a_refusal_says_why(crawled, clients):
    failures = []
    when = moments()
    for who, form, name, kind in sweep_plan(crawled):
        good = baseline(form, **when)
        for bad in values.BY_KIND.get(kind, []):
            outcome = send(
                clients[who],
                "POST",
                form.action,
                pairs=with_value(good, name, bad.value),
                content_type=bad.content_type,
                follow=bad.markup,
                **(HTMX if form.htmx else {}),
            )
            problem = message_problem(outcome, bad, form.htmx)
            if problem:
                via = " (htmx)" if form.htmx else ""
                failures.append(
                    f"POST {form.action}{via} as {who}, field {name} = {bad.label} → {problem}"
                )
    fail_with(failures, "bad form values are mishandled")


def test_every_form_posted_in_a_charset_that_is_not_text_gets_a_400_that_says_why(crawled, clients):
    failures = []
    first = {}
    for who, form in crawled.forms:
        first.setdefault(route_of(form.action), (who, form))
    for who, form in first.values():
        body = urllib.parse.urlencode(baseline(form, **moments()), doseq=True).encode()
        for charset in values.NOT_TEXT_CHARSETS:
            response = clients[who].generic(
                "POST",
                form.action,
                data=body,
                # as a header, so that it is sent with an empty body too
                CONTENT_TYPE=f"application/x-www-form-urlencoded; charset={charset}",
            )
            text = response.content.decode(errors="replace")
            if response.status_code != 400 or f"“{charset}”" not in text:
                failures.append(
                    f"POST {form.action} as {who}, charset={charset} → {response.status_code}"
                )
    assert len(first) > 20  # the crawl found the forms
    fail_with(failures, "forms answer a charset that is not text without the 400 that says why")


# ---------------------------------------------------------------- ids in the path

BAD_IDS = [0, 2**63 - 1, 2**63, 99999999999999999999]  # none, the largest bigint, past it
BAD_TOKENS = ["x" * 5000, "<script>alert(1)</script>", "..%2F..%2Fadmin", "%00", "%ED%A0%80"]


def with_kwarg(path: str, name: str, value) -> str:
    """``path`` with its URL argument ``name`` replaced (formatted as it is, unchecked)."""
    match = resolve(urllib.parse.urlsplit(path).path, urlconf="mentoring.urls")
    kwargs = dict(match.kwargs)
    marker = 9876543210123 if isinstance(kwargs[name], int) else "bad-input-marker"
    kwargs[name] = marker
    url = reverse(match.view_name, kwargs=kwargs, urlconf="mentoring.urls")
    return url.replace(str(marker), str(value))


def sweep_ids(crawled, clients) -> list[str]:
    """Each route's ids replaced by ids that do not exist or overflow a bigint, and its
    tokens by junk, in a GET of each page and a POST of each form: a plain 404."""
    failures, done, when = [], set(), moments()
    requests = [(v.who, "GET", v.path, None) for v in crawled.visits.values() if v.status < 400]
    requests += [(who, "POST", f.action, baseline(f, **when)) for who, f in crawled.forms]
    for who, method, path, pairs in requests:
        match = resolve(urllib.parse.urlsplit(path).path, urlconf="mentoring.urls")
        for name, value in match.kwargs.items():
            if (match.route, method, name) in done or name == "app_label":
                continue
            done.add((match.route, method, name))
            bad_values = BAD_IDS if isinstance(value, int) else [*BAD_IDS, *BAD_TOKENS]
            for bad in bad_values:
                target = with_kwarg(path, name, bad)
                outcome = send(clients[who], method, target, pairs=pairs)
                # a token that is no invitation's may be "gone" (410), as a used one is
                expected = (404,) if isinstance(value, int) else (400, 404, 410)
                if outcome.status not in expected or len(outcome.text.strip()) < 20:
                    failures.append(f"{method} {target[:120]} as {who} → {outcome.why()}")
        has_id = any(isinstance(value, int) for value in match.kwargs.values())
        if has_id and (match.route, method, "-1") not in done:
            done.add((match.route, method, "-1"))
            # the int converter takes no sign: a negative id is no route at all
            target = re.sub(r"/\d+/", "/-1/", path, count=1)
            outcome = send(clients[who], method, target, pairs=pairs)
            if outcome.status != 404:
                failures.append(f"{method} {target} as {who} → {outcome.why()}")
    return failures


def test_ids_that_do_not_exist_or_overflow_a_bigint_are_not_found(crawled, clients):
    fail_with(sweep_ids(crawled, clients), "paths with bad ids are not a plain 404")


def test_admin_objects_that_do_not_exist_or_overflow_a_bigint_are_not_found(admin_crawled):
    crawled, client = admin_crawled
    failures = sweep_ids(crawled, {"manager": client})
    fail_with(failures, "admin paths with bad ids are not a plain 404")


# ---------------------------------------------------------------- query strings

# Each set goes to every page at once, with every parameter the page's own links use
# (filters, sorting, paging) set to the set's value for them; when a page breaks, each
# parameter is tried alone to name the one at fault.
QUERY_SETS = [
    (
        "\u00b2",
        {
            "page": "-1",
            "page_size": "10000000",
            "cursor": "garbage",
            "ordering": "nonexistent",
            "program": "-1",
            "o": "x.y",
            "p": "-1",
        },
    ),
    (
        "99999999999999999999",
        {
            "page": "99999999999",
            "page_size": "-1",
            "updated_since": "0001-01-01",
            "status": "nonexistent",
            "q": values.MARKUP,
        },
    ),
    (values.MARKUP, {"updated_since": "9999-12-31T23:59:59", "page": "0", "format": "csv"}),
    ("-1", {"updated_since": "garbage", "format": "json", "q": "a" * 10_000}),
    ("0001-01-01", {"q": values.FORMULA, "edit": "\u00b2", "_facets": "x", "e": "1"}),
]


def query_problem(outcome) -> str | None:
    if outcome.crashed:
        return outcome.why()
    if has_raw_markup(outcome.text):
        return f"{outcome.status}, and the markup comes back unescaped"
    if 400 <= outcome.status < 500 and len(outcome.text.strip()) < 20:
        return f"{outcome.status} without a message"
    return None


def sweep_queries(client, visit, failures: list[str]) -> None:
    path = urllib.parse.urlsplit(visit.path).path
    for link_value, fixed in QUERY_SETS:
        params = {**dict.fromkeys(visit.params, link_value), **fixed}
        outcome = send(client, "GET", f"{path}?{urllib.parse.urlencode(params)}")
        if query_problem(outcome) is None:
            continue
        for key, value in params.items():  # name the parameter at fault
            target = f"{path}?{urllib.parse.urlencode({key: value})}"
            problem = query_problem(send(client, "GET", target))
            if problem:
                failures.append(f"GET {target[:120]} as {visit.who} → {problem}")
    outcome = send(client, "GET", f"{path}?q=%00&name=%ED%A0%80")
    if outcome.status != 400 or "null character" not in outcome.text:
        failures.append(f"GET {path}?q=%00 as {visit.who} → {outcome.why()}, not a 400 saying why")


def sweep_all_queries(crawled, clients) -> list[str]:
    failures, seen = [], set()
    for visit in crawled.visits.values():
        if visit.status < 400 and visit.route not in seen:
            seen.add(visit.route)
            sweep_queries(clients[visit.who], visit, failures)
    return failures


def test_bad_query_strings_never_break_a_page(crawled, clients):
    fail_with(sweep_all_queries(crawled, clients), "pages break on a bad query string")


# ---------------------------------------------------------------- times, bodies, cookies


def test_a_time_the_clocks_skip_or_beyond_the_calendar_is_refused_with_a_message(scene, clients):
    path = f"/mentorships/{scene.mentorship.pk}/sessions/new/"
    form = {"duration_minutes": "60", "kind": "check_in", "location": ""}

    def schedule(who, starts_at):
        outcome = send(clients[who], "POST", path, pairs={**form, "starts_at": starts_at}.items())
        assert outcome.status == 200, (who, starts_at, outcome.why())
        return outcome.text

    # The mentee's clock is Berlin's: on 29 March 2026 it jumps from 02:00 to 03:00.
    gap = schedule("mentee", "2026-03-29T02:30")
    assert "02:30 does not exist on 29 Mar 2026 in Europe/Berlin" in gap
    # Year 1 in Berlin and year 9999 in Los Angeles have no UTC moment at all.
    beyond = "is beyond the dates this site can store on your clock"
    assert f"0001-01-01 {beyond}" in schedule("mentee", "0001-01-01T00:00")
    assert f"9999-12-31 {beyond}" in schedule("mentor", "9999-12-31T23:59")
    # In Berlin, 9999 has one; but no pair plans that far ahead.
    assert "within the next two years" in schedule("mentee", "9999-12-31T23:59")


def test_deeply_nested_json_bodies_are_refused_without_a_crash(crawled, clients, scene):
    body = values.deep_json()
    failures = []
    for who, form in crawled.forms:
        outcome = send(
            clients[who],
            "POST",
            form.action,
            body=body,
            content_type="application/json",
            **(HTMX if form.htmx else {}),
        )
        if outcome.crashed or (outcome.status in (301, 302, 303) and form.htmx):
            failures.append(f"POST {form.action} (100,000 nested lists) as {who} → {outcome.why()}")
    key = new_key(scene.org)
    for endpoint in ENDPOINTS:
        for content_type in ("application/json", "application/x-www-form-urlencoded"):
            outcome = send(
                clients["anonymous"],
                "POST",
                endpoint.path(scene.mentorship.program_id),
                body=body,
                content_type=content_type,
                HTTP_AUTHORIZATION=f"Bearer {key}",
            )
            if outcome.status != 405 or json.loads(outcome.text)["error"]["status"] != 405:
                failures.append(f"POST {endpoint.route} ({content_type}) → {outcome.why()}")
    fail_with(failures, "endpoints mishandle a deeply nested JSON body")


@pytest.mark.parametrize("cookie", ["sessionid", "csrftoken"])
def test_a_cookie_carrying_a_nul_character_is_refused_with_a_message(scene, cookie):
    client = client_for(Client(), scene.organization, scene.mentee)
    client.cookies[cookie] = "abcdefgh\x00ijklmnopqrstuvwxyz012345"
    outcome = send(client, "GET", "/")
    assert outcome.status == 400
    assert "null character" in outcome.text
    assert "cookie" in outcome.text


# ---------------------------------------------------------------- the HR API

API_GENERAL = {
    "page_size": ["0", "-1", "10000000", "abc", "1e3"],
    "cursor": ["garbage", "%%%", "a" * 5000],
    "ordering": ["nonexistent", "-", "--updated_at", "id;drop table x"],
    "format": ["xml", "csv"],
}
API_BY_FILTER = {
    "number": ["-1", "0", str(2**63), "99999999999999999999", "1e308", "NaN", "abc", "\u00b2"],
    "date": ["0001-01-01", "9999-12-31", "2026-02-30", "10000-01-01", "garbage"],
    "datetime": [
        "0001-01-01T00:00:00+14:00",
        "0001-01-01",
        "9999-12-31T23:59:59",
        "9999-12-31T23:59:59-12:00",
        "2026-01-01T00:00:00+21:30",
        "garbage",
    ],
    "text": ["nonexistent", values.MARKUP, "a" * 10_000, values.FORMULA],
}


def filter_kind(filter_) -> str:
    from django_filters import filters as f

    if isinstance(filter_, f.IsoDateTimeFilter | f.DateTimeFilter):
        return "datetime"
    if isinstance(filter_, f.DateFilter):
        return "date"
    if isinstance(filter_, f.NumberFilter | f.ModelChoiceFilter):
        return "number"
    return "text"


def cursor(**tokens) -> str:
    """A cursor as the API writes them (base64 of a query string), with any position."""
    import base64

    return base64.b64encode(urllib.parse.urlencode(tokens).encode()).decode()


def api_requests(endpoint, program_id: int):
    """(query parameters, expected statuses) for one endpoint."""
    path = endpoint.path(program_id)
    view = resolve(path, urlconf="mentoring.urls").func.view_class
    for name, bad_values in API_GENERAL.items():
        for value in bad_values:
            yield path, {name: value}
    filterset = getattr(view, "filterset_class", None)
    for name, filter_ in filterset.base_filters.items() if filterset else []:
        for value in API_BY_FILTER[filter_kind(filter_)]:
            yield path, {name: value}
    for field in getattr(view, "ordering_fields", ()):
        # cursors with positions no page wrote: text, an overflowing number, a far date
        for position in ["garbage", "99999999999999999999", "9999-12-31", "a\x00b"]:
            yield path, {"ordering": field, "cursor": cursor(p=position)}
            yield path, {"ordering": f"-{field}", "cursor": cursor(p=position, r=1, o=10**30)}


def test_the_hr_api_answers_bad_parameters_with_a_json_error_never_a_500(scene):
    from tests.builders.hr import fill

    filled = fill(scene.org, 1)
    client = Client()
    failures = []
    for endpoint in ENDPOINTS:
        key = new_key(scene.org)  # a key per endpoint: the sweep stays under the rate limit
        auth = {"HTTP_AUTHORIZATION": f"Bearer {key}", "HTTP_ACCEPT": "application/json"}
        for path, params in api_requests(endpoint, filled.programs[0].pk):
            target = f"{path}?{urllib.parse.urlencode(params)}"
            outcome = send(client, "GET", target, **auth)
            problem = None
            if outcome.crashed:
                problem = outcome.why()
            elif outcome.status >= 400:
                try:
                    error = json.loads(outcome.text)["error"]
                except (ValueError, KeyError, TypeError):
                    problem = f"{outcome.status}, not the API's JSON error"
                else:
                    if not error.get("detail"):
                        problem = f"{outcome.status} without a detail"
            elif "page_size" in params and outcome.status == 200:
                rows = json.loads(outcome.text).get("results", [])
                problem = "more than 500 rows on a page" if len(rows) > 500 else None
            if problem:
                failures.append(f"GET {target[:150]} → {problem}")
        for bad in BAD_IDS if endpoint.detail_of else []:
            outcome = send(client, "GET", endpoint.path(bad), **auth)
            if outcome.status != 404 or '"status":404' not in outcome.text:
                failures.append(f"GET {endpoint.path(bad)} → {outcome.why()}, not a JSON 404")
        nul = send(client, "GET", f"{endpoint.path(1)}?program=%00", **auth)
        if nul.status != 400 or "null character" not in json.loads(nul.text)["error"]["detail"]:
            failures.append(f"GET {endpoint.route}?program=%00 → {nul.why()}, not a JSON 400")
    fail_with(failures, "HR API requests are mishandled")


# ---------------------------------------------------------------- the organization's admin


def admin_path(path: str) -> bool:
    return path.startswith("/admin/") and not path.startswith(("/admin/logout/",))


@pytest.fixture
def admin_crawled(scene) -> tuple[Crawl, Client]:
    """Every page of the organization's admin a program manager reaches, one per route."""
    client = client_for(Client(), scene.organization, scene.org.manager)
    result = crawl(Crawl(), client, "manager", ["/admin/"], allow=admin_path, per_route=1)
    return result, client


# Django's own forms, not the organization's data: the password form, delete confirmations.
ADMIN_SKIPPED_FORMS = ("/admin/password_change/", "/delete/")
ONE_AT_A_TIME = {"number", "date", "time", "datetime-local"}


def sweep_form(client, who: str, form, when: dict, failures: list[str]) -> None:
    """Every bad value into a form: dates and numbers one field at a time, text and choices
    into every such field at once (then one field at a time to name a field that breaks)."""
    good = baseline(form, **when)
    fields = {
        f.name: f.kind
        for f in form.fields
        # a list's editable rows repeat the first row's fields: the first row stands for all
        if f.name != "csrfmiddlewaretoken" and not re.match(r"form-[1-9]\d*-", f.name)
    }
    groups = {}
    for name, kind in fields.items():
        for bad in values.BY_KIND.get(kind, []):
            if kind in ONE_AT_A_TIME:
                groups[(name, bad.label)] = ([name], bad)
            else:
                group = groups.setdefault(("every field", kind, bad.label), ([], bad))
                group[0].append(name)

    def post(names, bad):
        pairs = good
        for name in names:
            pairs = with_value(pairs, name, bad.value)
        outcome = send(
            client,
            "POST",
            form.action,
            pairs=pairs,
            content_type=bad.content_type,
            follow=bad.markup,
            **(HTMX if form.htmx else {}),
        )
        return message_problem(outcome, bad, form.htmx)

    for names, bad in groups.values():
        problem = post(names, bad)
        if problem and len(names) > 1:
            culprits = [name for name in names if post([name], bad)]
            names = culprits or names
        if problem:
            failures.append(
                f"POST {form.action} as {who}, {', '.join(names)} = {bad.label} → {problem}"
            )


def test_no_admin_form_answers_a_bad_value_with_a_500(admin_crawled):
    crawled, client = admin_crawled
    fail_with(crawled.crashes, "admin pages crash on a plain visit")
    failures, when = [], moments()
    for who, form in crawled.forms:
        if not form.action.endswith(ADMIN_SKIPPED_FORMS) and form.enctype != "multipart/form-data":
            sweep_form(client, who, form, when, failures)
    fail_with(failures, "bad admin form values are mishandled")


def test_bad_query_strings_never_break_an_admin_page(admin_crawled):
    crawled, client = admin_crawled
    failures = sweep_all_queries(crawled, {"manager": client})
    fail_with(failures, "admin pages break on a bad query string")


# ---------------------------------------------------------------- CSV uploads

MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"
SURROGATE_BYTES = "\ud800".encode("utf-8", "surrogatepass")


def csv_cases(header: str, row: str, cell: str) -> dict[str, bytes]:
    """A one-row CSV broken in every known way; ``row`` has ``{}`` where its free-text
    cell goes, and ``cell`` is a valid value for it."""

    def file(text: str) -> bytes:
        return f"{header}\n{row.format(text)}\n".encode()

    return {
        "a NUL byte in a cell": file(cell + "\x00x"),
        "a NUL byte in the header": file(cell).replace(b"\n", b"\x00\n", 1),
        "a byte-order mark (accepted)": b"\xef\xbb\xbf" + file(cell),
        "a 1 MB line": file(cell + "a" * (1 << 20)),
        "a 1 MB quoted cell across lines": file('"' + "a\n" * (1 << 19) + '"'),
        "formula cells": file("=cmd|' /C calc'!A0") + b"@SUM(1+1),+1,-1\n",
        "markup cells": file(values.MARKUP.replace(",", " ")),
        "Latin-1 bytes": file(cell + " Jos\xe9").decode().encode("latin-1"),
        "a lone surrogate": file(cell + "#").replace(b"#", SURROGATE_BYTES),
        "an empty file": b"",
        "only a header": f"{header}\n".encode(),
        "no header": row.format(cell).encode() + b"\n",
        "binary": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 100,
        "10,000 columns": file(cell + ",x" * 10_000),
    }


def upload_problem(outcome) -> str | None:
    if outcome.crashed:
        return outcome.why()
    text = outcome.text + outcome.followed
    if has_raw_markup(text):
        return f"{outcome.status}, and the markup comes back unescaped"
    if outcome.status == 200 and not any(mark in outcome.text for mark in ERROR_MARKS):
        return "200 without a message"
    if outcome.status not in (200, 302, 400):
        return str(outcome.status)
    return None


def test_csv_imports_report_broken_files_by_line_and_never_crash(scene):
    from mentoring.tenancy import activate
    from programs.models import Program, ProgramStatus

    client = client_for(Client(), scene.organization, scene.org.manager)
    with activate(scene.organization):
        program = Program.objects.filter(status=ProgramStatus.ENROLLING).first()
        skill = program.focus_links.select_related("skill").first().skill.name
    imports = {
        "/admin/mentoring/invitation/import/": (
            [],
            csv_cases("email,name,role,job_title", "new@acme.example,{},member,Coach", "Ann"),
        ),
        "/admin/programs/enrollment/import/": (
            [("program", str(program.pk))],
            csv_cases("email,role,skills,capacity", "mentee1@acme.example,mentee,{},", skill),
        ),
    }
    failures = []
    for path, (fields, cases) in imports.items():
        for label, data in cases.items():
            pairs = [*fields, ("file", ("people.csv", data))]
            outcome = send(client, "POST", path, pairs=pairs, content_type=MULTIPART, follow=True)
            problem = upload_problem(outcome)
            if label.endswith("(accepted)") and outcome.status != 302:
                problem = problem or f"{outcome.status}: refused"
            if problem:
                failures.append(f"POST {path} with {label} → {problem}")
    fail_with(failures, "CSV uploads are mishandled")


# ---------------------------------------------------------------- stored markup and formulas


def csv_formula_cells(text: str) -> list[str]:
    """Cells a spreadsheet would run as a formula (numbers, even negative, are fine)."""
    import csv
    import io

    found = []
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            if cell.lstrip().startswith(("=", "+", "-", "@")):
                try:
                    float(cell)
                except ValueError:
                    found.append(cell[:40])
    return found


def test_markup_stored_everywhere_is_escaped_on_every_page_email_and_export(scene):
    from mentoring.notifications.dispatch import dispatch_organization
    from mentoring.notifications.models import OutboxMessage
    from mentoring.tenancy import activate
    from tests.builders.hr import fill

    fill(scene.org, 1)
    with activate(scene.organization):
        poisoned = poison(scene.organization)
    assert "programs.Program.name" in poisoned and "mentoring.Profile.display_name" in poisoned
    failures = []

    shown = []

    def inspect(who, outcome):
        if outcome.is_html and has_raw_markup(outcome.text):  # a calendar file is text
            failures.append(f"GET {outcome.path} as {who} shows the markup unescaped")
        if "&lt;script&gt;alert(" in outcome.text:
            shown.append(outcome.path)
        if 'href="javascript:' in outcome.text:
            failures.append(f"GET {outcome.path} as {who} links to javascript:")

    result = Crawl()
    for who, user in scene.people.items():
        client = client_for(Client(), scene.organization, user)
        crawl(result, client, who, PARTICIPANT_STARTS, allow=participant_path, inspect=inspect)
    manager = client_for(Client(), scene.organization, scene.org.manager)
    crawl(result, manager, "manager", ["/admin/"], allow=admin_path, per_route=1, inspect=inspect)
    hr = client_for(Client(), scene.organization, scene.org.hr)
    key, neutralized = new_key(scene.org), 0
    for endpoint in ENDPOINTS:
        path = endpoint.path(scene.mentorship.program_id)
        inspect("hr", send(hr, "GET", path))  # the browsable page
        csv = send(
            hr, "GET", f"{path}?format=csv", HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_ACCEPT="*/*"
        )
        neutralized += csv.text.count("'=1+1 <script>")
        for cell in csv_formula_cells(csv.text):
            failures.append(f"GET {path}?format=csv has a formula cell: {cell}")
    with activate(scene.organization):
        before = set(OutboxMessage.objects.values_list("pk", flat=True))
        start = scene.session.starts_at
        for moment in (start - timedelta(hours=20), start + timedelta(days=120)):
            dispatch_organization(scene.organization, moment)
        emails = OutboxMessage.objects.exclude(pk__in=before)
        assert emails.exists(), "the dispatcher must write emails about the poisoned rows"
        for message in emails:
            if has_raw_markup(message.body_html):
                failures.append(f"the {message.kind} email shows the markup unescaped")
    assert len(shown) > 20, "the pages must show the poisoned texts (escaped)"
    assert neutralized > 5, "the exports must carry the poisoned texts (neutralized)"
    fail_with(result.crashes, "pages crash on stored markup")
    fail_with(failures, "places show stored markup or formulas as they are")


# ---------------------------------------------------------------- dates at the calendar's edges

EDGES = {
    "year 1": {"date": "0001-01-01", "datetime-local": "0001-01-01T00:00"},
    "year 9999": {"date": "9999-12-31", "datetime-local": "9999-12-31T23:59"},
}


@pytest.mark.parametrize("edge", EDGES)
def test_dates_at_the_calendars_edges_once_accepted_break_no_page_email_or_export(
    scene, clients, crawled, admin_crawled, edge
):
    from mentoring.notifications.dispatch import dispatch_organization
    from mentoring.tenancy import activate
    from tests.builders.hr import fill

    fill(scene.org, 1)
    admin, manager = admin_crawled
    forms = [(clients[who], who, form) for who, form in crawled.forms]
    forms += [(manager, who, form) for who, form in admin.forms]
    accepted, when = [], moments()
    for client, _who, form in forms:
        dates = [f.name for f in form.fields if f.kind in EDGES[edge]]
        if not dates or form.action.endswith(ADMIN_SKIPPED_FORMS):
            continue
        pairs = baseline(form, **when)
        for f in form.fields:
            if f.kind in EDGES[edge]:
                pairs = with_value(pairs, f.name, EDGES[edge][f.kind])
        outcome = send(client, "POST", form.action, pairs=pairs, keep=True)
        if outcome.status in (301, 302, 303):
            accepted.append(f"{form.action} ({', '.join(dates)})")
    assert accepted, "some forms take these dates"
    failures = []
    for who, user in [*scene.people.items(), ("manager", scene.org.manager)]:
        client = client_for(Client(), scene.organization, user)
        starts = PARTICIPANT_STARTS if who != "manager" else ["/admin/"]
        allow = participant_path if who != "manager" else admin_path
        result = crawl(Crawl(), client, who, starts, allow=allow, per_route=2)
        failures += result.crashes
    key = new_key(scene.org)
    for endpoint in ENDPOINTS:
        for query in ("", "?format=csv"):
            path = endpoint.path(scene.mentorship.program_id) + query
            outcome = send(
                clients["anonymous"],
                "GET",
                path,
                HTTP_AUTHORIZATION=f"Bearer {key}",
                HTTP_ACCEPT="*/*",
            )
            if outcome.status != 200:
                failures.append(f"GET {path} → {outcome.why()}")
    with activate(scene.organization):
        now = timezone.now()
        for moment in (now, now + timedelta(days=1), now + timedelta(days=400)):
            try:
                dispatch_organization(scene.organization, moment)
            except Exception as error:
                failures.append(f"the dispatcher at {moment:%Y-%m-%d} → {error!r}")
    fail_with(failures, f"places break on dates in {edge} ({'; '.join(accepted)} took them)")


def unique_in_organization(model) -> list[str]:
    """The fields a model keeps unique within the organization, alone."""
    from django.db.models import UniqueConstraint

    return [
        field
        for constraint in model._meta.constraints
        if isinstance(constraint, UniqueConstraint) and constraint.condition is None
        for field in constraint.fields
        if set(constraint.fields) - {field} == {"organization"}
    ]


def test_an_admin_form_refuses_a_value_the_organization_already_uses_with_a_message(
    scene, admin_crawled
):
    """Unique constraints include the organization, which admin forms never show: Django's
    form validation skips them, so a duplicate must be caught before the database. In an
    add form, a value another row has; in a list's editable column, the next row's value."""
    from mentoring.tenancy import activate
    from mentoring.tenancy.admin import organization_admin_site

    models = {}
    for model in organization_admin_site._registry:
        prefix = f"{model._meta.app_label}_{model._meta.model_name}"
        models[f"{prefix}_add"] = models[f"{prefix}_changelist"] = model
    crawled, client = admin_crawled
    failures, checked, when = [], [], moments()
    for _who, form in crawled.forms:
        url_name = resolve(form.action, urlconf="mentoring.urls").url_name
        model = models.get(url_name)
        for field in unique_in_organization(model) if model else []:
            good = baseline(form, **when)
            if url_name.endswith("_add") and field in form.names:
                with activate(scene.organization):
                    taken = model.objects.values_list(field, flat=True).first()
                pairs = with_value(good, field, str(taken))
            elif f"form-1-{field}" in form.names:  # the list's editable column
                taken = dict(good)[f"form-1-{field}"]
                pairs = with_value(good, f"form-0-{field}", taken)
            else:
                continue
            checked.append(f"{url_name} {field}")
            outcome = send(client, "POST", form.action, pairs=pairs)
            if outcome.status != 200 or not any(m in outcome.text for m in ERROR_MARKS):
                failures.append(
                    f"POST {form.action} with {field} = {taken!r} (taken) → {outcome.why()}"
                )
    assert len(checked) >= 4, checked
    fail_with(failures, "admin forms break on a duplicate")


# ---------------------------------------------------------------- sign-in and account pages


def account_path(path: str) -> bool:
    return path.startswith("/accounts/") and "logout" not in path


def test_no_sign_in_or_account_form_answers_a_bad_value_with_a_500(scene, clients):
    """allauth's pages (sign-in, password reset, email and password changes, two-factor
    set-up), signed out and signed in: every bad value into every field."""
    result = Crawl()
    crawl(result, clients["anonymous"], "anonymous", ["/accounts/login/"], allow=account_path)
    signed_in = ["/accounts/email/", "/accounts/password/change/", "/accounts/2fa/"]
    crawl(result, clients["mentee"], "mentee", signed_in, allow=account_path)
    failures, when = list(result.crashes), moments()
    for who, form in result.forms:
        sweep_form(clients[who], who, form, when, failures)
    assert len(result.forms) >= 4, [form.action for _who, form in result.forms]
    fail_with(failures, "bad values break sign-in and account forms")
