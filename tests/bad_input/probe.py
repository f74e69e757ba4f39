"""Requests that cannot leave a trace, the forms and links of a page, and a crawler.

Every request runs inside a savepoint that is rolled back, so a form accepted with a bad
value changes nothing for the next one, and a database error in one request does not
poison the test's transaction. A crash is a 500 (``raise_request_exception`` is off), and
the exception is kept to name it in the failure message.
"""

from __future__ import annotations

import sys
import urllib.parse
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from html.parser import HTMLParser

from django.core.signals import got_request_exception
from django.db import DatabaseError, transaction
from django.urls import Resolver404, resolve

HOST = "acme.localhost"
URLCONF = "mentoring.urls"
SAFE_METHODS = {"GET", "HEAD"}


# ---------------------------------------------------------------- requests


@dataclass
class Outcome:
    method: str
    path: str
    status: int
    text: str
    exception: str = ""
    location: str = ""
    followed: str = ""  # the page a redirect led to (when asked to follow)
    content_type: str = ""

    @property
    def is_html(self) -> bool:
        return self.content_type.startswith("text/html")

    @property
    def crashed(self) -> bool:
        return self.status >= 500

    def why(self) -> str:
        return f"{self.status} ({self.exception})" if self.exception else str(self.status)


class Exceptions:
    """Keeps the exception behind each 500 (the client turns it into a response)."""

    def __init__(self):
        self.last = ""
        got_request_exception.connect(self._keep, dispatch_uid="bad-input-sweep")

    def _keep(self, sender, request=None, **kwargs):
        error = sys.exc_info()[1]
        self.last = f"{type(error).__name__}: {str(error)[:160]}" if error else "?"

    def take(self) -> str:
        last, self.last = self.last, ""
        return last


_exceptions = Exceptions()


BOUNDARY = "BadInputBoundary7f3a"


def encode_form(pairs, content_type: str) -> bytes:
    """The body of a form: urlencoded, or multipart when ``content_type`` says so. A bytes
    value goes as it is, text as UTF-8, a (filename, bytes) pair as an uploaded file."""
    if not content_type.startswith("multipart/"):
        return urllib.parse.urlencode(list(pairs)).encode("ascii")
    parts = []
    for name, value in pairs:
        disposition = f'form-data; name="{name}"'
        if isinstance(value, tuple):  # a file: (its name, its bytes)
            filename, value = value
            disposition += f'; filename="{filename}"\r\nContent-Type: text/csv'
        data = value if isinstance(value, bytes) else value.encode()
        head = f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n"
        parts.append(head.encode() + data + b"\r\n")
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def send(
    client,
    method: str,
    path: str,
    *,
    pairs=None,
    body: bytes | None = None,
    content_type: str = "application/x-www-form-urlencoded",
    follow: bool = False,
    keep: bool = False,
    host: str = HOST,
    **headers,
) -> Outcome:
    """One request, rolled back unless ``keep``. ``pairs``: form fields; ``body``: bytes."""
    _exceptions.take()
    client.raise_request_exception = False
    headers.setdefault("HTTP_HOST", host)
    headers.setdefault("HTTP_ACCEPT", "text/html")
    if pairs is not None:
        body = encode_form(pairs, content_type)
    try:
        with transaction.atomic():
            if method in SAFE_METHODS:
                response = client.generic(method, path, **headers)
            else:
                response = client.generic(
                    method, path, body or b"", content_type=content_type, **headers
                )
            outcome = Outcome(
                method,
                path,
                response.status_code,
                _text(response),
                _exceptions.take(),
                response.get("Location", ""),
                content_type=response.get("Content-Type", ""),
            )
            if follow and outcome.location and outcome.status in (301, 302, 303):
                followed = client.get(outcome.location, **headers)
                outcome.followed = _text(followed)
                if followed.status_code >= 500:
                    outcome.status = followed.status_code
                    outcome.exception = f"after the redirect: {_exceptions.take()}"
            transaction.set_rollback(not keep or outcome.crashed)
    except DatabaseError as error:  # the savepoint could not be released: the view broke it
        outcome = Outcome(method, path, 500, "", f"{type(error).__name__}: {error}"[:200])
    return outcome


def _text(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", "replace")


# ---------------------------------------------------------------- forms and links


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, hidden, select, radio, checkbox, number, date, submit, file…
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False  # radio/checkbox: ticked; select: the selected options in ``value``
    selected: list[str] = field(default_factory=list)
    multiple: bool = False
    attrs: dict = field(default_factory=dict)  # maxlength, min… as the page wrote them


@dataclass
class Form:
    page: str
    action: str
    method: str
    fields: list[Field] = field(default_factory=list)
    enctype: str = ""
    htmx: bool = False

    @property
    def names(self) -> list[str]:
        return sorted({f.name for f in self.fields if f.kind != "submit"})


class PageParser(HTMLParser):
    """<a href>, hx-get, and every <form> with its fields; hx-post inside a form makes a
    second form with the same fields, posted to its URL with HX-Request."""

    TEXT_INPUTS = {"text", "search", "tel", "password"}

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._htmx_actions: list[str] = []
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {name: (value or "") for name, value in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if "hx-get" in a:
            self.links.append(a["hx-get"])
        if tag == "form":
            self._form = Form(
                self.page,
                a.get("action", ""),
                (a.get("method") or "GET").upper(),
                enctype=a.get("enctype", ""),
            )
            self._htmx_actions = []
        if "hx-post" in a:
            if self._form is not None:  # the form itself, or one of its fields or buttons
                self._htmx_actions.append(a["hx-post"])
            else:  # a button posting alone
                self.forms.append(Form(self.page, a["hx-post"], "POST", htmx=True))
        if tag == "form":
            return
        form = self._form
        if form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            kind = "text" if kind in self.TEXT_INPUTS else kind
            classes = a.get("class", "").split()
            if "vDateField" in classes:  # the admin's date and time inputs are text inputs
                kind = "date"
            elif "vTimeField" in classes:
                kind = "time"
            elif "vURLField" in classes:
                kind = "url"
            form.fields.append(
                Field(name, kind, a.get("value", ""), checked="checked" in a, attrs=a)
            )
        elif tag == "button" and name:
            form.fields.append(Field(name, "submit", a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = Field(name, "textarea", attrs=a)
            form.fields.append(self._textarea)
        elif tag == "select" and name:
            self._select = Field(name, "select", multiple="multiple" in a)
            form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select.options.append(value)
            if "selected" in a:
                self._select.selected.append(value)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            for action in self._htmx_actions:
                self.forms.append(replace(self._form, action=action, method="POST", htmx=True))
            self._form = None


def parse(page: str, html: str) -> PageParser:
    parser = PageParser(page)
    parser.feed(html)
    return parser


def local_path(url: str, page: str) -> str | None:
    """``url`` (as written on ``page``) as a path on this host, or None if it leaves it."""
    parts = urllib.parse.urlsplit(urllib.parse.urljoin(f"http://{HOST}{page}", url))
    if parts.scheme not in ("http", "https") or parts.netloc != HOST:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def route_of(path: str) -> str | None:
    """The URL conf's pattern that serves ``path`` (its route, as written)."""
    try:
        return resolve(urllib.parse.urlsplit(path).path, urlconf=URLCONF).route
    except Resolver404:
        return None


# ---------------------------------------------------------------- a valid baseline


GOOD_TEXT = "In Monday's planning meeting I answered before Sam finished the question"
# Several lines: some texts are lists, one item per line (a skill's behaviours).
GOOD_LINES = f"{GOOD_TEXT}.\nNext time I wait two seconds.\nThen I summarize what I heard."


GOOD_VALUES = {"url": "https://example.org/guide", "email": "someone@example.org", "time": "10:00"}


def baseline(form: Form, *, tomorrow: str, later: str) -> list[tuple[str, str]]:
    """The form as a person would send it: what the page filled in, and a sensible value
    in each empty field, so that a bad value is the only problem with the request."""
    pairs, submitted = [], False
    ends = str(date.fromisoformat(later) + timedelta(days=90))
    for f in form.fields:
        limit = int(f.attrs.get("maxlength") or 10_000)
        if f.kind in GOOD_VALUES:
            pairs.append((f.name, f.value or GOOD_VALUES[f.kind]))
        elif f.kind in ("text", "textarea"):
            # a browser drops the newline that starts a textarea's content
            value = f.value.removeprefix("\n") if f.kind == "textarea" else f.value
            good = GOOD_LINES if f.kind == "textarea" else GOOD_TEXT
            pairs.append((f.name, value if value.strip() else good[:limit]))
        elif f.kind == "number":
            pairs.append((f.name, f.value or f.attrs.get("min") or "1"))
        elif f.kind == "date":
            # an end after its start
            pairs.append((f.name, f.value or (ends if "end" in f.name else later)))
        elif f.kind == "datetime-local":
            pairs.append((f.name, f.value or tomorrow))
        elif f.kind == "select":
            chosen = [value for value in f.selected if value]
            chosen = chosen or [next((o for o in f.options if o), "")]
            pairs.extend((f.name, value) for value in (chosen if f.multiple else chosen[:1]))
        elif f.kind in ("radio", "checkbox"):
            # what is ticked, or else the first choice of a group (a lone checkbox, such as
            # "done", stays as the page has it)
            group = [other for other in form.fields if other.name == f.name]
            first_of_unticked = f is group[0] and not any(other.checked for other in group)
            if f.checked or (first_of_unticked and (f.kind == "radio" or len(group) > 1)):
                pairs.append((f.name, f.value or "on"))
        elif f.kind == "submit":
            # the first button, or the admin's "Save" (a list's editable rows) over "Go"
            saves = any(other.name == "_save" for other in form.fields)
            if not submitted and (f.name == "_save" or not saves):
                pairs.append((f.name, f.value))
                submitted = True
        elif f.kind in ("file", "image", "reset", "button"):
            continue
        else:  # hidden and the rest
            pairs.append((f.name, f.value))
    return pairs


def with_value(pairs, name: str, value) -> list:
    """``pairs`` with ``name`` set to ``value`` (once, replacing any earlier values)."""
    out, placed = [], False
    for key, current in pairs:
        if key == name:
            if not placed:
                out.append((key, value))
                placed = True
        else:
            out.append((key, current))
    if not placed:
        out.append((name, value))
    return out


# ---------------------------------------------------------------- the crawler


@dataclass
class Visit:
    path: str
    route: str | None
    status: int
    who: str
    params: set[str] = field(default_factory=set)  # query parameters its links use


@dataclass
class Crawl:
    visits: dict[str, Visit] = field(default_factory=dict)  # "who path" -> visit
    forms: list[tuple[str, Form]] = field(default_factory=list)  # (who, form)
    crashes: list[str] = field(default_factory=list)

    def routes(self) -> set[str]:
        return {v.route for v in self.visits.values() if v.route is not None and v.status < 400}

    def form_routes(self) -> set[str]:
        return {route_of(form.action) for _who, form in self.forms} - {None}


def crawl(
    crawled: Crawl,
    client,
    who: str,
    start: list[str],
    *,
    allow,
    per_route: int = 5,
    max_pages: int = 250,
    headers: dict | None = None,
    inspect=None,
) -> Crawl:
    """Visit ``start`` and every link on this host that ``allow(path)`` accepts, keeping
    each page's forms (those posting to an allowed path). At most ``per_route`` pages of
    one URL pattern: the sweep needs every pattern, not every row. ``inspect(who, outcome)``
    sees every answer."""
    queue, seen_routes = list(start), {}
    seen_forms = {(w, route_of(f.action), f.htmx) for w, f in crawled.forms}
    pages = 0
    while queue and pages < max_pages:
        path = queue.pop(0)
        key = f"{who} {path}"
        if key in crawled.visits:
            continue
        route = route_of(path)
        if seen_routes.get(route, 0) >= per_route:
            continue
        seen_routes[route] = seen_routes.get(route, 0) + 1
        pages += 1
        outcome = send(client, "GET", path, **(headers or {}))
        crawled.visits[key] = Visit(path, route, outcome.status, who)
        if inspect is not None:
            inspect(who, outcome)
        if outcome.crashed:
            crawled.crashes.append(f"GET {path} as {who} → {outcome.why()}")
            continue
        if outcome.status in (301, 302) and outcome.location:
            target = local_path(outcome.location, path)
            if target and allow(target):
                queue.append(target)
            continue
        parsed = parse(path, outcome.text)
        for link in parsed.links:
            target = local_path(link, path)
            if target and allow(target):
                query = urllib.parse.urlsplit(target).query
                crawled.visits[key].params |= set(urllib.parse.parse_qs(query))
                if f"{who} {target}" not in crawled.visits:
                    queue.append(target)
        for form in parsed.forms:
            action = local_path(form.action or path, path)
            if form.method != "POST" or action is None or not allow(action):
                continue
            form.action = action
            if (who, route_of(action), form.htmx) not in seen_forms:  # one per pattern
                seen_forms.add((who, route_of(action), form.htmx))
                crawled.forms.append((who, form))
    return crawled
