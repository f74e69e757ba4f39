"""Forms of the availability page: the week as one line of times per weekday
("09:00–12:00, 14:00–17:30"), and an away period. They only read what was typed; the
rules (end after start, no overlaps, quarter hours, how long one may be away) are the
service's (``sessions.services.availability``) and land on the fields through
``add_service_errors``. Plain fields: the page works without JavaScript."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import time

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentoring.common.forms import ServiceForm

from .models import AvailabilityWindow, Weekday
from .services.availability import WindowInput, day_key

_CLOCK = r"(\d{1,2})(?:\s*[:.h]\s*(\d{2})|(\d{2}))?"
_RANGE = re.compile(rf"^{_CLOCK}\s*(?:-|–|—|to|until)\s*{_CLOCK}$", re.IGNORECASE)
_SEPARATORS = re.compile(r"[,;\n]+|\s+and\s+", re.IGNORECASE)


def _clock(hours: str, minutes: str | None, text: str) -> time:
    hour, minute = int(hours), int(minutes or 0)
    if hour == 24 and minute == 0:
        raise forms.ValidationError(
            gettext(
                "In “%(text)s”, 24:00 is the next day: end at 23:45 at the latest "
                "(a window past midnight is two windows, one on each day)."
            )
            % {"text": text}
        )
    if hour > 23 or minute > 59:
        raise forms.ValidationError(
            gettext(
                "“%(text)s” has a time that does not exist: hours go from 00 to 23, "
                "minutes from 00 to 59."
            )
            % {"text": text}
        )
    return time(hour, minute)


def parse_day(text: str) -> list[tuple[time, time]]:
    """The windows of one day's line, in the order typed (an empty line: none)."""
    windows = []
    for piece in _SEPARATORS.split(text.strip()):
        piece = " ".join(piece.split())
        if not piece:
            continue
        match = _RANGE.match(piece)
        if match is None:
            raise forms.ValidationError(
                gettext(
                    "“%(text)s” is not a window this page can read: write a start and an "
                    "end, like 09:00–12:00, and separate windows with commas."
                )
                % {"text": piece[:40]}
            )
        h1, m1, m1b, h2, m2, m2b = match.groups()
        windows.append((_clock(h1, m1 or m1b, piece), _clock(h2, m2 or m2b, piece)))
    return windows


def day_line(windows: Iterable[AvailabilityWindow]) -> str:
    """One day's windows as the line the form shows."""
    return ", ".join(f"{w.starts:%H:%M}–{w.ends:%H:%M}" for w in windows)


class DayWindowsField(forms.CharField):
    """One weekday's line of windows, cleaned to ``[(starts, ends), …]``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 300)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})
        )
        super().__init__(**kwargs)

    def clean(self, value):
        return parse_day(super().clean(value) or "")


class WeekForm(ServiceForm):
    """The whole week at once: a line per weekday. Saving it replaces the week."""

    prefix = "week"

    def __init__(self, *args, windows: Iterable[AvailabilityWindow] = (), **kwargs):
        by_day: dict[int, list[AvailabilityWindow]] = {}
        for window in windows:
            by_day.setdefault(window.weekday, []).append(window)
        kwargs.setdefault(
            "initial",
            {day_key(d): day_line(by_day.get(d, [])) for d in Weekday.values},
        )
        super().__init__(*args, **kwargs)
        # The page gives the one hint for every day (how to write a line).
        for weekday, label in Weekday.choices:
            self.fields[day_key(weekday)] = DayWindowsField(label=label)

    def windows(self) -> list[WindowInput]:
        """The week as typed (after ``is_valid``), for the service."""
        return [
            WindowInput(weekday, starts, ends)
            for weekday in Weekday.values
            for starts, ends in self.cleaned_data[day_key(weekday)]
        ]


class AwayForm(ServiceForm):
    """Days away, both included: a holiday, leave, a conference."""

    prefix = "away"

    first_day = forms.DateField(
        label=_("First day away"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    last_day = forms.DateField(
        label=_("Last day away"),
        required=False,
        help_text=_("The same as the first day when you are away for one day."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(
        label=_("Note for yourself (optional)"),
        required=False,
        help_text=_("A word to remind you, for example “Summer holiday”."),
    )
