"""The inputs that break web apps, by the kind of field they go into. Each value has a short
label that names it in failure messages."""

from __future__ import annotations

from dataclasses import dataclass

from .probe import BOUNDARY


@dataclass(frozen=True)
class Bad:
    label: str
    value: str | bytes  # bytes: sent as they are (a lone surrogate cannot be UTF-8 text)
    refused: bool = False  # no page may accept it: the answer says why
    markup: bool = False  # if it is accepted, the page showing it must escape it
    charset: str = ""  # a multipart body declaring this charset (Django decodes with it)

    @property
    def content_type(self) -> str:
        if self.charset:
            return f"multipart/form-data; boundary={BOUNDARY}; charset={self.charset}"
        return "application/x-www-form-urlencoded"


# Markup a page must show escaped (tests/bad_input/poison.py says what "raw" looks like).
SCRIPT = '<script>alert("bad-input")</script>'
MARKUP = f'{SCRIPT}<img src=x onerror=alert(1)><b onmouseover="alert(2)">bold</b>'
FORMULA = '=HYPERLINK("http://evil.example","click")'
NUL = Bad("NUL byte", "before\x00after", refused=True)
# U+D800 in the WTF-8 bytes a buggy client sends (Django decodes them as U+FFFD)...
SURROGATE = Bad("lone surrogate (WTF-8)", "before\ud800after".encode("utf-8", "surrogatepass"))
# ...and escaped in a multipart body that declares charset=unicode_escape: Django decodes
# it to U+D800. (It refuses urlencoded bodies that are not UTF-8.)
ESCAPED_SURROGATE = Bad(
    "lone surrogate (unicode_escape body)", "before\\ud800after", True, charset="unicode_escape"
)
ESCAPED_NUL = Bad("NUL (unicode_escape body)", "before\\x00after", True, charset="unicode_escape")
MEGABYTE = Bad("1 MB string", "a" * (1 << 20))

TEXT = [
    NUL,
    SURROGATE,
    ESCAPED_SURROGATE,
    ESCAPED_NUL,
    MEGABYTE,
    Bad("markup", MARKUP, markup=True),
    Bad("formula", FORMULA),
    Bad("right-to-left override and emoji", "\u202eevil\u202c \U0001f469\u200d\U0001f469 Z\u0337a"),
]
CHOICE = [
    NUL,
    Bad("text", "abc"),
    Bad("-1", "-1"),
    Bad("2**64", str(2**64)),
    Bad("superscript digit", "\u00b2"),
]
NUMBER = [
    NUL,
    Bad("-1", "-1"),
    Bad("0", "0"),
    Bad("2**63", str(2**63)),
    Bad("20 digits", "99999999999999999999"),
    Bad("1e308", "1e308"),
    Bad("NaN", "NaN"),
    Bad("superscript digit", "\u00b2"),
]
DATE = [
    NUL,
    Bad("year 1", "0001-01-01"),
    Bad("year 9999", "9999-12-31"),
    Bad("30 February", "2026-02-30"),
    Bad("year 10000", "10000-01-01"),
]
DATETIME = [
    NUL,
    Bad("year 1", "0001-01-01T00:00"),
    Bad("year 9999", "9999-12-31T23:59"),
    # 02:30 does not exist on 29 March 2026 in Berlin: the clocks jump from 02:00 to 03:00.
    Bad("daylight-saving gap", "2026-03-29T02:30"),
    Bad("30 February", "2026-02-30T10:00"),
]

TIME = [NUL, Bad("25:61", "25:61"), Bad("24:00", "24:00"), Bad("-1:00", "-1:00")]

BY_KIND = {
    "time": TIME,
    "text": TEXT,
    "textarea": TEXT,
    "search": TEXT,
    "email": TEXT,
    "url": TEXT,
    "tel": TEXT,
    "hidden": CHOICE,
    "select": CHOICE,
    "radio": CHOICE,
    "checkbox": CHOICE,
    "number": NUMBER,
    "date": DATE,
    "datetime-local": DATETIME,
}


def deep_json(levels: int = 100_000) -> bytes:
    return b"[" * levels + b"]" * levels


# Codecs Python knows that decode no text: a Content-Type naming one as its charset would
# make Django decode the query string and the body with it.
NOT_TEXT_CHARSETS = ["base64", "hex", "rot13", "zlib", "bz2", "uu", "quopri"]
