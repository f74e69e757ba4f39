"""The specificity coach: does a piece of feedback name a situation, an observable
behaviour, its impact and a next step? Pure rules, no outside service.

Each of the four parts scores one point (0 to 4). A part that fails comes with a
one-line hint and an example of a behaviour-based version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Words:
    """One language's word tables: what its writers put in vague and in specific feedback."""

    word: re.Pattern
    # Praise or judgement that names no action anyone could observe.
    vague: re.Pattern
    # Verbs of doing and saying: what a camera or a microphone would have caught.
    observable: re.Pattern
    quote: re.Pattern
    when_or_where: re.Pattern
    effect: re.Pattern
    next_step: re.Pattern
    # A "next step" that only repeats a wish: "be more confident", "keep it up".
    generic_next: re.Pattern


def _words_of(pattern: str) -> re.Pattern:
    return re.compile(rf"\b({pattern})\b", re.IGNORECASE)


ENGLISH = Words(
    word=re.compile(r"[a-zA-Z']+"),
    vague=_words_of(
        r"great|good|nice|awesome|amazing|excellent|fine|poor|bad|terrible|well done|"
        r"good job|great job|be more|be less|more confident|more assertive|more proactive|"
        r"communicate better|a team player|professional|unprofessional|attitude|always|never"
    ),
    observable=_words_of(
        r"said|asked|told|wrote|sent|answered|replied|interrupted|paused|listened|"
        r"summari[sz]ed|presented|explained|opened|closed|started|ended|proposed|suggested|"
        r"named|thanked|invited|shared|showed|pointed|looked|smiled|nodded|raised|spoke|talked|"
        r"repeated|paraphrased|agreed|disagreed|challenged|questioned|stopped|waited|"
        r"skipped|cut|led|walked|drew|read|typed|called|emailed|mentioned|described|offered|"
        r"acknowledged|reframed|moved|cancelled|joined|left|turned|gave|took|used|did|didn't|"
        r"made|put|kept|let"
    ),
    quote=re.compile(r"[\"“”']\s*\w[^\"“”]{3,}[\"“”']"),
    when_or_where=_words_of(
        r"yesterday|today|this morning|last (week|month|sprint|time)|on (monday|tuesday|"
        r"wednesday|thursday|friday)|during|in the|in our|in your|at the|when|while|meeting|"
        r"call|review|retro|standup|stand-up|workshop|presentation|demo|1:1|one-to-one|"
        r"email|thread|interview|session|planning|kick-?off"
    ),
    effect=_words_of(
        r"so|so that|which|that made|made|led to|meant|because|as a result|helped|"
        r"felt|seemed|started|stopped|could|couldn't|lost|gained|changed|understood|"
        r"agreed|decided|heard|engaged|quiet|confused"
    ),
    next_step=_words_of(
        r"next time|try|keep|start|stop|continue|do more|do less|instead|before|"
        r"ask|open with|lead with|pause|summari[sz]e|invite|practise|practice|plan"
    ),
    generic_next=re.compile(
        r"^\s*((be|get)\s+(more|less)\s+\w+|keep (it|this) up|keep going|keep up the good work"
        r"|do better|be better)\W*$",
        re.IGNORECASE,
    ),
)

# What German writers put in feedback: "super", "immer", "irgendwie", "ganz gut" when it
# is vague; "hast … zusammengefasst", "im Weekly am Dienstag", „…“ when it is specific.
GERMAN = Words(
    word=re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?"),
    vague=_words_of(
        r"toll|super|gut|schön|prima|klasse|spitze|stark|großartig|hervorragend|"
        r"ausgezeichnet|perfekt|okay|ok|schlecht|schlimm|furchtbar|katastrophal|gut gemacht|"
        r"weiter so|sei mehr|sei weniger|selbstbewusster|souveräner|proaktiver|"
        r"durchsetzungsstärker|besser kommunizieren|teamplayer|teamfähig|professionell|"
        r"unprofessionell|einstellung|haltung|immer|nie|niemals|ständig|irgendwie|ganz gut|"
        r"ganz okay|eigentlich ganz|passt schon|nicht schlecht"
    ),
    observable=_words_of(
        r"gesagt|sagtest|sagte|gefragt|fragtest|fragte|nachgefragt|erzählt|erzähltest|"
        r"geschrieben|schriebst|schrieb|geschickt|geantwortet|antwortetest|unterbrochen|"
        r"unterbrachst|unterbrach|pausiert|innegehalten|zugehört|zusammengefasst|fasstest|"
        r"präsentiert|präsentiertest|vorgestellt|erklärt|erklärtest|eröffnet|begonnen|"
        r"angefangen|beendet|vorgeschlagen|schlugst|genannt|nanntest|bedankt|eingeladen|"
        r"geteilt|gezeigt|zeigtest|hingewiesen|angeschaut|gelächelt|genickt|angesprochen|"
        r"sprachst|gesprochen|geredet|wiederholt|paraphrasiert|zugestimmt|widersprochen|"
        r"hinterfragt|aufgehört|gewartet|wartetest|übersprungen|geleitet|moderiert|"
        r"moderiertest|gezeichnet|vorgelesen|gelesen|getippt|angerufen|gemailt|erwähnt|"
        r"erwähntest|beschrieben|angeboten|anerkannt|abgesagt|teilgenommen|verlassen|"
        r"gegeben|gabst|genommen|nahmst|benutzt|verwendet|gestellt|stelltest|notiert|"
        r"aufgeschrieben|zitiert|gemacht|machtest|gelassen|ließt|aufgegriffen"
    ),
    quote=re.compile(r"[„\"“”']\s*\w[^„\"“”]{3,}[\"“”']"),
    when_or_where=_words_of(
        r"gestern|vorgestern|heute|heute morgen|letzte[nrs]? (woche|monat|sprint|mal)|"
        r"(am )?(montag|dienstag|mittwoch|donnerstag|freitag)|während|im|in der|in unserem|"
        r"in unserer|in deinem|in deiner|beim|bei der|als|nachdem|meeting|besprechung|termin|"
        r"call|telefonat|review|retro|retrospektive|stand-?up|daily|weekly|workshop|"
        r"präsentation|vortrag|demo|1:1|einzelgespräch|e-mail|mail|thread|chat|interview|"
        r"vorstellungsgespräch|treffen|planung|kick-?off|kundentermin"
    ),
    effect=_words_of(
        r"sodass|so dass|dadurch|daraufhin|deshalb|darum|weil|denn|also|danach|seitdem|"
        r"führte|geführt|bewirkt|half|geholfen|wirkte|gewirkt|fühlte|gefühlt|schien|"
        r"begann|hörte|konnte|konnten|verloren|gewonnen|verändert|geändert|verstanden|"
        r"verstand|entschieden|beschlossen|beteiligt|still|verwirrt|entspannt|ruhiger|"
        r"offener|traute|trauten"
    ),
    next_step=_words_of(
        r"nächste[ns]? mal|beim nächsten|versuch|versuche|probier|probiere|behalte|behalt|"
        r"bleib dabei|mach weiter|fang|fange|hör auf|höre auf|mehr davon|öfter|häufiger|"
        r"stattdessen|statt|vorher|bevor|frag|frage|eröffne|beginne|starte|warte|"
        r"fass|fasse|lade|üb|übe|üben|plane|plan|achte|nimm|sprich|schreib|schreibe"
    ),
    generic_next=re.compile(
        r"^\s*(weiter so|mach weiter so|bleib so|sei (mehr|weniger)\s+\w+|sei\s+\w+er"
        r"|werde?\s+\w+er|mach(e)? es besser|sei besser|einfach besser werden)\W*$",
        re.IGNORECASE,
    ),
)
TABLES = {"en": ENGLISH, "de": GERMAN}


def words_for(language: str | None = None) -> Words:
    """The tables for ``language`` (default: the active one); English for any other."""
    code = (language or translation.get_language() or "en").split("-")[0].lower()
    return TABLES.get(code, ENGLISH)


HINTS = {
    "situation": (
        _("Say when and where it happened."),
        _("“In Tuesday's planning meeting, when the budget came up…”"),
    ),
    "behaviour": (
        _("Describe what the person said or did, as a camera would have seen it."),
        _("“…you summarized Priya's concern before giving your view…”"),
    ),
    "impact": (
        _("Say what it changed: for the people there, or for the result."),
        _("“…and she relaxed and added two details nobody had heard.”"),
    ),
    "next_step": (
        _("Offer one concrete thing to keep or to try next time."),
        _("“Next time, try it with the quietest person in the room.”"),
    ),
}


@dataclass(frozen=True)
class Assessment:
    score: int
    missing: list[str] = field(default_factory=list)

    @property
    def hints(self) -> list[tuple[str, StrOrPromise, StrOrPromise]]:
        """(part, hint, example) for each missing part, in the order of the form."""
        return [(part, *HINTS[part]) for part in HINTS if part in self.missing]


def _words(text: str, words: Words) -> int:
    return len(words.word.findall(text))


def names_situation(text: str, words: Words = ENGLISH) -> bool:
    return _words(text, words) >= 3 and bool(words.when_or_where.search(text))


def names_behaviour(text: str, words: Words = ENGLISH) -> bool:
    """Observable: a verb of doing or saying, or a quotation; and not only a judgement."""
    if _words(text, words) < 3:
        return False
    observable = bool(words.observable.search(text) or words.quote.search(text))
    judgement_only = bool(words.vague.search(text)) and not observable
    return observable and not judgement_only


def names_impact(text: str, words: Words = ENGLISH) -> bool:
    return _words(text, words) >= 3 and bool(words.effect.search(text))


def names_next_step(text: str, words: Words = ENGLISH) -> bool:
    return (
        _words(text, words) >= 3
        and bool(words.next_step.search(text))
        and not words.generic_next.match(text)
    )


def assess(
    *,
    situation: str = "",
    behaviour: str = "",
    impact: str = "",
    suggestion: str = "",
    language: str | None = None,
) -> Assessment:
    """Score the four texts with the tables of the writer's ``language`` (default: the
    language of the request)."""
    words = words_for(language)
    checks = {
        "situation": names_situation(situation, words),
        "behaviour": names_behaviour(behaviour, words),
        "impact": names_impact(impact, words),
        "next_step": names_next_step(suggestion, words),
    }
    missing = [part for part, ok in checks.items() if not ok]
    return Assessment(score=4 - len(missing), missing=missing)
