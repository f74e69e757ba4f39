"""``?format=csv``: the same rows as the JSON, every cell safe to open in a spreadsheet."""

import csv
import io
import json

import pytest
from django.db.models import F, Value
from django.db.models.functions import Concat

from mentoring.api.csv_export import csv_cell
from mentoring.people.models import Department, Profile
from mentoring.tenancy import activate
from programs.models import Goal, Program, Skill
from tests.builders.hr import FORMULA

from .endpoints import ENDPOINTS, endpoint_id, path_for


def expected_cell(value) -> str:
    """What the CSV must say for a value of the JSON (the rule docs/api.md states)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    else:
        text = str(value)
    if isinstance(value, str | list | dict) and text.lstrip().startswith(("=", "+", "-", "@")):
        return "'" + text
    if isinstance(value, str) and text.startswith(("\t", "\r", "\n")):
        return "'" + text
    return text


def flatten(row: dict, prefix="") -> dict:
    flat = {}
    for key, value in row.items():
        if isinstance(value, dict) and key != "ratings":
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def all_json_rows(api, path, key) -> list[dict]:
    """Every row of a list, following the cursor pages."""
    data = api.json(path, key)
    if "results" not in data:
        return [data]
    rows = list(data["results"])
    while data.get("next"):
        data = api.json(data["next"].replace("http://acme.localhost", ""), key)
        rows += data["results"]
    return rows


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=endpoint_id)
def test_the_csv_has_the_same_rows_as_the_json(api, world, keys, filled, endpoint):
    with activate(world.acme.organization):
        Goal.objects.filter(pk=filled.acme.goals[0].pk).update(statement=FORMULA)
    path = path_for(endpoint, filled.acme)
    json_rows = [flatten(row) for row in all_json_rows(api, path + "?page_size=3", keys.acme)]
    text = api.csv(path, keys.acme)
    csv_rows = list(csv.DictReader(io.StringIO(text)))
    assert csv_rows, text
    assert list(csv_rows[0]) == list(json_rows[0])  # same columns, same order
    expected = [{key: expected_cell(value) for key, value in row.items()} for row in json_rows]

    def key(row):
        return json.dumps(row, sort_keys=True)

    assert sorted(csv_rows, key=key) == sorted(expected, key=key)


def test_a_goal_statement_that_starts_like_a_formula_is_neutralized_in_csv_only(
    api, world, keys, filled
):
    with activate(world.acme.organization):
        Goal.objects.filter(pk=filled.acme.goals[0].pk).update(statement=FORMULA)
    text = api.csv("/api/v1/goals/", keys.acme)
    cells = [row["statement"] for row in csv.DictReader(io.StringIO(text))]
    assert "'" + FORMULA in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    rows = api.json("/api/v1/goals/", keys.acme)["results"]
    assert FORMULA in [row["statement"] for row in rows]  # the JSON keeps the text as it is


# The CSV columns that carry a text a person typed (names, statements).
TEXT_COLUMNS = {"name", "person_name", "department", "statement", "skill", "group_name"}
# The endpoints whose rows carry none: figures, ids, dates and choices only.
WITHOUT_TEXTS = {"summary", "mentorships", "sessions", "goal-reviews", "surveys"}


def runs_as_formula(cell: str) -> bool:
    """Whether a spreadsheet would run the cell: it starts with a tab or a carriage return,
    or (after spaces) with = + - @, and is not a number (a number such as -2 is data)."""
    if cell.startswith(("\t", "\r")):
        return True
    if not cell.lstrip().startswith(("=", "+", "-", "@")):
        return False
    try:
        float(cell)
    except ValueError:
        return True
    return False


@pytest.fixture
def formulas(world, filled):
    """acme's rows with every exported text starting like a formula, one opening each."""

    def prefix(model, field, start):
        model.objects.update(**{field: Concat(Value(start), F(field))})

    with activate(world.acme.organization):
        prefix(Program, "name", "+")
        prefix(Profile, "display_name", "-")
        Profile.objects.filter(user=world.acme.mentees[0]).update(
            display_name=Concat(Value("\r"), F("display_name"))
        )
        prefix(Department, "name", "@")
        prefix(Skill, "name", "\t")
        prefix(Goal, "statement", " =")
    return filled.acme


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=endpoint_id)
def test_no_cell_of_a_csv_body_runs_as_a_formula(api, keys, formulas, endpoint):
    rows = list(csv.reader(io.StringIO(api.csv(path_for(endpoint, formulas), keys.acme))))
    header, body = rows[0], rows[1:]
    assert body, endpoint
    assert [cell for row in body for cell in row if runs_as_formula(cell)] == []
    # the typed texts reached the CSV, each of them neutralized
    columns = [i for i, column in enumerate(header) if column in TEXT_COLUMNS]
    texts = [row[i] for row in body for i in columns if row[i]]
    assert all(text.startswith("'") for text in texts), texts
    assert bool(texts) is (endpoint_id(endpoint) not in WITHOUT_TEXTS), header


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+33 6 12", "'+33 6 12"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("  =1", "'  =1"),
        ("Plain", "Plain"),
        (-2, "-2"),
        (2.5, "2.5"),
        (True, "true"),
        (None, ""),
        ([1, 2], "[1,2]"),
        ([{"a": "=x"}], '[{"a":"=x"}]'),
    ],
)
def test_a_cell_is_the_json_text_with_formulas_quoted(value, cell):
    assert csv_cell(value) == cell


def test_the_csv_of_a_list_streams_with_a_header_even_when_empty(api, keys):
    response = api.get("/api/v1/sessions/?format=csv", keys.acme)
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines() == [
        "id,mentorship_id,program_id,starts_at,kind,status,duration_minutes,actual_minutes,"
        "updated_at"
    ]


def test_the_csv_follows_the_filters(api, keys, filled):
    text = api.csv("/api/v1/sessions/?status=held", keys.acme)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and {row["status"] for row in rows} == {"held"}


def test_csv_can_be_asked_for_with_the_accept_header(api, keys, filled):
    response = api.get("/api/v1/goals/", keys.acme, HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
