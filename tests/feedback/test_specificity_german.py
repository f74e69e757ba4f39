"""The specificity coach reads German feedback with German word tables: what German
writers actually write when they are vague ("super", "immer", "irgendwie", "ganz gut")
and when they are specific."""

import pytest
from django.utils import translation

from feedback.specificity import assess
from tests.builders.clients import signed_in
from tests.builders.pages import HTMX, text
from tests.builders.pair import feedback_url

ALL = ["situation", "behaviour", "impact", "next_step"]

EXAMPLES = [
    # Fully behaviour-based: 4.
    (
        "Im Planungsmeeting am Dienstag, als das Budget Thema war",
        "hast du Priyas Sorge in einem Satz zusammengefasst, bevor du deine Sicht gesagt hast",
        "sodass sie sich entspannt und zwei Details ergänzt hat, die noch niemand kannte",
        "Versuch das beim nächsten Mal auch mit der stillsten Person im Raum",
        4,
        [],
    ),
    (
        "Beim Kundentermin am Freitag",
        "hast du nach der Frage „Was macht dir am meisten Sorgen?“ fünf Sekunden gewartet",
        "dadurch hatten sie Raum und haben den eigentlichen Blocker genannt",
        "Behalte diese Pausen nach offenen Fragen bei, auch wenn die Stille lang wirkt",
        4,
        [],
    ),
    (
        "Gestern im Design-Review",
        "hast du Sam zweimal unterbrochen, während er die Abwägung erklärt hat",
        "weil er dann aufgehört hat, für seine Option zu argumentieren",
        "Schreib deine Frage das nächste Mal auf und stell sie, wenn er fertig ist",
        4,
        [],
    ),
    # Vague praise or judgement: 0.
    ("", "Super gemacht!", "", "", 0, ALL),
    ("", "Sei selbstbewusster.", "", "Sei selbstbewusster.", 0, ALL),
    ("Irgendwie immer", "du bist ein toller Teamplayer", "", "weiter so", 0, ALL),
    ("Generell", "deine Einstellung ist unprofessionell", "das ist schlecht", "sei besser", 0, ALL),
    ("", "war ganz gut, eigentlich ganz okay", "", "mach weiter so", 0, ALL),
    # Partly specific.
    (
        "Gestern im Daily",
        "hast du gesagt, dass das Release blockiert ist, und die fehlende Freigabe genannt",
        "",
        "",
        2,
        ["impact", "next_step"],
    ),
    (
        "",
        "du hast den Entwurf früh geteilt und um Kommentare gebeten",
        "das hat dem Team geholfen, den Fehler vor dem Kunden zu finden",
        "",
        2,
        ["situation", "next_step"],
    ),
    (
        "Während des Workshops",
        "gute Energie, echt super",
        "die Leute wirkten beteiligt",
        "Lade beim nächsten Mal die Leute hinten zuerst ein zu antworten",
        3,
        ["behaviour"],
    ),
]


@pytest.mark.parametrize(
    ("situation", "behaviour", "impact", "suggestion", "score", "missing"),
    EXAMPLES,
    ids=[e[1][:30] for e in EXAMPLES],
)
def test_every_german_example_is_classified_as_expected(
    situation, behaviour, impact, suggestion, score, missing
):
    result = assess(
        situation=situation,
        behaviour=behaviour,
        impact=impact,
        suggestion=suggestion,
        language="de",
    )
    assert (result.score, result.missing) == (score, missing)


def test_the_coach_reads_the_language_of_the_person_writing():
    texts = {
        "situation": "Gestern im Daily",
        "behaviour": "hast du die Agenda vorgelesen und jede Person gefragt",
        "impact": "sodass alle vorbereitet waren",
        "suggestion": "Versuch das nächste Mal, früher anzufangen",
    }
    with translation.override("de"):
        assert assess(**texts).score == 4
    with translation.override("en"):
        assert assess(**texts).score < 4


def test_english_feedback_is_still_read_with_the_english_tables():
    result = assess(
        situation="In yesterday's stand-up",
        behaviour="you said the release was blocked",
        impact="so the team could plan around it",
        suggestion="Next time, try naming the owner too",
        language="en",
    )
    assert result.score == 4


def test_the_hints_and_examples_read_in_german_for_a_german_reader():
    result = assess(behaviour="Super!", language="de")
    with translation.override("de"):
        hints = [(str(hint), str(example)) for _part, hint, example in result.hints]
    assert hints[0][0] == "Sag, wann und wo es passiert ist."
    assert all(example.startswith("„") for _hint, example in hints)


def test_a_german_speaking_member_gets_german_scoring_and_hints_as_they_type(pair):
    browser = signed_in(pair.org, pair.mentee)
    german = {
        "situation": "Gestern im Daily",
        "behaviour": "hast du die Agenda vorgelesen und jede Person gefragt",
        "impact": "sodass alle vorbereitet waren",
        "suggestion": "",
    }
    response = browser.post(feedback_url("coach", pair), german, HTTP_ACCEPT_LANGUAGE="de", **HTMX)
    assert response.status_code == 200
    page = text(response)
    assert "<strong>3 of 4</strong>" in page or "<strong>3 von 4</strong>" in page
    assert "Nenn eine konkrete Sache" in page
    assert "Offer one concrete thing" not in page
