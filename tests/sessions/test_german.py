"""The session pages in German: a person whose profile language is German reads every
session page in German, a colleague without a choice keeps English, and messages after a
change come in the reader's language too."""

import pytest
from django.urls import reverse

from mentoring.people.models import Profile
from mentoring.tenancy import activate
from sessions.forms import local_input
from tests.builders.clients import signed_in
from tests.builders.pages import text
from tests.builders.pair import schedule, tomorrow
from tests.sessions.test_feed import calendar_of, feed_of, fetch

pytestmark = pytest.mark.django_db


def speaks_german(pair, user) -> None:
    with activate(pair.org.organization):
        Profile.objects.filter(user=user).update(language="de")


def pages(pair, session) -> dict[str, str]:
    mentorship = pair.mentorship.pk
    return {
        "session": reverse("sessions:session", kwargs={"session_id": session.pk}),
        "sessions": reverse("sessions:pair", kwargs={"mentorship_id": mentorship}),
        "plan": reverse("sessions:schedule", kwargs={"mentorship_id": mentorship}),
        "series": reverse("sessions:series", kwargs={"mentorship_id": mentorship}),
        "log past": reverse("sessions:log_past", kwargs={"mentorship_id": mentorship}),
        "agreement": reverse("sessions:agreement", kwargs={"mentorship_id": mentorship}),
        "experiments": reverse("sessions:experiments", kwargs={"mentorship_id": mentorship}),
        "observations": reverse("sessions:observations", kwargs={"mentorship_id": mentorship}),
        "questions": reverse("sessions:prepared_questions", kwargs={"session_id": session.pk}),
        "availability": reverse("sessions:availability"),
        "calendar": reverse("sessions:calendar"),
    }


GERMAN = {
    "session": ["Wann und wo", "Meine private Notiz", "Fragen, die ich stellen möchte"],
    "sessions": ["Demnächst", "Vergangene Treffen", "Arbeitsvereinbarung"],
    "plan": ["Treffen planen", "Datum und Uhrzeit", "Art des Treffens"],
    "series": ["Serie planen", "Alle wie viele Wochen"],
    "log past": ["Ein Treffen festhalten, das schon stattgefunden hat", "Gemeinsame Notizen"],
    "agreement": ["Unsere Arbeitsvereinbarung", "Was wir gemeinsam erreichen wollen"],
    "experiments": ["Experimente", "Experiment hinzufügen"],
    "observations": ["Beobachtungsprotokoll", "Die Situation"],
    "questions": ["Fragen, die ich stellen möchte", "Frage hinzufügen"],
    "availability": ["Wann ich Zeit habe", "Meine übliche Woche"],
    "calendar": ["Mein Kalender", "Neue Adresse holen"],
}
ENGLISH = {
    "session": ["When and where", "My private note", "Questions I want to ask"],
    "sessions": ["Coming up", "Past sessions", "Working agreement"],
    "plan": ["Plan the session", "Date and time", "Kind of session"],
    "series": ["Plan the series", "Every how many weeks"],
    "log past": ["Log a meeting that already happened", "Shared notes"],
    "agreement": ["Our working agreement", "What we want to achieve together"],
    "experiments": ["Experiments", "Add an experiment"],
    "observations": ["Observation log", "The situation"],
    "questions": ["Questions I want to ask", "Add a question"],
    "availability": ["When I am free", "My usual week"],
    "calendar": ["My calendar", "Get a new address"],
}


def test_a_mentee_who_chose_german_reads_every_session_page_in_german(pair):
    speaks_german(pair, pair.mentee)
    session = schedule(pair)
    browser = signed_in(pair.org, pair.mentee)
    for name, url in pages(pair, session).items():
        page = text(browser.get(url))
        for words in GERMAN[name]:
            assert words in page, (name, words)
        for words in ENGLISH[name]:
            assert words not in page, (name, words)


def test_their_mentor_without_a_choice_keeps_the_pages_in_english(pair):
    speaks_german(pair, pair.mentee)
    session = schedule(pair)
    browser = signed_in(pair.org, pair.mentor)
    for name, url in pages(pair, session).items():
        if name == "observations":  # the mentor's page is the shared list
            continue
        page = text(browser.get(url))
        for words in ENGLISH[name]:
            assert words in page, (name, words)


def test_the_message_after_planning_a_session_is_in_german_too(pair):
    speaks_german(pair, pair.mentee)
    browser = signed_in(pair.org, pair.mentee)
    url = reverse("sessions:schedule", kwargs={"mentorship_id": pair.mentorship.pk})
    starts_at = local_input(tomorrow(), "UTC")
    response = browser.post(
        url, {"starts_at": starts_at, "duration_minutes": 60, "kind": "check_in"}, follow=True
    )
    page = text(response)
    assert "Treffen geplant." in page
    assert "Session planned." not in page


def test_the_calendar_feed_of_a_german_speaker_is_in_german_and_their_mentor_s_in_english(pair):
    speaks_german(pair, pair.mentee)
    schedule(pair)
    german = calendar_of(fetch(feed_of(pair.org, pair.mentee)))
    english = calendar_of(fetch(feed_of(pair.org, pair.mentor)))
    (event,) = german.walk("VEVENT")
    assert str(german["X-WR-CALNAME"]).startswith("Mentoring – ")
    assert "Seite und Agenda des Treffens" in str(event["DESCRIPTION"])
    (event,) = english.walk("VEVENT")
    assert str(english["X-WR-CALNAME"]).startswith("Mentoring — ")
    assert "Session page and agenda" in str(event["DESCRIPTION"])
