"""What program managers see of the feedback loop in the organization admin: per program,
survey results of released periods (groups under five hidden), feedback statistics (the
same rule) and recognition candidates; survey answers of released periods as bare
records. Never a text, never a respondent."""

import itertools

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from feedback import selectors, services
from feedback.models import Feedback, SkillRating, SurveyResponse
from mentoring.tenancy import activate
from mentoring.tenancy.admin import organization_admin_site
from tests.builders.clients import client_for
from tests.builders.pair import running_pairs
from tests.builders.surveys import close_periods
from tests.feedback.reference import feedback_statistics, recognition_candidates

SECRET = "PRIVATE-WORDS-Q7"
CHANGELIST = "admin:feedback_surveyresponse_changelist"
GOOD = {
    "situation": f"In Tuesday's {SECRET} planning meeting, when the budget came up",
    "behaviour": f"you summarized {SECRET} Priya's concern before you gave your view",
    "impact": f"so she relaxed and added two {SECRET} details nobody had heard",
    "suggestion": f"Next time, try the same {SECRET} with the quietest person in the room",
}


def answer(cohort, role: str, count: int, *, start=0, useful=4, recommend=9):
    """``count`` people of ``role``, from the ``start``-th pair, answer the program survey."""
    organization = cohort.org.organization
    with activate(organization):
        for mentorship in cohort.mentorships[start : start + count]:
            services.survey_answer(
                organization=organization,
                actor=getattr(mentorship, role).person.user,
                kind="program",
                mentorship=mentorship,
                answers={"useful": useful, "recommend": recommend},
                comment=f"program {SECRET} comment",
            )


_moments = itertools.count(1)


def give(cohort, mentorship, *, actor_role="mentor", **overrides):
    """``GOOD`` feedback, each time about another moment (the same feedback twice is
    refused)."""
    organization = cohort.org.organization
    situation = f"{GOOD['situation']} ({next(_moments)})"
    with activate(organization):
        skill = cohort.program.focus_links.select_related("skill").first().skill
        return services.feedback_give(
            organization=organization,
            actor=getattr(mentorship, actor_role).person.user,
            mentorship=mentorship,
            skill=skill,
            kind=overrides.pop("kind", "keep"),
            **{**GOOD, "situation": situation, **overrides},
        )


def manager_of(org) -> Client:
    return client_for(Client(), org.organization, org.manager)


def page(browser, **query) -> str:
    response = browser.get(reverse(CHANGELIST), query)
    assert response.status_code == 200
    return response.content.decode()


# ---------------------------------------------------------------- what is registered


def test_no_model_holding_feedback_text_or_ratings_is_registered():
    assert Feedback not in organization_admin_site._registry
    assert SkillRating not in organization_admin_site._registry
    admin = organization_admin_site._registry[SurveyResponse]
    shown = set(admin.list_display) | set(admin.fields) | set(admin.list_filter)
    assert not shown & {"comment", "answers", "respondent", "mentorship"}
    assert not admin.search_fields


def test_survey_records_are_read_only(world):
    small = running_pairs(world.acme, 1)
    answer(small, "mentee", 1)
    close_periods(world.acme, small.program)
    browser = manager_of(world.acme)
    with activate(world.acme.organization):
        response_id = SurveyResponse.objects.get().pk
    change = reverse("admin:feedback_surveyresponse_change", args=[response_id])
    assert browser.get(change).status_code == 200
    assert browser.post(change, {"period": 3}).status_code == 403
    delete = reverse("admin:feedback_surveyresponse_delete", args=[response_id])
    assert browser.post(delete, {"post": "yes"}).status_code == 403
    assert browser.get(reverse("admin:feedback_surveyresponse_add")).status_code == 403
    with activate(world.acme.organization):
        assert SurveyResponse.objects.get().period == 0


# ---------------------------------------------------------------- statistics, never text


def test_the_statistics_page_shows_counts_and_averages_and_never_text_or_respondents(world):
    pairs = running_pairs(world.acme, 6)
    for mentorship in pairs.mentorships:
        give(pairs, mentorship)  # 4 of 4
    give(pairs, pairs.mentorships[0], situation="Lately", behaviour="Great job!")  # 2 of 4
    with activate(world.acme.organization):
        for mentorship in pairs.mentorships:
            feedback = Feedback.objects.filter(mentorship=mentorship).first()
            services.feedback_reflect(
                organization=world.acme.organization,
                actor=feedback.receiver.user,
                feedback=feedback,
                reflection=f"{SECRET} reflection",
            )
    answer(pairs, "mentee", 3)
    close_periods(world.acme, pairs.program)
    html = page(manager_of(world.acme))
    assert pairs.program.name in html
    assert "7 pieces of feedback, average specificity <strong>3.7 of 4</strong>" in html
    assert "<td>Keep doing</td><td>7</td><td>3.7</td>" in html
    assert "fewer than 5 people: hidden" in html  # the three mentees who answered
    assert SECRET not in html
    for mentorship in pairs.mentorships:  # no respondent, as name or email
        assert mentorship.mentee.person.display_name not in html
        assert mentorship.mentee.person.user.email not in html


def test_feedback_from_fewer_than_five_people_is_hidden_and_so_is_the_total(world):
    pairs = running_pairs(world.acme, 5)
    for mentorship in pairs.mentorships:
        give(pairs, mentorship)  # five mentors: shown
    give(pairs, pairs.mentorships[0], actor_role="mentee", kind="change")  # one mentee
    html = page(manager_of(world.acme), program__id__exact=pairs.program.pk)
    assert "<td>Keep doing</td><td>5</td><td>4.0</td>" in html
    assert '<td>Try differently</td><td colspan="2">fewer than 5 people: hidden</td>' in html
    # six pieces in all minus the five shown would be the one mentee's feedback
    assert "pieces of feedback, average specificity" not in html
    assert "it would reveal the smaller group" in html


def test_groups_of_four_are_hidden_and_groups_of_five_shown(world):
    four, five = running_pairs(world.acme, 5), running_pairs(world.acme, 5)
    answer(four, "mentee", 4, useful=4, recommend=9)
    answer(five, "mentee", 4, useful=4, recommend=9)
    answer(five, "mentee", 1, start=4, useful=2, recommend=3)
    close_periods(world.acme, four.program)
    close_periods(world.acme, five.program)
    browser = manager_of(world.acme)
    html = page(browser, program__id__exact=four.program.pk)
    assert '<th scope="row">Mentees</th> <td>4</td>' in " ".join(html.split())
    assert html.count("fewer than 5 people: hidden") >= 2  # mentees, and everyone

    html = page(browser, program__id__exact=five.program.pk)
    mentees = html[html.index("Program usefulness") :]
    mentees = mentees[mentees.index('<th scope="row">Mentees</th>') :][:400]
    assert "<td>5</td>" in mentees
    assert "<td>3.6</td>" in mentees and "<td>7.8</td>" in mentees and "<td>60</td>" in mentees
    assert SECRET not in html


def test_everyone_is_hidden_when_it_would_reveal_a_hidden_group(world):
    pairs = running_pairs(world.acme, 5)
    answer(pairs, "mentee", 5)
    answer(pairs, "mentor", 1, useful=1, recommend=0)
    close_periods(world.acme, pairs.program)
    with activate(world.acme.organization):
        [overview] = selectors.program_overviews([pairs.program])
        [plain] = selectors.survey_results(pairs.program, "program")
    [released] = overview.program_survey
    mentees, mentors, everyone = released.results
    assert mentees.averages is not None and mentors.averages is None
    assert (everyone.respondents, everyone.averages) == (6, None)
    assert plain.results[2].averages is None  # the per-program read applies the same rule
    html = page(manager_of(world.acme), program__id__exact=pairs.program.pk)
    assert "it would reveal the smaller group" in html


def test_the_overview_agrees_with_the_per_program_selectors(world):
    first, second = running_pairs(world.acme, 5), running_pairs(world.acme, 2)
    answer(first, "mentee", 5, useful=3, recommend=8)
    answer(first, "mentor", 5, useful=5, recommend=10)
    answer(second, "mentee", 2)
    for mentorship in first.mentorships[:2]:
        for _ in range(3):
            give(first, mentorship)
    give(second, second.mentorships[0], behaviour="Great job!")
    programs = [close_periods(world.acme, cohort.program) for cohort in (first, second)]
    with activate(world.acme.organization):
        overviews = selectors.program_overviews(programs)
        for overview in overviews:
            program = overview.program
            assert overview.program_survey == selectors.survey_results(program, "program")
            assert overview.pulse == selectors.survey_results(program, "pulse")
            assert overview.feedback == feedback_statistics(program)
            assert overview.recognition == recognition_candidates(program)
    assert len(overviews[0].recognition) == 2 and overviews[1].recognition == []
    assert len(overviews[0].program_survey) == 1 and len(overviews[1].program_survey) == 1


def test_recognition_candidates_are_listed_with_counts_and_averages(world):
    pairs = running_pairs(world.acme, 1)
    for _ in range(3):
        give(pairs, pairs.mentorships[0])
    html = page(manager_of(world.acme), program__id__exact=pairs.program.pk)
    name = pairs.mentorships[0].mentor.person.display_name
    assert f"<strong>{name}</strong>: 3 pieces of feedback, average specificity 4.0 of 4" in html


def test_the_overview_shows_only_the_managers_organization(world):
    ours, theirs = running_pairs(world.acme, 1), running_pairs(world.globex, 1)
    give(theirs, theirs.mentorships[0])
    answer(theirs, "mentee", 1)
    html = page(manager_of(world.acme))
    assert ours.program.name in html and theirs.program.name not in html
    assert world.globex.sentinel not in html


def test_the_overview_costs_the_same_queries_for_one_or_three_programs(world):
    browser = manager_of(world.acme)
    first = running_pairs(world.acme, 2)
    answer(first, "mentee", 2)
    give(first, first.mentorships[0])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert browser.get(reverse(CHANGELIST)).status_code == 200
        return len(captured)

    one = queries()
    for _ in range(2):
        more = running_pairs(world.acme, 2)
        answer(more, "mentee", 2)
        give(more, more.mentorships[1])
    assert queries() == one


@pytest.mark.parametrize("who", ["mentee", "hr"])
def test_people_who_are_not_program_managers_do_not_see_the_statistics(world, who):
    user = world.acme.mentees[0] if who == "mentee" else world.acme.hr
    browser = client_for(Client(), world.acme.organization, user)
    assert browser.get(reverse(CHANGELIST), follow=True).status_code == 403
