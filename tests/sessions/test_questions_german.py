"""The open-question coach reads German questions with German rules: open ones start with
"Was", "Wie", "Woran", "Wofür", "Welche"…; closed ones with the verb ("Hast du", "Ist",
"Kannst du", "Bist du", "Gibt es"…). Its reasons are in German, its rewrites are German
and open."""

import pytest
from django.utils import translation

from sessions.questions import assess_question
from tests.builders.clients import signed_in
from tests.builders.pages import HTMX, text

from .test_question_coach import COACH

# (text, expected kind, expected rewrite: "" none, None not checked)
EXAMPLES = [
    # Open.
    ("Was ist im Meeting gut gelaufen, und was würdest du ändern?", "open", ""),
    ("Wie hast du dich auf das Gespräch vorbereitet?", "open", ""),
    ("Woran merkst du, dass es besser wird?", "open", ""),
    ("Wofür brauchst du noch Unterstützung?", "open", ""),
    ("Welcher Teil des Feedbacks hat dich überrascht?", "open", ""),
    ("Wann fühlst du dich in Meetings am sichersten?", "open", ""),
    ("Mit wem könntest du darüber sprechen?", "open", ""),
    ("Inwiefern hat der Plan funktioniert?", "open", ""),
    ("Worum geht es dir dabei am meisten?", "open", ""),
    ("Wovor hast du am meisten Sorge?", "open", ""),
    ("Erzähl mir von einem Moment, in dem du anderer Meinung warst.", "open", ""),
    ("Beschreib das letzte schwierige Gespräch, das du geführt hast.", "open", ""),
    ("Kannst du mir mehr darüber erzählen?", "open", ""),
    ("Könntest du beschreiben, was dann passiert ist?", "open", ""),
    ("Es war eine harte Woche. Wie siehst du sie jetzt?", "open", ""),
    # "Warum" is open, but can sound like blame.
    (
        "Warum hast du die Retro ausgelassen?",
        "open",
        "Wie kam es dazu, dass du die Retro ausgelassen hast?",
    ),
    (
        "Warum denkst du, dass der Plan gescheitert ist?",
        "open",
        "Woran machst du fest, dass der Plan gescheitert ist?",
    ),
    (
        "Wieso war das Projekt zu spät?",
        "open",
        "Wie kam es dazu, dass das Projekt zu spät war?",
    ),
    ("Warum denkst du das?", "open", "Was bringt dich zu dieser Einschätzung?"),
    # Closed.
    (
        "Lief das Meeting gut?",
        "closed",
        "Wie ist das Meeting gelaufen, und was würdest du ändern?",
    ),
    (
        "Hat die Präsentation gut geklappt?",
        "closed",
        "Wie ist die Präsentation gelaufen, und was würdest du ändern?",
    ),
    (
        "Hast du mit deiner Führungskraft gesprochen?",
        "closed",
        "Wie ist es gelaufen, als du mit deiner Führungskraft gesprochen hast?",
    ),
    (
        "Bist du zum Treffen gegangen?",
        "closed",
        "Wie ist es gelaufen, als du zum Treffen gegangen bist?",
    ),
    (
        "Kannst du das nächste Stand-up leiten?",
        "closed",
        "Was bräuchtest du, um das nächste Stand-up leiten zu können?",
    ),
    (
        "Ist der Plan realistisch?",
        "closed",
        "Wie realistisch ist der Plan, und woran machst du das fest?",
    ),
    (
        "War der Workshop nützlich?",
        "closed",
        "Wie nützlich war der Workshop, und woran machst du das fest?",
    ),
    (
        "Ist es schwer, Nein zu sagen?",
        "closed",
        "Was macht es schwer, Nein zu sagen?",
    ),
    ("Gibt es Risiken?", "closed", "Welche Risiken siehst du?"),
    (
        "Gab es Überraschungen?",
        "closed",
        "Welche Überraschungen gab es, und wie bist du damit umgegangen?",
    ),
    (
        "Hat sich seit dem letzten Mal etwas verändert?",
        "closed",
        "Was hat sich seit dem letzten Mal verändert?",
    ),
    (
        "Hast du schon versucht, um Hilfe zu bitten?",
        "closed",
        "Was hast du schon versucht, und was ist passiert?",
    ),
    ("Hast du eine Idee?", "closed", "Was für eine Idee hast du im Kopf?"),
    (
        "Fühlst du dich bereit für die Beförderung?",
        "closed",
        "Was gibt dir das Gefühl, bereit für die Beförderung zu sein, und was nicht?",
    ),
    (
        "Soll ich mich auf die Teamleitung bewerben?",
        "closed",
        "Was würde sich ändern, wenn ich mich auf die Teamleitung bewerben würde, "
        "und was, wenn nicht?",
    ),
    ("Ist alles okay?", "closed", "Wie geht es dir gerade, und was beschäftigt dich?"),
    ("Weiß dein Team von der Änderung?", "closed", None),
    ("Warst du vor dem Vortrag nervös?", "closed", None),
    ("Traust du dir das zu?", "closed", None),
    ("Lief das Meeting gut", "closed", None),  # no question mark: still a question
    # Leading.
    (
        "Findest du nicht auch, dass die Deadline zu knapp war?",
        "leading",
        "Was spricht aus deiner Sicht dafür, dass die Deadline zu knapp war, und was dagegen?",
    ),
    (
        "Wäre es nicht besser, bis Montag zu warten?",
        "leading",
        "Welche Möglichkeiten siehst du, und was spräche dafür, bis Montag zu warten?",
    ),
    (
        "Denkst du, du solltest dich bei ihr entschuldigen?",
        "leading",
        "Welche Möglichkeiten siehst du, und was würde passieren, wenn du dich bei ihr "
        "entschuldigen würdest?",
    ),
    (
        "Du hast dich im Meeting übergangen gefühlt, oder?",
        "leading",
        "Wie siehst du es: Du hast dich im Meeting übergangen gefühlt, oder ganz anders?",
    ),
    (
        "Solltest du nicht früher etwas sagen?",
        "leading",
        "Welche Möglichkeiten siehst du, und was würde passieren, wenn du früher etwas "
        "sagen würdest?",
    ),
    ("Du warst nervös, nicht wahr?", "leading", None),
    ("Ist es nicht so, dass du den Termin verschoben hast?", "leading", None),
    ("Hast du nicht die E-Mail geschickt?", "leading", None),
    ("Sicher hättest du etwas sagen können?", "leading", None),
    # Not questions.
    ("Feedback zu meiner Präsentation", "not_a_question", ""),
    ("Den Quartalsrückblick vorbereiten.", "not_a_question", ""),
    ("Was ich aus der Retro gelernt habe", "not_a_question", ""),
    ("", "not_a_question", ""),
    # Several sentences: the most worrying question decides.
    (
        "Was würdest du nächstes Mal anders machen? Lief die Retro gut?",
        "closed",
        "Wie ist die Retro gelaufen, und was würdest du ändern?",
    ),
    ("„Wie kam der Pitch an?“", "open", ""),
]


@pytest.mark.parametrize(
    ("question", "kind", "rewrite"), EXAMPLES, ids=[e[0][:40] for e in EXAMPLES]
)
def test_every_german_example_question_is_classified_as_expected(question, kind, rewrite):
    advice = assess_question(question, language="de")
    assert advice.kind == kind
    if rewrite is not None:
        assert advice.rewrite == rewrite


def test_every_closed_or_leading_german_question_gets_an_open_german_rewrite():
    for question, kind, _rewrite in EXAMPLES:
        if kind in ("closed", "leading"):
            advice = assess_question(question, language="de")
            assert advice.reason and advice.rewrite.endswith("?"), question
            assert assess_question(advice.rewrite, language="de").kind == "open", advice.rewrite


def test_the_rules_follow_the_language_of_the_person_writing():
    with translation.override("de"):
        german = assess_question("Hast du mit ihr gesprochen?")
    with translation.override("en"):
        english = assess_question("Did you talk to her?")
    assert (german.kind, english.kind) == ("closed", "closed")
    assert german.reason.startswith("Das ist eine Ja-Nein-Frage")
    assert english.reason.startswith("This reads as a yes/no question")


def test_english_questions_keep_their_english_rules_and_reasons():
    advice = assess_question("Did the meeting go well?", language="en")
    assert advice.rewrite == "What went well in the meeting, and what would you change?"
    assert advice.reason.startswith("This reads as a yes/no question")


def test_a_german_speaking_member_gets_german_advice_as_they_type(pair):
    client = signed_in(pair.org, pair.mentee)
    response = client.post(
        COACH, {"text": "Lief das Meeting gut?"}, HTTP_ACCEPT_LANGUAGE="de", **HTMX
    )
    assert response.status_code == 200
    page = text(response)
    assert "Ja-Nein-Frage" in page
    assert "Wie ist das Meeting gelaufen, und was würdest du ändern?" in page
