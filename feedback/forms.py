"""Forms of the feedback pages. They parse input; feedback.services decides what is allowed
and its messages land on the fields through ``add_service_errors``."""

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentoring.common.forms import ServiceForm, too_long
from mentoring.people.models import Profile
from programs.selectors import program_focus_skills

from .models import RATING_LEVELS, FeedbackKind, RaterRole, RatingMoment
from .selectors.feedback import pair_sessions_for_feedback
from .services import TEXT_LIMIT

TEXT_FIELDS = ("situation", "behaviour", "impact", "suggestion")


def _text(label: str, help_text: str, rows: int = 2, required: str = "") -> forms.CharField:
    """A feedback text. ``required`` is the service's message for an empty one: the form
    says it too, so that every missing part shows at once, with the choices' errors."""
    return forms.CharField(
        label=label,
        required=bool(required),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
        error_messages={
            "required": required,
            "max_length": too_long(TEXT_LIMIT),
        },
    )


class SkillField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class SessionField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        when = date_format(timezone.localtime(obj.starts_at), "j M Y")
        return gettext("%(kind)s of %(date)s") % {"kind": obj.get_kind_display(), "date": when}


class FeedbackForm(ServiceForm):
    # Only in a circle: whom the feedback is for (a pair's goes to the other person).
    receiver = forms.TypedChoiceField(
        label=_("Who is it for?"),
        coerce=int,
        help_text=_("One member of your circle: only they and you can read it."),
        error_messages={
            "required": _("Choose whom this feedback is for."),
            "invalid_choice": _("Choose one of the other members of your circle."),
        },
    )
    skill = SkillField(
        queryset=None,
        label=_("Skill"),
        empty_label=_("Choose a skill"),
        help_text=_("The skill this feedback is about: one of the program's focus skills."),
        error_messages={
            "required": _("Choose the skill this feedback is about."),
            "invalid_choice": _("Choose one of the program's focus skills."),
        },
    )
    session = SessionField(
        queryset=None,
        required=False,
        label=_("Session (optional)"),
        empty_label=_("Not about one session"),
        error_messages={"invalid_choice": _("Choose one of your sessions together.")},
    )
    situation = _text(
        _("Situation"),
        _("When and where it happened."),
        required=_("Say when and where it happened."),
    )
    behaviour = _text(
        _("Behaviour"),
        _("What the person said or did: what a camera would have caught, not a judgement."),
        rows=3,
        required=_("Describe what the person said or did: that is the heart of feedback."),
    )
    impact = _text(_("Impact"), _("What it changed: for the people there, or for the result."))
    suggestion = _text(
        _("Suggestion for next time"), _("One concrete thing to keep doing or to try.")
    )
    kind = forms.ChoiceField(
        label=_("Is this something to…"),
        choices=FeedbackKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose “keep doing” or “try differently”."),
            "invalid_choice": _("Choose “keep doing” or “try differently”."),
        },
    )

    def __init__(
        self, *args, mentorship, coach_url: str, recipients: list[Profile] | None = None, **kwargs
    ):
        """``recipients``: in a circle, the other members feedback may go to; None in a
        pair (the field is left out)."""
        super().__init__(*args, **kwargs)
        self.recipients = {person.pk: person for person in recipients or []}
        if recipients is None:
            del self.fields["receiver"]
        else:
            self.fields["receiver"].choices = [
                ("", gettext("Choose a member of your circle")),
                *((person.pk, person.display_name) for person in recipients),
            ]
        # Querysets are built here, inside the request's organization and for this pair.
        self.fields["skill"].queryset = program_focus_skills(mentorship.program)
        self.fields["session"].queryset = pair_sessions_for_feedback(mentorship)
        for name in TEXT_FIELDS:
            # The coach: htmx posts the form a moment after typing stops (no inline script).
            self.fields[name].widget.attrs.update(
                {
                    "hx-post": coach_url,
                    "hx-trigger": "input changed delay:500ms",
                    "hx-target": "#coach",
                    "hx-swap": "innerHTML",
                    "hx-sync": "closest form:replace",
                }
            )

    def clean_receiver(self) -> Profile:
        return self.recipients[self.cleaned_data["receiver"]]

    def texts(self) -> dict[str, str]:
        """The four texts as typed (valid or not), for the coach."""
        return coach_texts(self.data)


def coach_texts(data) -> dict[str, str]:
    """The four texts the coach reads from posted data; anything else posted is ignored."""
    return {name: str(data.get(name, "")).strip()[:TEXT_LIMIT] for name in TEXT_FIELDS}


class ReflectionForm(ServiceForm):
    reflection = forms.CharField(
        label=_("Your reflection"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What do you take from it? The person who gave it can read your reply."),
        error_messages={"max_length": too_long(4000)},
    )


LEVEL_CHOICES = [
    (level, format_lazy("{}. {}", level, text)) for level, text in sorted(RATING_LEVELS.items())
]
LEVEL_ERROR = _("A rating is a level from 1 to 5: choose one of the five.")


class RatingForm(ServiceForm):
    level = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=LEVEL_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": LEVEL_ERROR, "invalid_choice": LEVEL_ERROR},
    )
    moment = forms.ChoiceField(
        label=_("When is this rating?"),
        choices=RatingMoment.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Say when: at the start, at a goal review or at the end."),
            "invalid_choice": _("Rate at the start, at a goal review or at the end."),
        },
    )
    period = forms.IntegerField(
        label=_("Which goal review?"),
        required=False,
        min_value=1,
        max_value=99,
        help_text=_("Only for a goal review: 1 for the first, 2 for the second…"),
        error_messages={
            "invalid": _("Enter the number of the goal review, such as 1."),
            "min_value": _("Goal reviews are numbered from 1."),
            "max_value": _("Goal reviews are numbered from 1 to 99."),
        },
    )

    def __init__(self, *args, rater_role: str, review_period: int, **kwargs):
        kwargs.setdefault("initial", {"moment": RatingMoment.REVIEW, "period": review_period})
        super().__init__(*args, **kwargs)
        # No role word here: in a peer pair the observer is a peer partner, not a mentor.
        self.fields["level"].label = (
            gettext("How often does it show now? (your self view)")
            if rater_role == RaterRole.SELF
            else gettext("How often did you observe it? (what you saw)")
        )

    def clean(self):
        data = super().clean()
        is_review = data.get("moment") == RatingMoment.REVIEW
        if is_review and not data.get("period") and "period" not in self.errors:
            self.add_error("period", gettext("Say which goal review this is: 1 for the first."))
        return data


AGREEMENT = {
    1: _("Strongly disagree"),
    2: _("Disagree"),
    3: _("Neither agree nor disagree"),
    4: _("Agree"),
    5: _("Strongly agree"),
}
LIKELIHOOD = {0: _("Not at all likely"), 10: _("Extremely likely")}


def _scale_choices(low: int, high: int) -> list[tuple[int, str]]:
    words = AGREEMENT if (low, high) == (1, 5) else LIKELIHOOD
    return [
        (value, f"{value} · {words[value]}" if value in words else str(value))
        for value in range(low, high + 1)
    ]


class SurveyForm(ServiceForm):
    """One scale per question of the survey, and an optional comment."""

    def __init__(self, *args, questions: dict[str, str], scales: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for key, text in questions.items():
            low, high = scales.get(key, (1, 5))
            message = gettext("Choose a value from %(low)s to %(high)s.") % {
                "low": low,
                "high": high,
            }
            self.fields[key] = forms.TypedChoiceField(
                label=gettext(text),
                choices=_scale_choices(low, high),
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": message, "invalid_choice": message},
            )
        self.fields["comment"] = forms.CharField(
            label=_("Comment (optional)"),
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_(
                "For yourself: only you see it here. Program managers see averages of groups "
                "of five people or more, never a comment."
            ),
            error_messages={"max_length": too_long(2000)},
        )

    @classmethod
    def for_answer(cls, current, data=None, **kwargs):
        """The form, filled with the person's current answer when there is one."""
        initial = {}
        if current is not None:
            initial = {**current.answers, "comment": current.comment}
        return cls(data, initial=initial, **kwargs)

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "answers": {key: data[key] for key in self.questions},
            "comment": data["comment"],
        }
