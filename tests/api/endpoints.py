"""Every route of the HR API, as the tests call it. ``test_tenancy`` fails when a route
under api/v1/ is missing here, so a new endpoint cannot skip the cross-tenant battery."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Endpoint:
    route: str  # as in the URL conf, e.g. "api/v1/programs/<int:pk>/"
    kind: str  # "list" (cursor pages), "aggregate" ({"results": [...]}) or "object"
    detail_of: str | None = None  # objects with a path id: the attribute of Filled holding them

    def path(self, pk=None) -> str:
        route = self.route.replace("<int:pk>", str(pk)) if pk is not None else self.route
        return "/" + route

    @property
    def has_rows(self) -> bool:
        return self.kind in ("list", "aggregate")


ENDPOINTS = [
    Endpoint("api/v1/summary/", "object"),
    Endpoint("api/v1/programs/", "list"),
    Endpoint("api/v1/programs/<int:pk>/", "object", detail_of="programs"),
    Endpoint("api/v1/enrolments/", "list"),
    Endpoint("api/v1/mentorships/", "list"),
    Endpoint("api/v1/sessions/", "list"),
    Endpoint("api/v1/goals/", "list"),
    Endpoint("api/v1/goal-reviews/", "list"),
    Endpoint("api/v1/skill-progress/", "list"),
    Endpoint("api/v1/skill-progress/aggregates/", "aggregate"),
    Endpoint("api/v1/feedback-statistics/", "aggregate"),
    Endpoint("api/v1/surveys/", "aggregate"),
]
LISTS = [e for e in ENDPOINTS if e.kind == "list"]
WITH_ROWS = [e for e in ENDPOINTS if e.has_rows]


def endpoint_id(endpoint: Endpoint) -> str:
    return endpoint.route.removeprefix("api/v1/").rstrip("/") or "root"


def path_for(endpoint: Endpoint, filled) -> str:
    """The endpoint's path, with the id of one of ``filled``'s objects if it needs one."""
    if endpoint.detail_of:
        return endpoint.path(getattr(filled, endpoint.detail_of)[0].pk)
    return endpoint.path()


# Routes under api/ that serve no organization data: the schema, its documentation page
# and the JSON 404 of every other path.
PUBLIC_ROUTES = {"api/schema/", "api/docs/", "api/^(?P<rest>.*)$"}


def routes(urlconf: str = "mentoring.urls") -> set[str]:
    """Every route of the URL conf, as written (e.g. ``sessions/<int:session_id>/log/``)."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    return set(walk(get_resolver(urlconf).url_patterns))


def api_routes(urlconf: str = "mentoring.urls") -> set[str]:
    """Every route of the URL conf under api/, as written in the URL conf."""
    return {route for route in routes(urlconf) if route.startswith("api/")}


def rows_of(data) -> list[dict]:
    if isinstance(data, dict) and "results" in data:
        return data["results"]
    return [data]


def own_ids(data) -> set[tuple[str, int]]:
    """(key, id) of every row: ids come from one sequence per table, shared by all
    organizations, so two organizations' rows never have the same pair."""
    pairs = set()
    for row in rows_of(data):
        for key, value in row.items():
            if (key == "id" or key.endswith("_id")) and isinstance(value, int):
                pairs.add((key, value))
    return pairs


def csv_rows(text: str) -> list[dict]:
    """CSV rows as dicts, digits as ints (enough to compare ids)."""
    import csv
    import io

    return [
        {key: int(value) if value.isdigit() else value for key, value in row.items()}
        for row in csv.DictReader(io.StringIO(text))
    ]
