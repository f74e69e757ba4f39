"""The HR home and a program's HR page: who may open them, that their figures are the HR
API's (suppression included), their CSV, the way HR finds them, and what they cost."""

import csv
import io
import re
from io import StringIO
from itertools import count

import pytest
from django.core.management import call_command
from django.test import Client

from feedback.models import SkillRating, SurveyResponse
from mentoring.demo import DEMO_PASSWORD
from mentoring.tenancy import activate
from programs.models import EnrollmentSkill, Program
from tests.builders.clients import Api, signed_in
from tests.builders.history import approved
from tests.builders.hr import PRIVATE, fill, new_key
from tests.builders.surveys import close_periods
from tests.builders.world import add_member, make_user

_people = count(1)


def percent(ratio):
    return None if ratio is None else round(ratio * 100, 1)


def cell(value) -> str:
    return "" if value is None else str(value)


def figures_csv(org, user, path="/hr/") -> dict:
    """The page's CSV as {(table, row, column): (value, hidden_because)}."""
    response = signed_in(org, user).get(f"{path}?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    return {
        (line["table"], line["row"], line["column"]): (line["value"], line["hidden_because"])
        for line in csv.DictReader(io.StringIO(text))
    }


def rated_mentees(org, program, skill, how_many, department=None):
    """``how_many`` new approved mentees of ``program`` on ``skill``, rated 2 then 4 by
    themselves and 1 then 3 by their mentor."""
    organization = org.organization
    for _ in range(how_many):
        number = next(_people)
        user = make_user(f"rated{number}@{organization.slug}.example")
        person = add_member(organization, user, name=f"Rated {number}", department=department)
        with activate(organization):
            enrolment = approved(program, person)
            EnrollmentSkill.objects.create(
                organization=organization, enrollment=enrolment, skill=skill
            )
            for role, levels in (("self", (2, 4)), ("mentor", (1, 3))):
                for moment, level in zip(("start", "review"), levels, strict=True):
                    SkillRating.objects.create(
                        organization=organization,
                        enrollment=enrolment,
                        skill=skill,
                        rater=person,
                        rater_role=role,
                        moment=moment,
                        period=0 if moment == "start" else 1,
                        level=level,
                    )


@pytest.fixture
def filled(world):
    return fill(world.acme, 2), fill(world.globex, 1)


# ---------------------------------------------------------------- who gets there


def test_an_hr_analyst_with_no_mentoring_of_their_own_lands_on_the_hr_home(world):
    response = signed_in(world.acme, world.acme.hr).get("/")
    assert response.status_code == 302 and response["Location"] == "/hr/"
    page = signed_in(world.acme, world.acme.hr).get("/hr/").content.decode()
    assert "How mentoring is going at" in page
    assert 'href="/hr/" aria-current="page">HR</a>' in page
    assert 'href="/api/docs/"' in page


def test_an_hr_analyst_who_is_also_a_mentee_keeps_their_home_with_a_way_to_the_hr_home(
    world, filled
):
    response = signed_in(world.acme, world.acme.hr).get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "What comes next in your mentoring" in page
    assert 'href="/hr/">See how mentoring is going' in page


def test_a_program_manager_may_open_the_hr_pages_and_is_offered_the_api_keys(world, filled):
    program = filled[0].programs[0]
    home = signed_in(world.acme, world.acme.manager).get("/").content.decode()
    assert 'href="/hr/">See the organization' in home  # from the manager's home
    for path in ("/hr/", f"/hr/programs/{program.pk}/"):
        page = signed_in(world.acme, world.acme.manager).get(path)
        assert page.status_code == 200
        assert "Manage API keys" in page.content.decode()
    # ... while HR is told who makes keys
    page = signed_in(world.acme, world.acme.hr).get("/hr/").content.decode()
    assert "Manage API keys" not in page and "manager@acme.example" in page


def test_other_members_and_strangers_cannot_open_the_hr_pages(world, filled, client):
    program = filled[0].programs[0]
    paths = ("/hr/", "/hr/?format=csv", f"/hr/programs/{program.pk}/")
    for path in paths:
        assert signed_in(world.acme, world.acme.mentees[0]).get(path).status_code == 404
        assert signed_in(world.acme, world.acme.mentors[0]).get(path).status_code == 404
        anonymous = client.get(path, HTTP_HOST="acme.localhost")
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_another_organizations_program_is_not_found_and_never_shown(world, filled):
    acme, globex = filled
    other = signed_in(world.globex, world.globex.hr)
    assert other.get(f"/hr/programs/{acme.programs[0].pk}/").status_code == 404
    hr = signed_in(world.acme, world.acme.hr)
    assert hr.get(f"/hr/programs/{globex.programs[0].pk}/").status_code == 404
    assert hr.get(f"/hr/programs/{globex.programs[0].pk}/?format=csv").status_code == 404
    page = hr.get("/hr/").content.decode()
    assert world.globex.sentinel not in page and PRIVATE not in page
    assert acme.programs[0].name in page
    assert not any(
        world.globex.sentinel in key[1] for key in figures_csv(world.acme, world.acme.hr)
    )


def test_the_demos_hr_analyst_signs_in_to_the_hr_home_with_charts_and_the_api_docs(db):
    call_command("seed_demo", stdout=StringIO())
    browser = Client(HTTP_HOST="acme.localhost")
    signed = browser.post(
        "/accounts/login/", {"login": "harper.quinn@acme.example", "password": DEMO_PASSWORD}
    )
    assert signed.status_code == 302
    home = browser.get("/", follow=True)
    assert home.redirect_chain == [("/hr/", 302)]
    page = home.content.decode()
    assert "join one as a mentee" not in page
    assert page.count('<svg class="chart"') >= 5 and 'href="/api/docs/"' in page
    charted = set(re.findall(r'<title id="chart-[^"]*">([^<]+)</title>', page))
    assert {
        "Goal-review completion by program",
        "Skill progress by program",
        "Skill progress by department",
        "Survey results of closed periods",
    } <= charted
    assert "Fewer than 5 mentees." in page  # the demo's small groups stay hidden
    assert browser.get("/api/docs/").status_code == 200


def test_the_program_admin_sends_an_hr_analyst_to_the_hr_home_and_the_api_docs(world):
    response = signed_in(world.acme, world.acme.hr).get("/admin/", follow=True)
    assert response.status_code == 403
    page = response.content.decode()
    assert 'href="/hr/"' in page and 'href="/api/docs/"' in page
    mentee = signed_in(world.acme, world.acme.mentees[0]).get("/admin/", follow=True)
    assert 'href="/hr/"' not in mentee.content.decode()


# ---------------------------------------------------------------- one read model


def test_the_hr_home_shows_the_apis_figures(world, filled, client):
    acme, _globex = filled
    program = acme.programs[0]
    rated_mentees(world.acme, program, acme.skills[0], 3)  # with the filled two: five
    close_periods(world.acme, program)
    key = new_key(world.acme)
    api = Api(client)
    summary = api.json("/api/v1/summary/", key)
    programs = api.json("/api/v1/programs/", key)["results"]
    skills = api.json("/api/v1/skill-progress/aggregates/", key)["results"]
    surveys = api.json("/api/v1/surveys/", key)["results"]
    shown = figures_csv(world.acme, world.acme.hr)

    glance = "The organization at a glance"
    assert shown[(glance, "Match rate (%)", "Value")][0] == cell(percent(summary["match_rate"]))
    assert shown[(glance, "Sessions held, last 90 days", "Value")][0] == cell(
        summary["sessions_held_90d"]
    )
    assert shown[(glance, "Goal-review completion (%)", "Value")][0] == cell(
        percent(summary["goal_review_completion"])
    )
    assert shown[(glance, "Program score (1 to 5)", "Value")][0] == cell(summary["program_score"])
    assert shown[(glance, "People enrolled as mentees", "Value")][0] == cell(
        summary["people_enrolled"]["mentees"]
    )
    funnel = "Enrolment funnel across the organization"
    assert shown[(funnel, "Approved", "Mentee enrolments")][0] == cell(
        summary["approved_mentee_enrolments"]
    )
    assert shown[(funnel, "Matched with a mentor", "Mentee enrolments")][0] == cell(
        summary["matched_mentees"]
    )
    assert len(programs) == 2
    for row in programs:
        assert shown[("Programs", row["name"], "Match rate (%)")][0] == cell(
            percent(row["match_rate"])
        )
        assert shown[("Programs", row["name"], "Program score (1 to 5)")][0] == cell(
            row["program_score"]
        )
        assert shown[("Goal-review completion by program", row["name"], "Reviews done")][0] == cell(
            row["goal_reviews_done"]
        )
    assert skills
    for row in skills:
        table = f"Skill progress by {row['dimension']}"
        label = f"{row['group_name']} · {row['skill']}"
        assert shown[(table, label, "Mentees rated")][0] == cell(row["mentees"])
        assert shown[(table, label, "Average observed change")][0] == cell(
            row["average_observed_change"]
        )
    assert surveys
    names = {row["id"]: row["name"] for row in programs}
    for row in surveys:
        period = "program survey" if row["kind"] == "program" else f"pulse {row['period']}"
        label = f"{names[row['program_id']]} · {period} · {row['group']}"
        table = "Survey results of closed periods"
        assert shown[(table, label, "Respondents")][0] == cell(row["respondents"])
        assert shown[(table, label, "Average 'useful' (1 to 5)")] == (
            cell(row["useful_average"]),
            row["suppression_reason"] or "",
        )
        assert shown[(table, label, "Net promoter score")][0] == cell(row["nps"])
    page = signed_in(world.acme, world.acme.hr).get("/hr/").content.decode()
    assert f"<td>{percent(summary['match_rate'])}</td>" in page


def test_a_small_group_is_hidden_on_the_page_and_in_the_csv_as_in_the_api(world, filled, client):
    acme, _globex = filled
    program = acme.programs[0]
    rated_mentees(world.acme, program, acme.skills[0], 3)
    key = new_key(world.acme)
    rows = Api(client).json(f"/api/v1/skill-progress/aggregates/?program={program.pk}", key)
    by_skill = {row["skill_id"]: row for row in rows["results"]}
    shown_row, hidden_row = by_skill[acme.skills[0].pk], by_skill[acme.skills[1].pk]
    assert not shown_row["is_suppressed"] and hidden_row["is_suppressed"]

    for path in ("/hr/", f"/hr/programs/{program.pk}/"):
        figures = figures_csv(world.acme, world.acme.hr, path)
        table = "Skill progress by program"
        hidden = f"{program.name} · {hidden_row['skill']}"
        value, because = figures[(table, hidden, "Average latest self view")]
        assert value == "" and because == "Fewer than 5 mentees."
        assert figures[(table, hidden, "Mentees rated")] == (str(hidden_row["mentees"]), "")
        visible = f"{program.name} · {shown_row['skill']}"
        assert figures[(table, visible, "Average latest self view")][0] == "4.0"
        page = signed_in(world.acme, world.acme.hr).get(path).content.decode()
        assert "Fewer than 5 mentees." in page


def test_a_program_score_of_too_few_respondents_is_hidden_on_the_page(world):
    [small] = fill(world.acme, 1).programs
    with activate(world.acme.organization):
        Program.objects.filter(pk=small.pk).update(name="Small program")
    # Six people answered; keep two answers only.
    with activate(world.acme.organization):
        answers = SurveyResponse.objects.filter(program=small, kind="program")
        keep = list(answers.order_by("id").values_list("id", flat=True)[:2])
        answers.exclude(id__in=keep).delete()
    close_periods(world.acme, small)
    figures = figures_csv(world.acme, world.acme.hr, f"/hr/programs/{small.pk}/")
    value, because = figures[("The program at a glance", "Program score (1 to 5)", "Value")]
    assert value == "" and "Fewer than 5 respondents" in because


# ---------------------------------------------------------------- the drill-down and its CSV


def test_a_programs_page_and_its_csv_carry_the_apis_figures_for_that_program(world, filled, client):
    acme, _globex = filled
    program = acme.programs[1]
    key = new_key(world.acme)
    row = Api(client).json(f"/api/v1/programs/{program.pk}/", key)
    figures = figures_csv(world.acme, world.acme.hr, f"/hr/programs/{program.pk}/")
    glance = "The program at a glance"
    assert figures[(glance, "Mentees enrolled (approved)", "Value")][0] == cell(
        row["people_enrolled_mentees"]
    )
    assert figures[(glance, "Active mentorships", "Value")][0] == cell(row["active_mentorships"])
    assert figures[(glance, "Sessions held, last 30 days", "Value")][0] == cell(
        row["sessions_held_30d"]
    )
    assert figures[(glance, "Goal-review completion (%)", "Value")][0] == cell(
        percent(row["goal_review_completion"])
    )
    # only this program's groups
    assert not any(
        key[0].startswith("Skill progress") and acme.programs[0].name in key[1] for key in figures
    )
    held = sum(
        int(value)
        for (table, _row, _column), (value, _note) in figures.items()
        if table == "Sessions held per month in this program"
    )
    assert held >= row["sessions_held_30d"]
    page = signed_in(world.acme, world.acme.hr).get(f"/hr/programs/{program.pk}/")
    assert page.status_code == 200 and program.name in page.content.decode()


def test_the_csv_is_a_download_and_neutralizes_formulas_in_names(world, filled):
    acme, _globex = filled
    with activate(world.acme.organization):
        Program.objects.filter(pk=acme.programs[0].pk).update(name="=HYPERLINK(1)")
    response = signed_in(world.acme, world.acme.hr).get("/hr/?format=csv")
    assert response["Content-Disposition"].startswith('attachment; filename="progress-acme-')
    text = b"".join(response.streaming_content).decode()
    assert text.splitlines()[0] == "table,row,column,value,hidden_because"
    assert "'=HYPERLINK(1)" in text and "\n=HYPERLINK" not in text


# ---------------------------------------------------------------- cost


def _count_queries(org, user, path, django_assert_num_queries, expected):
    browser = signed_in(org, user)
    with django_assert_num_queries(expected):
        assert browser.get(path).status_code == 200


HOME_QUERIES = 30
PROGRAM_QUERIES = 22


def test_the_hr_pages_cost_the_same_queries_however_many_programs_and_people(
    world, django_assert_num_queries
):
    [first] = fill(world.acme, 1).programs
    _count_queries(world.acme, world.acme.hr, "/hr/", django_assert_num_queries, HOME_QUERIES)
    path = f"/hr/programs/{first.pk}/"
    _count_queries(world.acme, world.acme.hr, path, django_assert_num_queries, PROGRAM_QUERIES)
    filled = fill(world.acme, 3)
    rated_mentees(world.acme, filled.programs[0], filled.skills[0], 4)
    _count_queries(world.acme, world.acme.hr, "/hr/", django_assert_num_queries, HOME_QUERIES)
    path = f"/hr/programs/{filled.programs[0].pk}/"
    _count_queries(world.acme, world.acme.hr, path, django_assert_num_queries, PROGRAM_QUERIES)
