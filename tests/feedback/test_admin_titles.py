"""A survey answer's admin page is titled by what it is and when ("Program usefulness survey
answer, 3 March 2026"), never "SurveyResponse object (10)" and never a person's name: the
answers are anonymous to managers."""

import html

from django.test import Client
from django.urls import reverse
from django.utils import dateformat, timezone

from feedback import services
from feedback.models import SurveyResponse
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from tests.builders.clients import client_for
from tests.builders.pair import running_pairs
from tests.builders.surveys import close_periods


def answered(org):
    cohort = running_pairs(org, 1)
    mentorship = cohort.mentorships[0]
    with activate(org.organization):
        services.survey_answer(
            organization=org.organization,
            actor=mentorship.mentee.person.user,
            kind="program",
            mentorship=mentorship,
            answers={"useful": 4, "recommend": 9},
            comment="",
        )
    close_periods(org, cohort.program)
    with activate(org.organization):
        response = SurveyResponse.objects.select_related("respondent").get()
        names = list(Profile.objects.values_list("display_name", flat=True))
    return response, names


def test_a_survey_answer_page_is_titled_by_its_kind_and_date_without_a_name(world):
    response, names = answered(world.acme)
    manager = client_for(Client(), world.acme.organization, world.acme.manager)
    page = manager.get(reverse("admin:feedback_surveyresponse_change", args=[response.pk]))
    assert page.status_code == 200
    content = html.unescape(page.content.decode())
    when = dateformat.format(timezone.localdate(response.created_at), "j F Y")
    assert f"Program usefulness survey answer, {when}" in content
    assert "SurveyResponse object" not in content
    assert not [name for name in names if name in content]


def test_the_title_itself_names_nobody(world):
    response, _names = answered(world.acme)
    assert str(response).startswith("Program usefulness survey answer, ")
    assert str(response.respondent) not in str(response)


def test_another_organization_cannot_open_the_answer(world):
    response, _names = answered(world.acme)
    other = client_for(Client(), world.globex.organization, world.globex.manager)
    page = other.get(reverse("admin:feedback_surveyresponse_change", args=[response.pk]))
    assert page.status_code == 404
    assert "survey answer" not in page.content.decode()
