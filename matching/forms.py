from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentoring.common.forms import ServiceForm
from programs.models import Enrollment, Program, ProgramStatus

from .models import MatchProposal
from .scoring import Criterion, Weight

CRITERION_LABELS = {
    Criterion.FOCUS_SKILLS: _("Focus-skill coverage"),
    Criterion.CROSS_FUNCTIONAL: _("Different department"),
    Criterion.SENIORITY: _("Seniority gap"),
    Criterion.TIME_ZONE: _("Time-zone overlap"),
    Criterion.LANGUAGE: _("Shared language"),
    Criterion.PREFERENCE: _("Mentee's stated preferences"),
}
WEIGHT_CHOICES = [
    (Weight.MUST.value, _("Must")),
    (Weight.HIGH.value, _("High")),
    (Weight.MEDIUM.value, _("Medium")),
    (Weight.LOW.value, _("Low")),
    (Weight.OFF.value, _("Off")),
]


class WeightsForm(forms.Form):
    """One choice per criterion: must, high, medium, low or off."""

    def __init__(self, *args, initial_weights: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for criterion, label in CRITERION_LABELS.items():
            self.fields[criterion.value] = forms.ChoiceField(
                label=label, choices=WEIGHT_CHOICES, initial=str(initial_weights[criterion])
            )


class StartRunForm(forms.Form):
    program = forms.ModelChoiceField(queryset=Program.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(status=ProgramStatus.MATCHING)


REASON_HELP = _("It is recorded with this pair and shown on its mentorship.")


class Picker(forms.Widget):
    """One row out of thousands, chosen by searching: a search box that asks the review
    page's search endpoint (htmx) for a short list of radio buttons. Only the chosen row
    (and the rows ``shown`` that the view sets, such as the best mentors for a mentee) is rendered,
    never every row of the draft or the program."""

    template_name = "admin/matching/matchrun/_picker.html"

    def __init__(self, *, kind: str, legend: str, search_label: str, hint: str):
        super().__init__()
        self.kind, self.legend, self.search_label, self.hint = kind, legend, search_label, hint
        self.search_url = ""  # set by the page: the run's search endpoint for ``kind``
        self.chosen: list[tuple[int, str]] = []  # (value, label) of the chosen row
        # More rows to show before any search. (Not ``choices``: ModelChoiceField sets
        # that to its lazy iterator of every row, which a picker never reads.)
        self.shown: list[tuple[int, str]] = []

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = {pk for pk, _label in self.chosen}
        context["widget"].update(
            kind=self.kind,
            legend=self.legend,
            search_label=self.search_label,
            hint=self.hint,
            search_url=self.search_url,
            options=[{"value": pk, "label": label, "checked": True} for pk, label in self.chosen]
            + [
                {"value": pk, "label": label, "checked": False}
                for pk, label in self.shown
                if pk not in chosen
            ],
        )
        return context

    def value_from_datadict(self, data, files, name):
        return data.get(name)

    def render(self, name, value, attrs=None, renderer=None):
        # The page's templates (the form renderer sees only the forms' own).
        context = self.get_context(name, value, self.build_attrs(self.attrs, attrs))
        return mark_safe(render_to_string(self.template_name, context))  # noqa: S308


class PickedField(forms.ModelChoiceField):
    """A ModelChoiceField shown as a ``Picker``: its choices are never listed, only the
    posted one is looked up (in the scoped queryset), so its label can be shown again."""

    def __init__(self, *, label, kind, search_label, hint, invalid, **kwargs):
        super().__init__(
            queryset=MatchProposal.objects.none(),
            label=label,
            widget=Picker(kind=kind, legend=label, search_label=search_label, hint=hint),
            error_messages={"invalid_choice": invalid, "required": CHOOSE_ONE[kind]},
            **kwargs,
        )


CHOOSE_ONE = {
    "pairs": _("Choose a pair."),
    "mentees": _("Choose a mentee."),
    "mentors": _("Choose a mentor."),
}


def pick_again(form: forms.Form, name: str, label_of) -> None:
    """Show the row posted for ``name`` as chosen again (if it is one of the field's rows)."""
    field = form.fields[name]
    value = form.data.get(form.add_prefix(name)) if form.is_bound else form.initial.get(name)
    if value in (None, ""):
        return
    try:
        row = field.queryset.filter(pk=int(str(value))).first()
    except (TypeError, ValueError):
        row = None
    if row is not None:
        field.widget.chosen = [(row.pk, label_of(row))]


def pair_label(proposal) -> str:
    return f"{proposal.mentor.person} → {proposal.mentee.person}"


STALE_PAIR = _(
    "Select a valid choice: that pair is not in this draft (any more). Someone may have "
    "changed the draft meanwhile; search again and choose a pair listed."
)


class SwapForm(forms.Form):
    """Two pairs whose mentors change places. A reason field appears only for a new pair
    that breaks a rule (``needs_reason``: field name → (new pair's name, its rules))."""

    first = PickedField(
        label=_("Pair"),
        kind="pairs",
        search_label=_("Find the first pair by a name"),
        hint=_("Type part of the mentor's or the mentee's name."),
        invalid=STALE_PAIR,
    )
    second = PickedField(
        label=_("with pair"),
        kind="pairs",
        search_label=_("Find the second pair by a name"),
        hint=_("Type part of the mentor's or the mentee's name."),
        invalid=STALE_PAIR,
    )
    first_reason = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)
    second_reason = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)
    # The draft as the page showed it (services.draft_version): a second click is refused.
    version = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, run, needs_reason: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        pairs = MatchProposal.objects.filter(run=run).select_related(
            "mentee__person", "mentor__person"
        )
        for name in ("first", "second"):
            self.fields[name].queryset = pairs
        for name, (pair_name, _rules) in (needs_reason or {}).items():
            field = self.fields[name]
            field.widget = forms.Textarea(attrs={"rows": 2, "cols": 60})
            field.label = gettext("Reason for the new pair %(pair)s") % {"pair": pair_name}
            field.help_text = REASON_HELP

    def show_choices(self, search_url: str) -> None:
        """Point the pickers at the page's search and show the chosen pairs again."""
        for name in ("first", "second"):
            self.fields[name].widget.search_url = f"{search_url}?field={name}"
            pick_again(self, name, pair_label)

    def reason_fields(self):
        return [self[name] for name in ("first_reason", "second_reason")]


class ReviewSearchForm(forms.Form):
    """The pairs of a draft to show: a name (either person), which pairs, the order."""

    q = forms.CharField(
        label=_("Person"),
        required=False,
        max_length=100,
        strip=True,
        help_text=_("Part of a mentor's or a mentee's name."),
    )
    only = forms.ChoiceField(label=_("Show"), required=False, choices=[])
    order = forms.ChoiceField(label=_("Order"), required=False, choices=[])

    def __init__(self, *args, orders: dict, filters: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["order"].choices = [(key, label) for key, (label, _fields) in orders.items()]
        self.fields["only"].choices = list(filters.items())
        self.fields["q"].widget.attrs.update({"type": "search", "class": "vTextField"})

    def search(self) -> dict[str, str]:
        """What to show: the valid parts of the search, the defaults for the rest."""
        shown = {"q": "", "only": "", "order": "best"}
        if self.is_bound:
            self.is_valid()
            for name in shown:
                if name not in self.errors and self.cleaned_data.get(name):
                    shown[name] = self.cleaned_data[name]
        return shown


class ManualPairForm(forms.Form):
    """A mentee left unmatched and a mentor, each found by a search. Each mentor shows
    their free places in this draft (full mentors are marked: they can still be chosen,
    with a reason) and, in the list of best mentors for the chosen mentee, the score."""

    mentee = PickedField(
        label=_("Mentee"),
        kind="mentees",
        search_label=_("Find a mentee left unmatched"),
        hint=_("Type part of the mentee's name."),
        invalid=_(
            "Select a valid choice: that mentee is not waiting in this draft (any more). "
            "Someone may have changed the draft meanwhile; search again."
        ),
    )
    mentor = PickedField(
        label=_("Mentor"),
        kind="mentors",
        search_label=_("Find a mentor of the program"),
        hint=_(
            "Type part of the mentor's name. Free places count the pairs already in this "
            "draft; choose the mentee and press “Show the best mentors” to see scores."
        ),
        invalid=_(
            "Select a valid choice: that person is not an approved mentor of this program "
            "(any more)."
        ),
    )
    override_reason = forms.CharField(
        required=False,
        max_length=500,
        help_text=_("Required when the pair breaks one of the program's rules; it is recorded."),
    )

    def __init__(self, *args, run, **kwargs):
        super().__init__(*args, **kwargs)
        people = Enrollment.objects.filter(program=run.program, status="approved").select_related(
            "person"
        )
        self.fields["mentee"].queryset = people.filter(
            role="mentee", pk__in=run.unmatched.values("mentee_id")
        )
        self.fields["mentor"].queryset = people.filter(role="mentor")

    def show_choices(self, search_urls: dict[str, str], mentors=None) -> None:
        # search_urls: the run's search endpoint per kind ("mentees", "mentors")
        """Point the pickers at the page's search, show the chosen people again, and
        ``mentors`` (``selectors.MentorChoice``: best first for the chosen mentee)."""
        for name, kind in (("mentee", "mentees"), ("mentor", "mentors")):
            self.fields[name].widget.search_url = f"{search_urls[kind]}?field={name}"
        pick_again(self, "mentee", lambda enrolment: str(enrolment.person))
        if mentors:
            by_pk = {choice.enrollment.pk: choice.label for choice in mentors}
            self.fields["mentor"].widget.shown = list(by_pk.items())
        pick_again(self, "mentor", lambda enrolment: str(enrolment.person))
        widget = self.fields["mentor"].widget
        if mentors and widget.chosen:
            # The chosen mentor keeps the label with places and score when it has one.
            widget.chosen = [(pk, by_pk.get(pk, label)) for pk, label in widget.chosen]

    def picker_fields(self):
        return [self["mentee"], self["mentor"]]


# ---------------------------------------------------------------- participant pages


class MentorRequestForm(ServiceForm):
    """A mentee's short message to the mentor they ask (self-match)."""

    message = forms.CharField(
        label=_("Your message"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A sentence or two: what you want to work on, and why you ask this mentor."),
    )

    def __init__(self, *args, mentor_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if mentor_name:
            self.fields["message"].label = gettext("Your message to %(name)s") % {
                "name": mentor_name
            }


class MentorRequestDeclineForm(ServiceForm):
    reason = forms.CharField(
        label=_("Your reason, for the mentee"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The mentee reads it. A short, kind sentence helps them ask someone else."),
    )


FIT_CHOICES = [("yes", _("Yes, it is a good fit")), ("no", _("No, it is not a good fit"))]


class FitCheckForm(ServiceForm):
    is_good_fit = forms.TypedChoiceField(
        label=_("Is this pairing a good fit?"),
        choices=FIT_CHOICES,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes or no.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What works, or what does not. Program managers read your answer; "
            "the other person does not."
        ),
    )

    @classmethod
    def for_answer(cls, fit_check, data=None):
        """The form, filled with the person's earlier answer when there is one."""
        initial = {}
        if fit_check is not None:
            initial = {
                "is_good_fit": "yes" if fit_check.is_good_fit else "no",
                "comment": fit_check.comment,
            }
        return cls(data, initial=initial)
