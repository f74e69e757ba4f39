"""Forms of the session pages. They parse input (a date and time on the person's own
clock, choices, texts); the services decide what is allowed, and their messages land on
the fields through ``add_service_errors``. Text fields carry no length limit of their own,
so the service's explanation is the one people read."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import dateformat, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentoring.common.forms import ServiceForm

from .models import Prompt, SessionKind, SessionStatus

DATETIME_INPUT = "%Y-%m-%dT%H:%M"
DURATION_HELP = _("Between 5 minutes and 8 hours; an hour suits most sessions.")


def local_input(moment: datetime, time_zone: str) -> str:
    """A moment as the value of a datetime-local input on the given clock."""
    return moment.astimezone(zoneinfo.ZoneInfo(time_zone)).strftime(DATETIME_INPUT)


class LocalDateTimeField(forms.DateTimeField):
    """A date and time typed on the person's own clock (``time_zone``), as an aware moment."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT)
    input_formats = [DATETIME_INPUT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
    time_zone = "UTC"

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        # Django read it on the server's clock: take the same wall time on the person's.
        wall = timezone.make_naive(moment).replace(fold=0)
        zone = zoneinfo.ZoneInfo(self.time_zone)
        local = wall.replace(tzinfo=zone)
        try:
            round_trip = local.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        except OverflowError:  # year 1 east of UTC, year 9999 west of it: no UTC moment
            raise forms.ValidationError(
                gettext(
                    "%(date)s is beyond the dates this site can store on your clock. "
                    "Choose a date in the coming months."
                )
                % {"date": wall.date().isoformat()}
            ) from None
        if round_trip != wall:
            raise forms.ValidationError(
                gettext(
                    "%(time)s does not exist on %(day)s in %(zone)s: "
                    "the clocks change then. Choose another time."
                )
                % {
                    "time": f"{wall:%H:%M}",
                    "day": dateformat.format(wall, "j M Y"),
                    "zone": self.time_zone,
                }
            )
        return local


def overlap_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("Plan it anyway: both sessions stay in the calendars"), required=False
    )


def is_overlap(error: ValidationError) -> bool:
    """Whether a service refused a time because it overlaps another planned session."""
    errors = error.error_dict.values() if hasattr(error, "error_dict") else [error.error_list]
    return any(item.code == "overlap" for items in errors for item in items)


def place_field() -> forms.CharField:
    return forms.CharField(
        label=_("Place or video link (optional)"),
        required=False,
        help_text=_("A room, or the address of the video call (https://…). Empty: no place."),
    )


class _WhenForm(ServiceForm):
    """The date, time and duration of a session, on the signed-in person's clock."""

    starts_at = LocalDateTimeField(
        label=_("Date and time"), error_messages={"required": _("Choose the date and time.")}
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration in minutes"),
        initial=60,
        help_text=DURATION_HELP,
        widget=forms.NumberInput(attrs={"min": 5, "max": 480, "step": 5}),
        error_messages={
            "required": _("How long will it last, in minutes?"),
            "invalid": _("Give the duration as a number of minutes."),
        },
    )

    def __init__(self, *args, time_zone: str = "UTC", **kwargs):
        super().__init__(*args, **kwargs)
        when = self.fields["starts_at"]
        when.time_zone = time_zone
        clock = time_zone.replace("_", " ")
        when.help_text = gettext(
            "On your clock (%(clock)s). The other person sees it on theirs."
        ) % {"clock": clock}
        if self.add_prefix("allow_overlap") in self.data:
            self.fields["allow_overlap"] = overlap_field()

    def add_service_errors(self, error: ValidationError) -> None:
        """The service's refusal on its fields; a clash with another session also offers
        the box that confirms planning over it."""
        super().add_service_errors(error)
        if is_overlap(error):
            self.fields["allow_overlap"] = overlap_field()


class ScheduleForm(_WhenForm):
    kind = forms.ChoiceField(
        label=_("Kind of session"),
        choices=SessionKind.choices,
        initial=SessionKind.CHECK_IN,
        help_text=_("It chooses the prompts the library suggests for the agenda."),
    )
    location = place_field()
    field_order = ["starts_at", "duration_minutes", "kind", "location"]


class RescheduleForm(_WhenForm):
    note = forms.CharField(
        label=_("A note for the other person (optional)"),
        required=False,
        max_length=500,
        help_text=_("Why it moves, in a line."),
    )

    location = place_field()
    field_order = ["starts_at", "duration_minutes", "location", "note"]

    @classmethod
    def for_session(cls, session, time_zone: str, data=None):
        initial = {
            "starts_at": local_input(session.starts_at, time_zone),
            "duration_minutes": session.duration_minutes,
            "location": session.location,
        }
        return cls(data, initial=initial, time_zone=time_zone, prefix="move")


class MeetingPlaceForm(ServiceForm):
    location = forms.CharField(
        label=_("Where you usually meet"),
        required=False,
        help_text=_(
            "A room, or your video call's address (https://…). New sessions start with "
            "it; each session can still have its own. Empty: none."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="place", **kwargs)


class SlotPickForm(forms.Form):
    """The hidden fields of one slot's button: its start in UTC, ISO 8601."""

    starts_at = forms.CharField(max_length=40)
    duration_minutes = forms.IntegerField(min_value=5, max_value=480)
    kind = forms.ChoiceField(choices=SessionKind.choices, required=False)

    def clean_starts_at(self) -> datetime:
        text = self.cleaned_data["starts_at"].strip()
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValidationError(
                gettext("That time could not be read: pick one of the times shown.")
            ) from None
        if moment.tzinfo is None:
            raise ValidationError(
                gettext("That time has no time zone: pick one of the times shown.")
            )
        return moment.astimezone(UTC)


class CancelForm(ServiceForm):
    note = forms.CharField(
        label=_("Why are you cancelling?"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The other person reads it. A line is enough."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="cancel", **kwargs)


# ---------------------------------------------------------------- agreement


class AgreementForm(ServiceForm):
    goals = forms.CharField(
        label=_("What we want to achieve together"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The mentee's goals in your words, and what would make these months worth it."),
    )
    cadence = forms.CharField(
        label=_("How often and how we meet"),
        required=False,
        max_length=200,
        help_text=_("For example: an hour every two weeks, by video, Tuesdays after lunch."),
    )
    confidentiality = forms.CharField(
        label=_("What stays between us"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What either of you may share with others (managers included), and what not."),
    )
    mentee_feedback_style = forms.CharField(
        label=_("How the mentee likes to receive feedback"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    mentor_feedback_style = forms.CharField(
        label=_("How the mentor likes to receive feedback"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, side, agreement=None, **kwargs):
        if agreement is not None:
            kwargs.setdefault(
                "initial", {name: getattr(agreement, name) for name in self.base_fields}
            )
        super().__init__(*args, **kwargs)
        if side.words.is_mutual:  # peer partners both bring goals
            self.fields["goals"].help_text = gettext(
                "Each of your goals in your own words, and what would make these months worth it."
            )
        pair = side.mentorship
        for role, person in (("mentee", pair.mentee.person), ("mentor", pair.mentor.person)):
            field = self.fields[f"{role}_feedback_style"]
            if person.pk == side.me.pk:
                label = gettext("How %(name)s (you) likes to receive feedback")
            else:
                label = gettext("How %(name)s likes to receive feedback")
            field.label = label % {"name": person.display_name}
            field.help_text = gettext(
                "Straight away or after a day, written or spoken, in private, with examples…"
            )


# ---------------------------------------------------------------- agenda


class AgendaItemForm(ServiceForm):
    text = forms.CharField(
        label=_("Add a point"),
        required=False,
        widget=forms.TextInput(
            attrs={"maxlength": 600, "placeholder": _("A real situation, a question, a decision…")}
        ),
    )
    prompt = forms.ModelChoiceField(
        queryset=Prompt.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("That prompt is no longer in the library.")},
    )

    def __init__(self, *args, focus: bool = False, **kwargs):
        kwargs.setdefault("auto_id", "agenda-new-%s")
        super().__init__(*args, **kwargs)
        self.fields["prompt"].queryset = Prompt.objects.filter(is_active=True)
        if focus:
            self.fields["text"].widget.attrs["autofocus"] = True


class AgendaEditForm(ServiceForm):
    text = forms.CharField(
        label=_("Edit the point"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 600, "autofocus": True}),
    )

    def __init__(self, *args, item, **kwargs):
        kwargs.setdefault("auto_id", f"agenda-{item.pk}-%s")
        kwargs.setdefault("initial", {"text": item.text})
        super().__init__(*args, **kwargs)


class AgendaMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])

    @property
    def offset(self) -> int:
        return -1 if self.cleaned_data["direction"] == "up" else 1


# ---------------------------------------------------------------- logging


EXPERIMENT_SLOTS = 3


def _owner_choices(side) -> tuple[list[tuple[str, str]], str]:
    """Who may own an experiment the person adds, and the default: either of a pair (the
    mentee, mostly), only oneself in a circle."""
    if side.is_circle:
        return [("me", gettext("Me"))], "me"
    choices = [("me", gettext("Me")), ("other", side.other.display_name)]
    return choices, ("me" if side.is_mentee else "other")


def _owner_profiles(side) -> dict:
    if side.is_circle:
        return {"me": side.me}
    return {"me": side.me, "other": side.other}


OUTCOME_CHOICES = [
    (SessionStatus.HELD, _("We met")),
    (SessionStatus.CANCELLED, _("It was cancelled")),
    (SessionStatus.NO_SHOW, _("Someone did not come (no-show)")),
]


class _NotesAndExperiments(ServiceForm):
    """The notes and experiments of a logged meeting, planned or not."""

    shared_notes = forms.CharField(
        label=_("Shared notes (you both see them)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you talked about, what you noticed, what you agreed."),
    )
    real_situations = forms.CharField(
        label=_("Real situations you worked on"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The meetings, messages or conversations you went through, in a few words each."
        ),
    )
    private_note = forms.CharField(
        label=_("My private note (only I will ever see it)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Not the other person, not program managers, not HR: only you."),
    )
    service_fields = {"text": "private_note"}

    def __init__(self, *args, side, **kwargs):
        super().__init__(*args, **kwargs)
        if side.is_circle:
            self.fields["private_note"].help_text = gettext(
                "Not the others in your circle, not program managers, not HR: only you."
            )
            self.fields["shared_notes"].label = gettext(
                "Shared notes (everyone in the circle sees them)"
            )
        else:
            self.fields["private_note"].help_text = gettext(
                "Not %(other)s, not program managers, not HR: only you."
            ) % {"other": side.other_names}
        if side.is_circle:  # who came, member by member: everyone unless ticked here
            self.fields["absent"] = forms.TypedMultipleChoiceField(
                label=gettext("Who did not come?"),
                required=False,
                coerce=int,
                widget=forms.CheckboxSelectMultiple,
                choices=[
                    (
                        member.person_id,
                        gettext("Me")
                        if member.person_id == side.me.pk
                        else member.person.display_name,
                    )
                    for member in side.members
                ],
                help_text=gettext("Everyone you leave unticked is recorded as having come."),
                error_messages={"invalid_choice": gettext("Tick only people of this circle.")},
            )
        owners, default_owner = _owner_choices(side)
        for slot in range(1, EXPERIMENT_SLOTS + 1):
            self.fields[f"experiment_{slot}_description"] = forms.CharField(
                label=_("What will be tried"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            if not side.is_circle:  # a circle member's experiments are their own
                self.fields[f"experiment_{slot}_owner"] = forms.ChoiceField(
                    label=_("Who tries it"),
                    choices=owners,
                    required=False,
                    initial=default_owner,
                    widget=forms.RadioSelect,
                )
            self.fields[f"experiment_{slot}_due_on"] = forms.DateField(
                label=_("By when"),
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                error_messages={"invalid": _("Give the date as year-month-day.")},
            )

    @property
    def absent_ids(self) -> list[int]:
        """The members ticked as not having come (a circle's; none for a pair)."""
        return list(self.cleaned_data.get("absent") or [])

    def experiment_slots(self):
        """The fields of each experiment, for the template: [(number, [bound fields])]."""
        return [
            (
                slot,
                [
                    self[f"experiment_{slot}_{name}"]
                    for name in ("description", "owner", "due_on")
                    if f"experiment_{slot}_{name}" in self.fields
                ],
            )
            for slot in range(1, EXPERIMENT_SLOTS + 1)
        ]

    def clean(self):
        cleaned = super().clean()
        for slot in range(1, EXPERIMENT_SLOTS + 1):
            description = (cleaned.get(f"experiment_{slot}_description") or "").strip()
            due_on = cleaned.get(f"experiment_{slot}_due_on")
            if description and due_on is None and f"experiment_{slot}_due_on" not in self.errors:
                self.add_error(
                    f"experiment_{slot}_due_on", gettext("By when? Give the experiment a date.")
                )
            if due_on is not None and not description:
                self.add_error(
                    f"experiment_{slot}_description",
                    gettext("Describe the experiment, or clear its date."),
                )
        return cleaned

    def action_items(self, side) -> list[dict]:
        """The experiments typed, as arguments of ``services.action_item_add``."""
        owners = _owner_profiles(side)
        default = _owner_choices(side)[1]
        items = []
        for slot in range(1, EXPERIMENT_SLOTS + 1):
            description = self.cleaned_data.get(f"experiment_{slot}_description", "").strip()
            if description:
                items.append(
                    {
                        "description": description,
                        "owner": owners[
                            self.cleaned_data.get(f"experiment_{slot}_owner") or default
                        ],
                        "due_on": self.cleaned_data[f"experiment_{slot}_due_on"],
                    }
                )
        return items


class SessionLogForm(_NotesAndExperiments):
    status = forms.ChoiceField(
        label=_("Did the session take place?"),
        choices=OUTCOME_CHOICES,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Say whether you met, it was cancelled, or someone missed it.")
        },
    )
    actual_minutes = forms.IntegerField(
        label=_("How long did it last, in minutes?"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 1, "max": 480}),
        error_messages={"invalid": _("Give the duration as a number of minutes.")},
    )
    covered = forms.TypedMultipleChoiceField(
        label=_("Which agenda points did you cover?"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    field_order = ["status", "actual_minutes", "covered"]

    def __init__(self, *args, page, **kwargs):
        super().__init__(*args, side=page.side, **kwargs)
        self.fields["actual_minutes"].initial = page.session.duration_minutes
        self.fields["covered"].choices = [(item.pk, item.text) for item in page.agenda]


class LogPastForm(_WhenForm, _NotesAndExperiments):
    """A meeting that took place without being planned here: when, how long, what kind,
    then the same notes and experiments as a logged session."""

    kind = forms.ChoiceField(
        label=_("Kind of session"),
        choices=SessionKind.choices,
        initial=SessionKind.CHECK_IN,
    )
    field_order = ["starts_at", "duration_minutes", "kind"]

    def __init__(self, *args, time_zone: str = "UTC", side, **kwargs):
        super().__init__(*args, time_zone=time_zone, side=side, **kwargs)
        when = self.fields["starts_at"]
        when.label = gettext("When did you meet?")
        when.error_messages["required"] = gettext("Give the date and time you met.")
        clock = time_zone.replace("_", " ")
        when.help_text = gettext(
            "On your clock (%(clock)s): today or an earlier day, not a time to come."
        ) % {"clock": clock}
        when.widget.attrs["max"] = local_input(timezone.now(), time_zone)
        duration = self.fields["duration_minutes"]
        duration.label = gettext("How long did it last, in minutes?")
        duration.error_messages["required"] = gettext("How long did it last, in minutes?")


class SharedNotesForm(ServiceForm):
    text = forms.CharField(
        label=_("Shared notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you talked about, what you noticed, what you agreed."),
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="shared", **kwargs)


class PrivateNoteForm(ServiceForm):
    text = forms.CharField(
        label=_("My private note (only I see it)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Not the other person, not program managers, not HR. Empty it to delete it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="private", **kwargs)


# ---------------------------------------------------------------- experiments


class ExperimentDoneForm(ServiceForm):
    reflection = forms.CharField(
        label=_("What happened when you tried it?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you did, how people reacted, what you would change next time."),
    )

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, prefix=f"done-{item.pk}", **kwargs)


class ExperimentForm(ServiceForm):
    description = forms.CharField(
        label=_("What will be tried"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Small and concrete: what, where, with whom."),
    )
    owner = forms.ChoiceField(label=_("Who tries it"), required=False, widget=forms.RadioSelect)
    due_on = forms.DateField(
        label=_("By when"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Give the date as year-month-day.")},
    )

    def __init__(self, *args, side, **kwargs):
        super().__init__(*args, prefix="new", **kwargs)
        self._owners = _owner_profiles(side)
        choices, self._default_owner = _owner_choices(side)
        self.fields["owner"].choices = choices
        self.fields["owner"].initial = self._default_owner
        if side.is_circle:  # a circle member's experiments are their own: no choice
            del self.fields["owner"]

    @property
    def owner_profile(self):
        return self._owners[self.cleaned_data.get("owner") or self._default_owner]
