"""The form of a series of sessions: the first date and time on the planner's clock, how
long, what kind, every how many weeks and how many times, and where. It parses; the
service (``sessions.services.series``) decides what is allowed and says why, so the limits
are stated in one place."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .forms import _WhenForm, place_field
from .models import SERIES_MAX_COUNT, SERIES_MAX_INTERVAL_WEEKS, SessionKind
from .services.series import series_in_words

DEFAULT_INTERVAL_WEEKS = 2
DEFAULT_COUNT = 6


class SeriesForm(_WhenForm):
    kind = forms.ChoiceField(
        label=_("Kind of session"),
        choices=SessionKind.choices,
        initial=SessionKind.CHECK_IN,
        help_text=_(
            "Every session of the series is of this kind: it chooses the prompts the "
            "library suggests for their agendas."
        ),
    )
    interval_weeks = forms.IntegerField(
        label=_("Every how many weeks"),
        initial=DEFAULT_INTERVAL_WEEKS,
        widget=forms.NumberInput(attrs={"min": 1, "max": SERIES_MAX_INTERVAL_WEEKS}),
        error_messages={
            "required": _("Every how many weeks do you meet?"),
            "invalid": _("Give a whole number of weeks, such as 2."),
        },
    )
    count = forms.IntegerField(
        label=_("How many sessions"),
        initial=DEFAULT_COUNT,
        widget=forms.NumberInput(attrs={"min": 2, "max": SERIES_MAX_COUNT}),
        error_messages={
            "required": _("How many sessions should the series have?"),
            "invalid": _("Give the number of sessions as a whole number, such as 6."),
        },
    )
    location = place_field()
    field_order = ["starts_at", "duration_minutes", "kind", "interval_weeks", "count", "location"]

    def __init__(self, *args, time_zone: str = "UTC", **kwargs):
        super().__init__(*args, time_zone=time_zone, **kwargs)
        self.time_zone = time_zone
        when = self.fields["starts_at"]
        when.label = gettext("First session: date and time")
        clock = time_zone.replace("_", " ")
        when.help_text = gettext(
            "On your clock (%(clock)s). The next ones keep this time on your clock, "
            "even when the clocks change for summer or winter."
        ) % {"clock": clock}
        self.fields["interval_weeks"].help_text = gettext(
            "1 for every week, 2 for every other week, up to %(max)s."
        ) % {"max": SERIES_MAX_INTERVAL_WEEKS}
        self.fields["count"].help_text = gettext(
            "From 2 to %(max)s. You can cancel or move any of them later."
        ) % {"max": SERIES_MAX_COUNT}

    def preview(self) -> str:
        """The series in one sentence, once the form was sent with a usable first time,
        interval and count (the page shows it above a refusal), else nothing."""
        data = getattr(self, "cleaned_data", {})
        starts_at, interval, count = (
            data.get(name) for name in ("starts_at", "interval_weeks", "count")
        )
        if starts_at is None or interval is None or count is None:
            return ""
        if not (1 <= interval <= SERIES_MAX_INTERVAL_WEEKS and 2 <= count <= SERIES_MAX_COUNT):
            return ""
        try:
            return series_in_words(
                starts_at, interval_weeks=interval, count=count, time_zone=self.time_zone
            )
        except (OverflowError, ValueError):  # a series running past the calendar's end
            return ""
