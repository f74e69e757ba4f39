"""The one small-group suppression rule, read through every place that shows survey
aggregates: the managers' statistics selectors, the organization admin's statistics page
and the HR API (surveys, and the program score of a program). One data set, with groups
of four and of five or more, and a total that would reveal a hidden group by difference,
in released periods (the programs have ended); every reader must hide and show exactly
the same groups with the same figures."""

from __future__ import annotations

import itertools
from html.parser import HTMLParser

import pytest
from django.template.defaultfilters import floatformat
from django.test import Client
from django.urls import reverse

from feedback import selectors, services
from feedback.suppression import MIN_GROUP, RESIDUAL, TOO_FEW, suppress
from mentoring.tenancy import activate
from tests.builders.clients import Api, client_for
from tests.builders.hr import new_key
from tests.builders.pair import RunningPairs, running_pairs
from tests.builders.surveys import close_periods

QUESTIONS = {"pulse": ("useful", "candid"), "program": ("useful", "recommend")}
TITLES = {"Relationship pulse": "pulse", "Program usefulness": "program"}


# ---------------------------------------------------------------- the rule itself


@pytest.mark.parametrize(
    ("groups", "total", "hidden", "total_reason"),
    [
        ({"mentees": 5, "mentors": 5}, 10, set(), None),
        ({"mentees": 4, "mentors": 4}, 8, {"mentees", "mentors"}, None),
        ({"mentees": 6, "mentors": 4}, 10, {"mentors"}, RESIDUAL),
        ({"mentees": 6, "mentors": 0}, 6, {"mentors"}, None),
        ({"mentees": 3, "mentors": 1}, 4, {"mentees", "mentors"}, TOO_FEW),
        ({"a": 9, "b": 3, "c": 3}, 15, {"b", "c"}, RESIDUAL),  # strict with more groups too
        # people in several groups (one giver, many skills): the total adds nobody new,
        # yet the total minus the group shown is still the hidden group's figures
        ({"a": 6, "b": 2}, 6, {"b"}, RESIDUAL),
    ],
)
def test_suppress_hides_small_groups_and_a_total_that_would_reveal_one(
    groups, total, hidden, total_reason
):
    verdict = suppress(groups, total)
    assert set(verdict.hidden) == hidden
    assert all(reason == TOO_FEW for reason in verdict.hidden.values())
    assert verdict.total_reason == total_reason
    assert verdict.shows_total == (total_reason is None)


def test_suppress_without_a_total_only_hides_small_groups():
    verdict = suppress({"x": MIN_GROUP, "y": MIN_GROUP - 1}, counting="mentees")
    assert verdict.hidden == {"y": "Fewer than 5 mentees."} and verdict.shows_total


# ---------------------------------------------------------------- one data set, three readers


def answer(org, cohort: RunningPairs, kind: str, role: str, count: int, scores) -> None:
    """``count`` people of ``role`` answer the survey, with scores drawn from ``scores``."""
    organization = org.organization
    with activate(organization):
        for mentorship, values in zip(
            cohort.mentorships[:count], itertools.cycle(scores), strict=False
        ):
            services.survey_answer(
                organization=organization,
                actor=getattr(mentorship, role).person.user,
                kind=kind,
                mentorship=mentorship,
                answers=dict(zip(QUESTIONS[kind], values, strict=True)),
                comment="a private comment",
            )


@pytest.fixture
def surveyed(world):
    """Two programs. The first: its program survey answered by six mentees (shown) and four
    mentors (hidden), so that everyone (ten) minus the mentees would reveal the mentors;
    its pulse by four mentees and four mentors (both hidden, eight together shown). The
    second: five and five (all shown), and a pulse of three mentees (all hidden)."""
    big, small = running_pairs(world.acme, 6), running_pairs(world.acme, 5)
    answer(world.acme, big, "program", "mentee", 6, [(4, 9), (5, 10), (3, 6), (4, 8)])
    answer(world.acme, big, "program", "mentor", 4, [(1, 0), (2, 3)])
    answer(world.acme, big, "pulse", "mentee", 4, [(5, 4), (4, 3), (3, 5)])
    answer(world.acme, big, "pulse", "mentor", 4, [(2, 2), (5, 5)])
    answer(world.acme, small, "program", "mentee", 5, [(5, 10), (4, 7), (2, 5)])
    answer(world.acme, small, "program", "mentor", 5, [(3, 9), (4, 9)])
    answer(world.acme, small, "pulse", "mentee", 3, [(4, 4)])
    return [close_periods(world.acme, cohort.program) for cohort in (big, small)]


def _figures(respondents: int, averages: dict | None, nps: int | None, kind: str) -> tuple:
    """(people, shown, the averages of the kind's questions to one decimal, nps)."""
    if averages is None:
        return (respondents, False, None, None)
    return (
        respondents,
        True,
        tuple(floatformat(averages[key], 1) for key in QUESTIONS[kind]),
        nps,
    )


def from_selectors(programs) -> dict:
    figures = {}
    overviews = selectors.program_overviews(programs)
    for program, overview in zip(programs, overviews, strict=True):
        for kind in QUESTIONS:
            released = selectors.survey_results(program, kind)
            assert released == (overview.pulse if kind == "pulse" else overview.program_survey)
            (period,) = released  # every answer was stored in the same period
            for result in period.results:
                figures[(program.pk, kind, result.group.lower())] = _figures(
                    result.respondents, result.averages, result.nps, kind
                )
    return figures


class _Tables(HTMLParser):
    """The survey tables of the admin's statistics: (program id, title) -> rows of cells."""

    def __init__(self):
        super().__init__()
        self.program = self.title = None
        self.tables: dict[tuple[int, str], list[list[str]]] = {}
        self._in = None  # "h2", "h3" or "cell"
        self._text = ""
        self._row: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div" and (attrs.get("id") or "").startswith("program-"):
            self.program = int(attrs["id"].removeprefix("program-"))
        elif tag == "h3":
            self._in, self._text = "h3", ""
        elif tag == "tr" and self.title in TITLES:
            self._row = []
        elif tag in ("th", "td") and self._row is not None:
            self._in, self._text = "cell", ""

    def handle_data(self, data):
        if self._in:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "h3" and self._in == "h3":
            self.title, self._in = self._text.strip(), None
        elif tag in ("th", "td") and self._in == "cell":
            self._row.append(self._text.strip())
            self._in = None
        elif tag == "tr" and self._row is not None:
            if self._row and self._row[0] != "Group":  # not the header
                self.tables.setdefault((self.program, self.title), []).append(self._row)
            self._row = None


def from_admin(world, programs) -> dict:
    browser = client_for(Client(), world.acme.organization, world.acme.manager)
    response = browser.get(reverse("admin:feedback_surveyresponse_changelist"))
    assert response.status_code == 200
    parser = _Tables()
    parser.feed(response.content.decode())
    figures = {}
    for program in programs:
        for title, kind in TITLES.items():
            for cells in parser.tables[(program.pk, title)]:
                group, people, *rest = cells
                key = (program.pk, kind, group.lower())
                if len(rest) == 1:  # one cell across: the reason it is hidden
                    figures[key] = (int(people), False, None, None)
                    continue
                averages = tuple(rest[: len(QUESTIONS[kind])])
                nps = int(rest[-1]) if kind == "program" else None
                figures[key] = (int(people), True, averages, nps)
    return figures


def from_api(world, programs) -> dict:
    api, key = Api(Client()), new_key(world.acme)
    figures = {}
    for program in programs:
        for kind in QUESTIONS:
            rows = api.json(f"/api/v1/surveys/?program={program.pk}&kind={kind}", key)["results"]
            for row in rows:
                shown = not row["is_suppressed"]
                averages = {q: row[f"{q}_average"] for q in QUESTIONS[kind]} if shown else None
                figures[(program.pk, kind, row["group"])] = _figures(
                    row["respondents"], averages, row["nps"], kind
                )
        detail = api.json(f"/api/v1/programs/{program.pk}/", key)
        everyone = figures[(program.pk, "program", "everyone")]
        assert detail["program_score_is_suppressed"] == (not everyone[1])
        assert detail["program_score_respondents"] == everyone[0]
        score = detail["program_score"]
        assert (score is None) == (not everyone[1])
        if score is not None:
            assert floatformat(score, 1) == everyone[2][0]
    return figures


def test_the_managers_the_admin_and_the_hr_api_hide_and_show_the_same_groups(world, surveyed):
    with activate(world.acme.organization):
        managers = from_selectors(surveyed)
    admin = from_admin(world, surveyed)
    hr = from_api(world, surveyed)
    assert managers == admin == hr

    big, small = (program.pk for program in surveyed)
    shown = {key for key, figures in managers.items() if figures[1]}
    assert shown == {
        (big, "program", "mentees"),
        (big, "pulse", "everyone"),  # four and four: no group shown to subtract from
        (small, "program", "mentees"),
        (small, "program", "mentors"),
        (small, "program", "everyone"),
    }
    # ten people in all, but ten minus the six mentees shown would be the four mentors
    assert managers[(big, "program", "everyone")] == (10, False, None, None)
    assert managers[(big, "program", "mentors")] == (4, False, None, None)
    assert managers[(big, "program", "mentees")] == (6, True, ("4.2", "8.7"), 50)
    assert managers[(big, "pulse", "everyone")] == (8, True, ("3.9", "3.8"), None)
    assert managers[(small, "pulse", "everyone")] == (3, False, None, None)


def test_each_reader_gives_the_same_reason_for_a_hidden_group(world, surveyed):
    big = surveyed[0]
    with activate(world.acme.organization):
        (period,) = selectors.survey_results(big, "program")
        results = {r.group: r for r in period.results}
    assert results["Mentors"].hidden_because == TOO_FEW
    assert results["Everyone"].hidden_because == RESIDUAL
    api, key = Api(Client()), new_key(world.acme)
    rows = api.json(f"/api/v1/surveys/?program={big.pk}&kind=program", key)["results"]
    reasons = {row["group"]: row["suppression_reason"] for row in rows}
    assert reasons == {"mentees": None, "mentors": TOO_FEW, "everyone": RESIDUAL}
    browser = client_for(Client(), world.acme.organization, world.acme.manager)
    html = browser.get(
        reverse("admin:feedback_surveyresponse_changelist"), {"program__id__exact": big.pk}
    ).content.decode()
    assert "fewer than 5 people: hidden" in html
    assert "it would reveal the smaller group" in html
