"""The open-question coach: does a question someone writes (an agenda point, a prompt of
the library, a question prepared for a session) invite a real answer? Pure rules, no
outside service, like the specificity coach (``feedback.specificity``).

Each language has its own rules (``ENGLISH``, ``GERMAN``), chosen by the language of the
person writing. Each question sentence is one of four kinds:

- ``open``: it starts with what, how, which, where, when, who, or asks to tell, describe
  or walk through; "why" is open too but can sound like blame, so the coach suggests
  "what led to…" instead;
- ``closed``: it starts with an auxiliary verb (did, is, can, would…): the answer can stop
  at yes or no;
- ``leading``: it holds its own answer ("Don't you agree that…", "Wouldn't it be better
  to…", "…, right?");
- ``not_a_question``: a statement or a topic; the coach says nothing about it.

A closed or leading question comes with an open rewrite built by rules from its words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_lazy as _

OPEN, CLOSED, LEADING, NOT_A_QUESTION = "open", "closed", "leading", "not_a_question"
# The order a text's verdict takes: its most worrying sentence.
SEVERITY = {NOT_A_QUESTION: 0, OPEN: 1, CLOSED: 2, LEADING: 3}

# What the coach reads of a long text: enough for any question anyone types by hand.
READ_LIMIT = 2000

REASONS = {
    OPEN: _("An open question: it invites a real answer in the other person's own words."),
    CLOSED: _("This reads as a yes/no question: the answer can stop at one word."),
    LEADING: _("This suggests its own answer: the other person may simply agree."),
    NOT_A_QUESTION: "",
}
WHY_REASON = _(
    "An open question, but “why” can sound like blame: asking what led to it invites the "
    "same story more gently."
)

AUXILIARY = (
    r"did|do|does|is|are|am|was|were|can|could|will|would|should|shall|have|has|had|may|might"
)
NEGATIVE_AUXILIARY = (
    r"don't|doesn't|didn't|isn't|aren't|wasn't|weren't|can't|couldn't|won't|wouldn't|"
    r"shouldn't|haven't|hasn't|hadn't|mustn't"
)
# Who or what an auxiliary opener asks about: "Will you…" is a question, "Will presents…"
# (someone called Will) is not.
SUBJECT = (
    r"you|i|we|they|he|she|it|there|this|that|these|those|the|a|an|my|your|our|their|his|"
    r"her|its|anyone|anybody|someone|somebody|everyone|everybody|anything|something|"
    r"everything|nothing|people"
)
OPEN_WORDS = r"what|how|which|where|when|who|whom|whose|in what way|to what extent"
# Requests that ask for a story: open, with or without a question mark.
STORY_REQUEST = (
    r"tell (me|us)|describe|walk (me|us) through|talk (me|us) through|explain|share|"
    r"say more|give (me |us )?an example|paint (me |us )?a picture"
)
# "…, right?", "…, didn't you?": a statement asking to be confirmed.
TAG_WORDS = (
    r",\s*(?:right|correct|yes|no|surely|ok|okay|yeah|true|agreed|"
    rf"(?:{NEGATIVE_AUXILIARY})\s+(?:{SUBJECT}))\s*"
)
TAG = re.compile(rf"{TAG_WORDS}\?$", re.IGNORECASE)
LEADING_OPENER = re.compile(
    rf"^(?:(?:{NEGATIVE_AUXILIARY})\b|(?:{AUXILIARY})\s+(?:{SUBJECT})\s+not\b|"
    r"surely\b|obviously\b|wouldn't you say\b|isn't it true\b|is it fair to say\b|"
    r"do you agree\b|would you agree\b|do you (?:really )?think (?:that )?\w+ should\b|"
    r"would it (?:not )?be (?:better|best|wiser|easier|smarter)\b)",
    re.IGNORECASE,
)
OPEN_OPENER = re.compile(rf"^(?:{OPEN_WORDS})\b", re.IGNORECASE)
WHY_OPENER = re.compile(r"^why\b", re.IGNORECASE)
STORY_OPENER = re.compile(
    rf"^(?:(?:please\s+)?(?:{STORY_REQUEST})\b|(?:can|could|would|will)\s+you\s+(?:please\s+)?"
    rf"(?:{STORY_REQUEST})\b)",
    re.IGNORECASE,
)
# With a question mark any auxiliary opener asks yes or no; without, only one followed by
# who or what it asks about.
AUXILIARY_OPENER = re.compile(rf"^(?:{AUXILIARY})\b", re.IGNORECASE)
CLOSED_OPENER = re.compile(rf"^(?:{AUXILIARY})\s+(?:{SUBJECT})\s+\w", re.IGNORECASE)

# Pieces of a sentence the rewrites are built from (``rest`` is what follows the opener).
REST = r"(?P<rest>[^?]+?)"
SUFFIX = r"\s*\??$"


@dataclass(frozen=True)
class SentenceAdvice:
    """One question sentence: its kind, why, and an open way to ask it ("" when none)."""

    sentence: str
    kind: str
    reason: str
    rewrite: str = ""


@dataclass(frozen=True)
class QuestionAdvice:
    """The coach's advice on a text: ``kind`` is its most worrying sentence's; ``reason``
    and ``rewrite`` are that sentence's; ``sentences`` holds every question sentence."""

    kind: str
    sentences: tuple[SentenceAdvice, ...] = ()

    @property
    def _first(self) -> SentenceAdvice | None:
        return next((s for s in self.sentences if s.kind == self.kind), None)

    @property
    def reason(self) -> str:
        return self._first.reason if self._first else ""

    @property
    def rewrite(self) -> str:
        return self._first.rewrite if self._first else ""

    @property
    def needs_rewrite(self) -> bool:
        return self.kind in (CLOSED, LEADING)

    @property
    def to_rewrite(self) -> list[SentenceAdvice]:
        """The closed and leading sentences, and the "why" questions worth rephrasing."""
        return [s for s in self.sentences if s.rewrite]


# ---------------------------------------------------------------- rewriting

# Function words a clause may start with, lowered when the clause moves mid-sentence.
LOWER_FIRST = re.compile(
    r"^(You|I've|We|They|He|She|It|It's|There|This|That|These|Those|The|A|An|My|Your|Our|"
    r"Their|His|Her|Its|Everyone|Someone|Nobody|People)\b"
)


def _clause(text: str) -> str:
    text = text.strip(" ,;:")
    return LOWER_FIRST.sub(lambda m: m.group(1) if m.group(1) == "I" else m.group(1).lower(), text)


def _options(match: re.Match) -> str:
    subject = (match.groupdict().get("subject") or "you").lower()
    subject = "I" if subject == "i" else subject
    return f"What options do you see, and what would happen if {subject} {_clause(match['rest'])}?"


def _view(match: re.Match) -> str:
    return f"How do you see it: {_clause(match['rest'])}, or something else?"


def _went_well(match: re.Match) -> str:
    return f"What went well in {_clause(match['rest'])}, and what would you change?"


def _went(match: re.Match) -> str:
    return f"How did {_clause(match['rest'])} go, and what would you change?"


def _adjective(match: re.Match) -> str:
    verb = match["verb"].lower()
    verb = {"are": "is", "were": "was"}.get(verb, verb)
    adjective, thing = match["adjective"].lower(), _clause(match["rest"])
    return f"What {verb} {adjective} about {thing}, and what {verb} not?"


def _made_it(match: re.Match) -> str:
    makes = "made" if match["verb"].lower() == "was" else "makes"
    return f"What {makes} it {match['adjective'].lower()} {_clause(match['rest'])}?"


def _changed(match: re.Match) -> str:
    return f"What has changed {_clause(match['rest'])}?"


def _there(match: re.Match) -> str:
    ending = "came up" if match["verb"].lower() in ("was", "were") else "do you see"
    return f"What {_clause(match['rest'])} {ending}?"


def _makes(match: re.Match) -> str:
    makes = "made" if match["verb"].lower() in ("was", "were") else "makes"
    return f"What {makes} {_clause(match['rest'])}?"


def _tried(match: re.Match) -> str:
    return f"How did it go when you tried to {_clause(match['rest'])}?"


def _makes_you(match: re.Match) -> str:
    return f"What makes you {_clause(match['rest'])}, or not?"


def _have(match: re.Match) -> str:
    return f"What {_clause(match['rest'])} do you have in mind?"


def _would_take(match: re.Match) -> str:
    return f"What would it take for you to {_clause(match['rest'])}?"


def _should(match: re.Match) -> str:
    subject = match["subject"].lower()
    subject = "I" if subject == "i" else subject
    rest = _clause(match["rest"])
    negation = "don't" if subject in ("I", "we", "you", "they") else "doesn't"
    return f"What would change if {subject} {rest}, and what if {subject} {negation}?"


def _led_you(match: re.Match) -> str:
    return f"What led you to {_clause(match['rest'])}?"


def _made_it_hard(match: re.Match) -> str:
    return f"What made it hard to {_clause(match['rest'])}?"


def _leads_you(match: re.Match) -> str:
    return f"What leads you to think {_clause(match['rest'])}?"


def _fixed(text: str) -> Callable[[re.Match], str]:
    return lambda _match: text


ADJECTIVES = (
    r"good|bad|useful|helpful|hard|difficult|easy|clear|fair|ok|okay|fine|worth it|right|"
    r"wrong|stressful|fun|interesting|realistic|important|enough"
)
SUBJECTS_ASKED = r"(?P<subject>you|we|i)"


def _rule(pattern: str, build: Callable[[re.Match], str]) -> tuple[re.Pattern, Callable]:
    return re.compile(f"^{pattern}{SUFFIX}", re.IGNORECASE), build


# First match wins; the last rule of each list is its fallback.
LEADING_RULES = [
    _rule(rf"do you (?:really )?think (?:that )?{SUBJECTS_ASKED} should {REST}", _options),
    _rule(
        rf"(?:wouldn't|would) it (?:not )?be (?:better|best|wiser|easier|smarter) "
        rf"(?:to|if you) {REST}",
        _options,
    ),
    _rule(rf"shouldn't {SUBJECTS_ASKED} {REST}", _options),
    _rule(
        rf"(?:don't you (?:agree|think|feel)|do you agree|would you agree|wouldn't you say|"
        rf"isn't it true|is it fair to say|isn't it clear|surely|obviously)(?: that)?,? {REST}",
        _view,
    ),
    _rule(rf"{REST}{TAG_WORDS}", _view),
    _rule(rf"didn't you {REST}", _tried),
    _rule(rf"don't you {REST}", _makes_you),
    _rule(rf"(?:can't|couldn't|won't|wouldn't) {SUBJECTS_ASKED} {REST}", _options),
    _rule(r".*", _fixed("How do you see it, and what makes you see it that way?")),
]
CLOSED_RULES = [
    _rule(rf"did {REST} go well", _went_well),
    _rule(rf"did {REST} go (?:badly|ok|okay|all right|alright|fine|as planned)", _went),
    _rule(
        r"(?:is|was|are|were) (?:everything|it all|things|all) "
        r"(?:ok|okay|fine|alright|all right|good|going well)",
        _fixed("How are things going for you, and what is on your mind?"),
    ),
    _rule(rf"(?P<verb>is|was) it (?P<adjective>{ADJECTIVES}) {REST}", _made_it),
    _rule(rf"(?P<verb>is|are|was|were) {REST} (?P<adjective>{ADJECTIVES})", _adjective),
    _rule(rf"(?P<verb>is|are|was|were) there (?:any |anything |a |an )?{REST}", _there),
    _rule(rf"(?:has|have) (?:anything|something|much) changed {REST}", _changed),
    _rule(
        r"(?:have|has) (?:you|they|we) tried\b.*",
        _fixed("What have you tried so far, and what happened?"),
    ),
    _rule(rf"did you {REST}", _tried),
    _rule(rf"(?:do|does) you (?:have|get) (?:a |an |any |some )?{REST}", _have),
    _rule(rf"do you {REST}", _makes_you),
    _rule(rf"(?:can|could|will|would) you {REST}", _would_take),
    _rule(rf"should {SUBJECTS_ASKED} {REST}", _should),
    _rule(r"(?:did|was|were|had)\b.*", _fixed("What happened, and what stood out for you?")),
    _rule(
        r"(?:can|could|will|would|should|shall|may|might)\b.*",
        _fixed("What would it take, and what might get in the way?"),
    ),
    _rule(r".*", _fixed("How do you see it, and what makes you see it that way?")),
]
WHY_RULES = [
    _rule(rf"why do you think (?:that )?{REST}", _leads_you),
    _rule(
        rf"why (?:didn't|did not|don't|do not|can't|couldn't|wouldn't) you {REST}", _made_it_hard
    ),
    _rule(rf"why (?:did|do|would) you {REST}", _led_you),
    _rule(rf"why (?P<verb>is|are|was|were) {REST}", _makes),
    _rule(r".*", _fixed("What led to that, as you see it?")),
]


def _rewrite(rules: list[tuple[re.Pattern, Callable]], sentence: str) -> str:
    for pattern, build in rules:
        match = pattern.match(sentence)
        if match:
            return build(match)
    raise AssertionError("every list of rules ends with a fallback")  # pragma: no cover


@dataclass(frozen=True)
class Rules:
    """One language's openers (how its questions start) and its lists of rewrites."""

    story_opener: re.Pattern
    tag: re.Pattern
    leading_opener: re.Pattern
    why_opener: re.Pattern
    open_opener: re.Pattern
    closed_opener: re.Pattern
    auxiliary_opener: re.Pattern
    leading: list[tuple[re.Pattern, Callable]]
    closed: list[tuple[re.Pattern, Callable]]
    why: list[tuple[re.Pattern, Callable]]


ENGLISH = Rules(
    story_opener=STORY_OPENER,
    tag=TAG,
    leading_opener=LEADING_OPENER,
    why_opener=WHY_OPENER,
    open_opener=OPEN_OPENER,
    closed_opener=CLOSED_OPENER,
    auxiliary_opener=AUXILIARY_OPENER,
    leading=LEADING_RULES,
    closed=CLOSED_RULES,
    why=WHY_RULES,
)


# ---------------------------------------------------------------- German

# German asks yes or no by putting the verb first ("Hast du…", "Ist…", "Kannst du…",
# "Gibt es…"); open questions start with a W-word ("Was", "Wie", "Woran", "Wofür",
# "Welche"…). Rewrites keep the writer's words where German word order allows.
DE_VERB = (
    r"hast|hat|habt|haben|hattest|hatte|hattet|hatten|hättest|hätte|hätten|bist|ist|seid|"
    r"sind|warst|war|wart|waren|wärst|wäre|wären|kannst|kann|könnt|können|konntest|konnte|"
    r"konnten|könntest|könnte|könnten|willst|will|wollt|wollen|wolltest|wollte|wirst|wird|"
    r"werdet|werden|würdest|würde|würdet|würden|sollst|soll|sollt|sollen|solltest|sollte|"
    r"solltet|sollten|musst|muss|müsst|müssen|musstest|musste|müsstest|müsste|darfst|darf|"
    r"dürft|dürfen|durftest|durfte|gibt|gab|gäbe|läuft|lief|klappt|klappte|geht|ging|"
    r"machst|macht|findest|fandest|glaubst|denkst|meinst|weiß|weißt|wusstest|magst|fühlst|"
    r"fühltest|siehst|brauchst|kennst|verstehst|hilft|half|passt|stimmt|möchtest|fällt|fiel"
)
# Who or what a verb opener asks about: "Ist das Ziel…", "Hilft dir…", "Gibt es…".
DE_SUBJECT = (
    r"du|ihr|sie|er|es|wir|ich|man|das|dies|dieser|diese|dieses|der|die|den|dem|ein|eine|"
    r"einen|dein|deine|deinen|deinem|euer|eure|unser|unsere|mein|meine|jemand|etwas|"
    r"irgendwas|irgendjemand|alles|alle|nichts|dir|dich|mir|mich|uns|euch|ihm|sich"
)
DE_OPEN_WORDS = (
    r"was|wie|welche|welcher|welches|welchen|welchem|wo|wann|wer|wen|wem|wessen|"
    r"wo(?:r?(?:an|auf|aus|in|über|um|unter)|bei|durch|für|gegen|hin|her|mit|nach|von|vor|zu)|"
    r"inwiefern|inwieweit|(?:in|an|auf|mit|bei|aus|für|von) (?:welche[rmns]?|wem|wen)"
)
DE_STORY_REQUEST = (
    r"erzähl|erzähle|beschreib|beschreibe|schildere|schilder|erklär|erkläre|zeig mir|"
    r"geh mit mir|gib mir ein beispiel|sag mehr|nimm mich mit"
)
DE_TAG_WORDS = (
    r",\s*(?:oder|oder nicht|nicht|nicht wahr|stimmt's|stimmts|stimmt doch|richtig|gell|"
    r"ne|ja|korrekt|einverstanden)\s*"
)
DE_ADJECTIVES = (
    r"gut|schlecht|hilfreich|nützlich|schwer|schwierig|leicht|einfach|klar|fair|okay|ok|"
    r"richtig|falsch|stressig|anstrengend|interessant|realistisch|wichtig|sinnvoll|machbar|"
    r"genug|fertig"
)
DE_WOULD = {"ich": "würde", "du": "würdest", "wir": "würden", "ihr": "würdet"}
# An infinitive at the end of a clause: "leiten", "ändern", "sammeln".
DE_INFINITIVE = r"(?P<verb>[^\W\d_]+(?:en|ern|eln))"
# A past participle at the end of a clause: "gesprochen", "zusammengefasst", "moderiert".
DE_PARTICIPLE = r"(?P<rest>[^?]*?\b(?:(?=[^\W\d_]*ge)[^\W\d_]+(?:t|en)|[^\W\d_]+iert))"


def _opener(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE)


def _de_options(match: re.Match) -> str:
    subject = match["subject"].lower()
    rest = re.sub(r"\bnicht\s+", "", match["rest"].strip(" ,"), count=1)
    would = DE_WOULD.get(subject, "würde")
    return (
        f"Welche Möglichkeiten siehst du, und was würde passieren, wenn {subject} {rest} {would}?"
    )


def _de_options_if(match: re.Match) -> str:
    return f"Welche Möglichkeiten siehst du, und was würde sich ändern, wenn {match['rest']}?"


def _de_options_to(match: re.Match) -> str:
    return f"Welche Möglichkeiten siehst du, und was spräche dafür, {match['rest']}?"


def _de_for_and_against(match: re.Match) -> str:
    return f"Was spricht aus deiner Sicht dafür, dass {match['rest']}, und was dagegen?"


def _de_view(match: re.Match) -> str:
    return f"Wie siehst du es: {match['rest'].strip(' ,')}, oder ganz anders?"


def _de_went(match: re.Match) -> str:
    return f"Wie ist {match['rest']} gelaufen, und was würdest du ändern?"


def _de_made_it(match: re.Match) -> str:
    adjective, rest = match["adjective"].lower(), match["rest"]
    if match["verb"].lower() == "war":
        return f"Was hat es {adjective} gemacht, {rest}?"
    return f"Was macht es {adjective}, {rest}?"


def _de_how_adjective(match: re.Match) -> str:
    adjective, verb = match["adjective"].lower(), match["verb"].lower()
    return f"Wie {adjective} {verb} {match['rest']}, und woran machst du das fest?"


def _de_there(match: re.Match) -> str:
    if match["verb"].lower() == "gab":
        return f"Welche {match['rest']} gab es, und wie bist du damit umgegangen?"
    return f"Welche {match['rest']} siehst du?"


def _de_changed(match: re.Match) -> str:
    return f"Was hat sich {match['rest']} verändert?"


def _de_when_you(match: re.Match) -> str:
    return f"Wie ist es gelaufen, als du {match['rest']} {match['aux'].lower()}?"


def _de_have_in_mind(match: re.Match) -> str:
    article = match["article"].lower()
    article = "" if article == "irgendwelche" else f"{article} "
    return f"Was für {article}{match['rest']} hast du im Kopf?"


def _de_would_take(match: re.Match) -> str:
    return f"Was bräuchtest du, um {match['rest']} {match['verb']} zu können?"


def _de_should(match: re.Match) -> str:
    subject = match["subject"].lower()
    would = DE_WOULD.get(subject, "würde")
    return (
        f"Was würde sich ändern, wenn {subject} {match['rest']} {match['verb']} {would}, "
        "und was, wenn nicht?"
    )


def _de_feeling(match: re.Match) -> str:
    return f"Was gibt dir das Gefühl, {match['rest']} zu sein, und was nicht?"


def _de_what_makes_you_sure(match: re.Match) -> str:
    return f"Woran machst du fest, dass {match['rest']}?"


def _de_how_it_came(match: re.Match) -> str:
    subject = "du " if match.groupdict().get("you") else ""
    return f"Wie kam es dazu, dass {subject}{match['rest']} {match['verb'].lower()}?"


DE_VIEW_FALLBACK = _fixed("Wie siehst du das, und woran machst du das fest?")
DE_THINK = r"(?:findest|meinst|denkst|glaubst)"
DE_WHY = r"(?:warum|wieso|weshalb|weswegen)"
DE_SUBJECTS_ASKED = r"(?P<subject>du|wir|ich|ihr|man)"

DE_LEADING_RULES = [
    _rule(
        rf"{DE_THINK} du(?: wirklich| ernsthaft)?,? (?:dass )?{DE_SUBJECTS_ASKED} {REST} "
        r"(?:solltest|sollten|sollte|solltet)",
        _de_options,
    ),
    _rule(
        rf"{DE_THINK} du(?: wirklich| ernsthaft)?,? {DE_SUBJECTS_ASKED} "
        rf"(?:solltest|sollten|sollte|solltet) {REST}",
        _de_options,
    ),
    _rule(
        r"wäre es (?:nicht )?(?:besser|klüger|sinnvoller|einfacher|leichter|am besten),? "
        rf"wenn {REST}",
        _de_options_if,
    ),
    _rule(
        r"wäre es (?:nicht )?(?:besser|klüger|sinnvoller|einfacher|leichter|am besten),? "
        rf"{REST}",
        _de_options_to,
    ),
    _rule(
        rf"(?:{DE_THINK} du nicht(?: auch)?|ist es nicht so|ist es nicht klar|"
        r"stimmst du (?:mir )?zu|bist du (?:nicht )?(?:auch )?(?:der meinung|einverstanden)|"
        rf"kann man sagen|ist es fair zu sagen|wäre es fair zu sagen),? dass {REST}",
        _de_for_and_against,
    ),
    _rule(rf"{REST}{DE_TAG_WORDS}", _de_view),
    _rule(
        r"(?:solltest|sollten|sollte|solltet|kannst|können|könnten|könntest) "
        rf"{DE_SUBJECTS_ASKED} {REST}",
        _de_options,
    ),
    _rule(r".*", DE_VIEW_FALLBACK),
]
DE_CLOSED_RULES = [
    _rule(
        r"(?:(?:ist|war) (?:alles|es) (?:gut|okay|ok|in ordnung)|(?:läuft|lief) alles "
        r"(?:gut|okay|ok|rund)|geht es dir gut|alles (?:gut|okay|klar))\b.*",
        _fixed("Wie geht es dir gerade, und was beschäftigt dich?"),
    ),
    _rule(
        rf"(?:lief|ging|verlief) {REST} (?:gut|schlecht|okay|ok|glatt|rund|wie geplant|"
        r"nach plan)",
        _de_went,
    ),
    _rule(
        rf"(?:ist|war) {REST} (?:gut|schlecht|okay|ok|glatt|rund|wie geplant|nach plan) "
        r"(?:gelaufen|verlaufen)",
        _de_went,
    ),
    _rule(rf"(?:hat|hatte) {REST} (?:gut )?geklappt", _de_went),
    _rule(rf"(?P<verb>ist|war) es (?P<adjective>{DE_ADJECTIVES}),? {REST}", _de_made_it),
    _rule(
        rf"(?P<verb>ist|sind|war|waren) {REST} (?:zu |wirklich |eigentlich )?"
        rf"(?P<adjective>{DE_ADJECTIVES})",
        _de_how_adjective,
    ),
    _rule(
        r"(?P<verb>gibt|gab) es (?:noch |irgendwelche |schon |denn )*"
        r"(?P<rest>(?-i:[A-ZÄÖÜ])[^\W\d_]+)",
        _de_there,
    ),
    _rule(
        rf"(?:hat|hatte) sich {REST} (?:etwas|was|viel|einiges) (?:verändert|geändert)", _de_changed
    ),
    _rule(
        r"(?:hast|habt|hat) (?:du|ihr|sie|er) (?:schon |bereits |mal |einmal )*"
        r"(?:versucht|probiert)\b.*",
        _fixed("Was hast du schon versucht, und was ist passiert?"),
    ),
    _rule(rf"(?P<aux>hast|bist) du {DE_PARTICIPLE}", _de_when_you),
    _rule(rf"hast du (?P<article>einen|eine|ein|irgendwelche) {REST}", _de_have_in_mind),
    _rule(
        rf"(?:kannst|könntest|wirst|würdest|willst|möchtest) du {REST} {DE_INFINITIVE}",
        _de_would_take,
    ),
    _rule(
        rf"(?:soll|sollte|sollen|sollten|solltest) {DE_SUBJECTS_ASKED} {REST} {DE_INFINITIVE}",
        _de_should,
    ),
    _rule(rf"{DE_THINK} du,? dass {REST}", _de_for_and_against),
    _rule(rf"fühlst du dich {REST}", _de_feeling),
    _rule(
        r"(?:hast|hattest|hat|hatte|hatten|bist|war|warst|waren|gab|lief|ging)\b.*",
        _fixed("Was ist passiert, und was ist dir dabei aufgefallen?"),
    ),
    _rule(
        r"(?:kannst|kann|können|könntest|könnte|wirst|wird|werden|würdest|würde|solltest|"
        r"sollte|soll|willst|darf|darfst|musst|muss)\b.*",
        _fixed("Was bräuchte es dafür, und was könnte im Weg stehen?"),
    ),
    _rule(r".*", DE_VIEW_FALLBACK),
]
DE_WHY_RULES = [
    _rule(rf"{DE_WHY} {DE_THINK} du,? dass {REST}", _de_what_makes_you_sure),
    _rule(
        rf"{DE_WHY} {DE_THINK} du (?:das|so)",
        _fixed("Was bringt dich zu dieser Einschätzung?"),
    ),
    _rule(rf"{DE_WHY} (?P<verb>hast|bist) (?P<you>du) {REST}", _de_how_it_came),
    _rule(rf"{DE_WHY} (?P<verb>ist|sind|war|waren) {REST}", _de_how_it_came),
    _rule(r".*", _fixed("Wie ist es dazu gekommen, aus deiner Sicht?")),
]

GERMAN = Rules(
    story_opener=_opener(
        rf"^(?:(?:bitte\s+)?(?:{DE_STORY_REQUEST})\b|(?:kannst|könntest|magst|möchtest|willst|"
        r"würdest) du (?:mir |uns )?(?:bitte )?(?:[^,?]*\s)?(?:erzählen|beschreiben|"
        r"schildern|erklären|ausführen|durchgehen)\b)"
    ),
    tag=_opener(rf"{DE_TAG_WORDS}\?$"),
    leading_opener=_opener(
        rf"^(?:(?:{DE_VERB})\s+(?:{DE_SUBJECT})\s+nicht\b|{DE_THINK} du nicht\b|"
        r"wäre es (?:nicht )?(?:besser|klüger|sinnvoller|einfacher|leichter|am besten)\b|"
        r"ist es nicht so\b|stimmst du (?:mir )?zu\b|bist du (?:nicht )?(?:auch )?"
        r"(?:der meinung|einverstanden)\b|kann man sagen\b|(?:ist|wäre) es fair zu sagen\b|"
        r"sicher(?:lich)?\b|offensichtlich\b|"
        rf"{DE_THINK} du(?: wirklich| ernsthaft)?,? (?:dass )?(?:du|wir|ich|ihr|man)\b.*"
        r"\bsollte)"
    ),
    why_opener=_opener(rf"^{DE_WHY}\b"),
    open_opener=_opener(rf"^(?:{DE_OPEN_WORDS})\b"),
    closed_opener=_opener(rf"^(?:{DE_VERB})\s+(?:{DE_SUBJECT})\s+\w"),
    # With a question mark: a known verb first, or any word followed by a pronoun
    # ("Traust du dir das zu?").
    auxiliary_opener=_opener(rf"^(?:(?:{DE_VERB})\b|[^\W\d_]+\s+(?:du|ihr|wir|ich|man)\b)"),
    leading=DE_LEADING_RULES,
    closed=DE_CLOSED_RULES,
    why=DE_WHY_RULES,
)
RULES = {"en": ENGLISH, "de": GERMAN}


# ---------------------------------------------------------------- assessing

# A question mark ends a sentence even when the next one follows without a space.
SENTENCE_END = re.compile(r"(?<=[?!])(?![?!])\s*|(?<=\.)\s+|\n+")
QUESTION_MARKS = re.compile(r"[?!]*\?[?!]*")
# A list marker or quotation around an agenda point: "1. ", "- ", "“…”".
DECORATION = re.compile(r"^[\s\-*•\d.)„“”\"']+|[\s„“”\"']+$")


def _sentences(text: str) -> list[str]:
    text = text[:READ_LIMIT].replace("’", "'").replace("‘", "'")
    text = QUESTION_MARKS.sub("?", text)  # "Really?!" asks as "Really?" does
    parts = (" ".join(DECORATION.sub("", part).split()) for part in SENTENCE_END.split(text))
    return list(dict.fromkeys(part for part in parts if part))  # each sentence once, in order


def assess_sentence(sentence: str, rules: Rules = ENGLISH) -> SentenceAdvice:
    """The kind of one sentence, why, and an open rewrite when it needs one."""
    is_question = sentence.endswith("?")
    if rules.story_opener.match(sentence):
        return SentenceAdvice(sentence, OPEN, str(REASONS[OPEN]))
    if is_question and (rules.tag.search(sentence) or rules.leading_opener.match(sentence)):
        return SentenceAdvice(
            sentence, LEADING, str(REASONS[LEADING]), _rewrite(rules.leading, sentence)
        )
    if is_question and rules.why_opener.match(sentence):
        return SentenceAdvice(sentence, OPEN, str(WHY_REASON), _rewrite(rules.why, sentence))
    if is_question and rules.open_opener.match(sentence):
        return SentenceAdvice(sentence, OPEN, str(REASONS[OPEN]))
    if rules.closed_opener.match(sentence) or (
        is_question and rules.auxiliary_opener.match(sentence)
    ):
        return SentenceAdvice(
            sentence, CLOSED, str(REASONS[CLOSED]), _rewrite(rules.closed, sentence)
        )
    return SentenceAdvice(sentence, NOT_A_QUESTION, "")


def rules_for(language: str | None = None) -> Rules:
    """The rules for ``language`` (default: the active one); English for any other."""
    code = (language or translation.get_language() or "en").split("-")[0].lower()
    return RULES.get(code, ENGLISH)


def assess_question(text: str, language: str | None = None) -> QuestionAdvice:
    """The coach's advice on ``text``, read with the rules of the writer's ``language``
    (default: the language of the request), its reasons in that language: each question
    sentence assessed; statements are left alone. Deterministic, and fast on any length (it
    reads ``READ_LIMIT`` characters)."""
    rules = rules_for(language)
    with translation.override(language) if language else nullcontext():
        sentences = tuple(
            advice
            for advice in (assess_sentence(part, rules) for part in _sentences(text or ""))
            if advice.kind != NOT_A_QUESTION
        )
    kind = max((s.kind for s in sentences), key=SEVERITY.__getitem__, default=NOT_A_QUESTION)
    return QuestionAdvice(kind=kind, sentences=sentences)
