"""The organization admin in German: a program manager who chose German reads our admin
pages, the cockpit and its messages in German; a colleague without a choice keeps English."""

import pytest
from django.test import Client
from django.urls import reverse

from mentoring.people.models import Profile
from mentoring.tenancy import activate
from programs.models import ProgramStatus
from tests.builders.clients import client_for
from tests.builders.cohort import make_cohort
from tests.builders.world import make_program


def manager_in(org, language: str) -> Client:
    with activate(org.organization):
        Profile.objects.filter(user=org.manager).update(language=language)
    return client_for(Client(), org.organization, org.manager)


def page(browser, url: str) -> str:
    response = browser.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_a_manager_who_chose_german_runs_a_program_from_a_german_cockpit(world):
    program = make_program(world.acme, status=ProgramStatus.DRAFT)
    cockpit = page(
        manager_in(world.acme, "de"),
        reverse("program_cockpit", kwargs={"program_id": program.pk}),
    )
    assert "Wo das Programm steht" in cockpit and "Als Nächstes:" in cockpit
    assert "Anmeldetrichter" in cockpit and "Anmeldung öffnen" in cockpit
    assert "Where the program stands" not in cockpit


def test_a_lifecycle_move_is_confirmed_and_reported_in_german(world):
    program = make_program(world.acme, status=ProgramStatus.DRAFT)
    browser = manager_in(world.acme, "de")
    move_url = reverse("program_cockpit_move", kwargs={"program_id": program.pk})
    confirmation = page(browser, f"{move_url}?to=enrolling")
    assert f"„{program.name}“ ist ein Entwurf." in confirmation
    assert "Ja, Anmeldung öffnen" in confirmation and "Nein, zurück" in confirmation
    response = browser.post(
        move_url, {"from_status": "draft", "to_status": "enrolling"}, follow=True
    )
    assert f"„{program.name}“ ist jetzt in der Anmeldephase." in response.content.decode()


def test_the_match_run_pages_and_the_programs_list_speak_german(world):
    cohort = make_cohort(world.acme)
    browser = manager_in(world.acme, "de")
    start = page(browser, reverse("admin:matching_matchrun_start"))
    assert "Wie viel jedes Kriterium zählt" in start and "Entwurf berechnen" in start
    programs = page(browser, reverse("admin:programs_program_changelist"))
    assert f"Cockpit von {cohort.program.name}" in programs
    assert "Anmeldung öffnen" in programs  # an action of the list


def test_a_colleague_without_a_language_choice_keeps_the_english_admin(world):
    program = make_program(world.acme, status=ProgramStatus.DRAFT)
    make_program(world.globex, status=ProgramStatus.DRAFT)
    manager_in(world.acme, "de")
    english = page(
        manager_in(world.globex, ""),
        reverse("admin:programs_program_changelist"),
    )
    assert "Open enrolment" in english and "Anmeldung öffnen" not in english
    cockpit = page(
        client_for(Client(), world.acme.organization, world.acme.manager),
        reverse("program_cockpit", kwargs={"program_id": program.pk}),
    )
    assert "Wo das Programm steht" in cockpit  # the choice follows the person


@pytest.mark.parametrize("language", ["de", ""])
def test_the_organization_settings_page_follows_the_managers_language(world, language):
    settings_page = page(manager_in(world.acme, language), reverse("privacy:organization_settings"))
    expected = "Datenschutz und Anmeldung" if language == "de" else "Privacy and sign-in"
    assert expected in settings_page
