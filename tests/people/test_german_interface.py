"""The page shell, the home page, the profile, "Your data", the feedback pages and the HR
pages in German: for a browser that asks for German, or a profile set to German; English
for everyone else."""

import pytest
from django.urls import reverse

from mentoring.people.models import Profile
from mentoring.tenancy import activate
from tests.builders.clients import signed_in
from tests.builders.pair import feedback_url, give, make_pair

GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de"}


def german_page(browser, url: str) -> str:
    response = browser.get(url, **GERMAN)
    assert response.status_code == 200, (url, response.status_code)
    page = response.content.decode()
    assert '<html lang="de">' in page
    return page


@pytest.mark.django_db
def test_a_mentee_whose_browser_asks_for_german_reads_their_pages_in_german(world):
    pair = make_pair(world.acme)
    give(pair)
    browser = signed_in(world.acme, pair.mentee)

    home = german_page(browser, reverse("home"))
    assert "Startseite" in home and "Abmelden" in home
    assert "Nächstes Treffen" in home
    assert "Sign out" not in home

    profile = german_page(browser, reverse("profile_edit"))
    assert "Profil speichern" in profile
    assert "Zeitzone" in profile
    assert "Sprache der Oberfläche" in profile

    your_data = german_page(browser, reverse("privacy:your_data"))
    assert "Kopie herunterladen" in your_data

    received = german_page(browser, feedback_url("list", pair))
    assert "Feedback, das ich bekommen habe" in received
    assert "Meine Reflexion speichern" in received or "Mit einer Reflexion antworten" in received

    give_page = german_page(browser, feedback_url("new", pair))
    assert "Konkretheits-Coach" in give_page and "Feedback senden" in give_page

    progress = german_page(browser, feedback_url("progress", pair))
    assert "Fortschritt bei Kompetenzen" in progress

    pulse = german_page(browser, feedback_url("pulse", pair))
    assert "Kurzumfrage zur Mentoring-Beziehung" in pulse
    assert "Stimme voll zu" in pulse


@pytest.mark.django_db
def test_a_profile_set_to_german_wins_over_an_english_browser(world):
    mentee = world.acme.mentees[0]
    with activate(world.acme.organization):
        Profile.objects.filter(user=mentee).update(language="de")
    browser = signed_in(world.acme, mentee)
    page = browser.get(reverse("profile_edit"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="de">' in page
    assert "Mein Profil" in page


@pytest.mark.django_db
def test_feedback_sent_in_german_is_confirmed_in_german(world):
    pair = make_pair(world.acme)
    browser = signed_in(world.acme, pair.mentor)
    page = german_page(browser, feedback_url("new", pair))
    assert "Für wen ist es?" not in page  # a pair's feedback goes to the other person
    response = browser.post(feedback_url("new", pair), {"situation": "Gestern"}, **GERMAN)
    page = response.content.decode()
    assert "Beschreib, was die Person gesagt oder getan hat" in page


@pytest.mark.django_db
def test_the_hr_home_speaks_german_to_a_german_browser(world):
    browser = signed_in(world.acme, world.acme.hr)
    page = german_page(browser, reverse("hr:home"))
    assert "Die Organisation auf einen Blick" in page
    assert "Diese Zahlen herunterladen (CSV)" in page


@pytest.mark.django_db
def test_a_member_without_a_language_choice_and_an_english_browser_reads_english(world):
    browser = signed_in(world.acme, world.acme.mentees[0])
    page = browser.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in page
    assert "Sign out" in page and "Abmelden" not in page
