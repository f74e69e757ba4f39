from django import forms

from mentoring.common.forms import ServiceForm
from programs.models import Enrollment, Program, ProgramStatus

from .models import MatchProposal
from .scoring import Criterion, Weight

CRITERION_LABELS = {
    Criterion.FOCUS_SKILLS: "Focus-skill coverage",
    Criterion.CROSS_FUNCTIONAL: "Different department",
    Criterion.SENIORITY: "Seniority gap",
    Criterion.TIME_ZONE: "Time-zone overlap",
    Criterion.LANGUAGE: "Shared language",
    Criterion.PREFERENCE: "Mentee's stated preferences",
}
WEIGHT_CHOICES = [(w.value, w.value.capitalize()) for w in Weight]


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


REASON_HELP = "It is recorded with this pair and shown on its mentorship."


class SwapForm(forms.Form):
    """Two pairs whose mentors change places. A reason field appears only for a new pair
    that breaks a rule (``needs_reason``: field name → (new pair's name, its rules))."""

    first = forms.ModelChoiceField(queryset=MatchProposal.objects.none(), label="Pair")
    second = forms.ModelChoiceField(queryset=MatchProposal.objects.none(), label="with pair")
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
            self.fields[name].label_from_instance = lambda p: (
                f"{p.mentor.person} → {p.mentee.person}"
            )
        for name, (pair_name, _rules) in (needs_reason or {}).items():
            field = self.fields[name]
            field.widget = forms.Textarea(attrs={"rows": 2, "cols": 60})
            field.label = f"Reason for the new pair {pair_name}"
            field.help_text = REASON_HELP

    def reason_fields(self):
        return [self[name] for name in ("first_reason", "second_reason")]


def _mentor_choice(mentor, places: int, score: float | None) -> str:
    free = "full" if places <= 0 else f"{places} place{'s' if places != 1 else ''} free"
    scored = "" if score is None else f", score {score:.0f}"
    return f"{mentor.person} ({free}{scored})"


class ManualPairForm(forms.Form):
    """A mentee left unmatched and a mentor. Each mentor shows their free places in this
    draft and, once a mentee is chosen, the score with them; full mentors are marked (they
    can still be chosen, with a reason)."""

    mentee = forms.ModelChoiceField(queryset=Enrollment.objects.none())
    mentor = forms.ModelChoiceField(queryset=Enrollment.objects.none())
    override_reason = forms.CharField(
        required=False,
        max_length=500,
        help_text="Required when the pair breaks one of the program's rules; it is recorded.",
    )

    def __init__(self, *args, run, mentor_facts: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        people = Enrollment.objects.filter(program=run.program, status="approved").select_related(
            "person"
        )
        self.fields["mentee"].queryset = people.filter(
            role="mentee", pk__in=run.unmatched.values("mentee_id")
        )
        self.fields["mentor"].queryset = people.filter(role="mentor")
        for name in ("mentee", "mentor"):
            self.fields[name].label_from_instance = lambda e: str(e.person)
        if mentor_facts is not None:
            # {mentor enrolment id: (enrolment, free places, score or None)}, from the
            # page's selector: shown without querying each mentor.
            self.fields["mentor"].choices = [
                ("", "---------"),
                *(
                    (pk, _mentor_choice(mentor, places, score))
                    for pk, (mentor, places, score) in mentor_facts.items()
                ),
            ]
            self.fields["mentor"].help_text = (
                "Free places count the pairs already in this draft. Choose the mentee first and "
                "press “Show scores” to see each mentor's score with them."
            )


# ---------------------------------------------------------------- participant pages


class MentorRequestForm(ServiceForm):
    """A mentee's short message to the mentor they ask (self-match)."""

    message = forms.CharField(
        label="Your message",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A sentence or two: what you want to work on, and why you ask this mentor.",
    )

    def __init__(self, *args, mentor_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if mentor_name:
            self.fields["message"].label = f"Your message to {mentor_name}"


class MentorRequestDeclineForm(ServiceForm):
    reason = forms.CharField(
        label="Your reason, for the mentee",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The mentee reads it. A short, kind sentence helps them ask someone else.",
    )


FIT_CHOICES = [("yes", "Yes, it is a good fit"), ("no", "No, it is not a good fit")]


class FitCheckForm(ServiceForm):
    is_good_fit = forms.TypedChoiceField(
        label="Is this pairing a good fit?",
        choices=FIT_CHOICES,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose yes or no."},
    )
    comment = forms.CharField(
        label="Comment (optional)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
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
