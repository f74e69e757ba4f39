"""The open-question coach: does a question someone writes (an agenda point, a prompt of
the library, a question prepared for a session) invite a real answer? Pure rules, no
outside service, like the specificity coach (``feedback.specificity``).

Each question sentence is one of four kinds:

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
from dataclasses import dataclass

OPEN, CLOSED, LEADING, NOT_A_QUESTION = "open", "closed", "leading", "not_a_question"
# The order a text's verdict takes: its most worrying sentence.
SEVERITY = {NOT_A_QUESTION: 0, OPEN: 1, CLOSED: 2, LEADING: 3}

# What the coach reads of a long text: enough for any question anyone types by hand.
READ_LIMIT = 2000

REASONS = {
    OPEN: "An open question: it invites a real answer in the other person's own words.",
    CLOSED: "This reads as a yes/no question: the answer can stop at one word.",
    LEADING: "This suggests its own answer: the other person may simply agree.",
    NOT_A_QUESTION: "",
}
WHY_REASON = (
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


# ---------------------------------------------------------------- assessing

# A question mark ends a sentence even when the next one follows without a space.
SENTENCE_END = re.compile(r"(?<=[?!])(?![?!])\s*|(?<=\.)\s+|\n+")
QUESTION_MARKS = re.compile(r"[?!]*\?[?!]*")
# A list marker or quotation around an agenda point: "1. ", "- ", "“…”".
DECORATION = re.compile(r"^[\s\-*•\d.)“”\"']+|[\s“”\"']+$")


def _sentences(text: str) -> list[str]:
    text = text[:READ_LIMIT].replace("’", "'").replace("‘", "'")
    text = QUESTION_MARKS.sub("?", text)  # "Really?!" asks as "Really?" does
    parts = (" ".join(DECORATION.sub("", part).split()) for part in SENTENCE_END.split(text))
    return list(dict.fromkeys(part for part in parts if part))  # each sentence once, in order


def assess_sentence(sentence: str) -> SentenceAdvice:
    """The kind of one sentence, why, and an open rewrite when it needs one."""
    is_question = sentence.endswith("?")
    if STORY_OPENER.match(sentence):
        return SentenceAdvice(sentence, OPEN, REASONS[OPEN])
    if is_question and (TAG.search(sentence) or LEADING_OPENER.match(sentence)):
        return SentenceAdvice(
            sentence, LEADING, REASONS[LEADING], _rewrite(LEADING_RULES, sentence)
        )
    if is_question and WHY_OPENER.match(sentence):
        return SentenceAdvice(sentence, OPEN, WHY_REASON, _rewrite(WHY_RULES, sentence))
    if is_question and OPEN_OPENER.match(sentence):
        return SentenceAdvice(sentence, OPEN, REASONS[OPEN])
    if CLOSED_OPENER.match(sentence) or (is_question and AUXILIARY_OPENER.match(sentence)):
        return SentenceAdvice(sentence, CLOSED, REASONS[CLOSED], _rewrite(CLOSED_RULES, sentence))
    return SentenceAdvice(sentence, NOT_A_QUESTION, "")


def assess_question(text: str) -> QuestionAdvice:
    """The coach's advice on ``text``: each question sentence assessed; statements are
    left alone. Deterministic, and fast on any length (it reads ``READ_LIMIT`` characters)."""
    sentences = tuple(
        advice
        for advice in map(assess_sentence, _sentences(text or ""))
        if advice.kind != NOT_A_QUESTION
    )
    kind = max((s.kind for s in sentences), key=SEVERITY.__getitem__, default=NOT_A_QUESTION)
    return QuestionAdvice(kind=kind, sentences=sentences)
