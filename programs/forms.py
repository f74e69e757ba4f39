"""Forms of the participant pages. They parse input; the services decide what is allowed
and their messages land on the fields through ``add_service_errors``."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentoring.common.forms import ServiceForm

from .models import PROGRESS_ANCHORS, GoalStatus
from .selectors import mentor_skill_choices, program_focus_skills


class SkillChoiceField(forms.ModelMultipleChoiceField):
    """Skills as checkboxes; the template shows each skill's description under its name."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj) -> str:
        return obj.name


class MenteeApplicationForm(ServiceForm):
    service_fields = {"situations": "situation_1"}

    focus_skills = SkillChoiceField(
        queryset=None,
        required=False,
        label=_("Focus skills"),
        help_text=_("Choose one or two. Working on few skills at once makes progress visible."),
        error_messages={"invalid_choice": _("Choose focus skills among this program's skills.")},
    )
    goal_statement = forms.CharField(
        label=_("Your goal"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One sentence: what you will do differently, and where others will notice it."),
    )
    goal_skill = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Which focus skill is this goal about?"),
        empty_label=_("The first focus skill I chose"),
        error_messages={"invalid_choice": _("Choose one of this program's focus skills.")},
    )
    situation_1 = forms.CharField(
        label=_("Situation 1"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    situation_2 = forms.CharField(
        label=_("Situation 2"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    situation_3 = forms.CharField(
        label=_("Situation 3 (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        # Querysets are built here, inside the request's organization.
        self.fields["focus_skills"].queryset = program_focus_skills(program)
        self.fields["goal_skill"].queryset = program_focus_skills(program)

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "focus_skills": list(data["focus_skills"]),
            "goal_statement": data["goal_statement"],
            "goal_skill": data["goal_skill"],
            "situations": [data["situation_1"], data["situation_2"], data["situation_3"]],
        }


class MentorApplicationForm(ServiceForm):
    skills = SkillChoiceField(
        queryset=None,
        required=False,
        label=_("Skills you can help with"),
        help_text=_("Choose the skills you practise well enough to guide someone else."),
        error_messages={"invalid_choice": _("Choose skills from the organization's catalogue.")},
    )
    capacity = forms.IntegerField(
        label=_("How many mentees can you take?"),
        required=False,
        error_messages={"invalid": _("Enter a whole number of mentees.")},
    )
    growth_story = forms.CharField(
        label=_("How you grew these skills yourself"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "A few sentences mentees can relate to: where you started, what helped, "
            "what you still practise."
        ),
    )

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skills"].queryset = mentor_skill_choices()
        capacity = self.fields["capacity"]
        capacity.initial = program.default_mentees_per_mentor
        capacity.widget.attrs.update({"min": 1, "max": program.max_mentees_per_mentor})
        capacity.help_text = gettext("From 1 to %(most)s, this program's maximum per mentor.") % {
            "most": program.max_mentees_per_mentor
        }

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "skills": list(data["skills"]),
            "capacity": data["capacity"],
            "growth_story": data["growth_story"],
        }


class GoalForm(ServiceForm):
    statement = forms.CharField(
        label=_("Goal"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you will do, in which situation, so that someone else could see it."),
    )
    skill = forms.ModelChoiceField(
        queryset=None,
        label=_("Focus skill"),
        error_messages={
            "required": _("Choose which focus skill this goal is about."),
            "invalid_choice": _("Choose one of the program's focus skills."),
        },
    )
    target_on = forms.DateField(
        label=_("Target date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Optional: when you would like to see it happen."),
        error_messages={"invalid": _("Enter a date such as 2030-06-30.")},
    )

    def __init__(self, *args, program, with_status: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skill"].queryset = program_focus_skills(program)
        if with_status:
            # "Not pursued" is set with the enrolment's end, never chosen
            choices = [c for c in GoalStatus.choices if c[0] != GoalStatus.CLOSED]
            self.fields["status"] = forms.ChoiceField(label=_("Status"), choices=choices)

    @classmethod
    def for_goal(cls, goal, data=None):
        initial = {
            "statement": goal.statement,
            "skill": goal.skill_id,
            "target_on": goal.target_on,
            "status": goal.status,
        }
        return cls(data, initial=initial, program=goal.enrollment.program, with_status=True)


PROGRESS_CHOICES = [
    (level, format_lazy("{}. {}", level, anchor)) for level, anchor in PROGRESS_ANCHORS.items()
]


class GoalReviewForm(ServiceForm):
    progress = forms.TypedChoiceField(
        label=_("Where are you now?"),
        choices=PROGRESS_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Pick the sentence that best describes what happens in real situations."),
    )
    what_changed = forms.CharField(
        label=_("What changed since the last review"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A situation that went differently, or one that did not, and why."),
    )
    next_steps = forms.CharField(
        label=_("Next steps"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The next small experiment to try before the following review."),
    )
    adjusted_focus = forms.CharField(
        label=_("Adjusted focus (optional)"),
        max_length=300,
        required=False,
        help_text=_("If the goal needs sharpening, say how."),
    )


class ChecklistToggleForm(forms.Form):
    done = forms.BooleanField(required=False)
    section = forms.CharField(required=False, max_length=20)


class GoalObservationForm(ServiceForm):
    """The mentor's observation on a mentee's goal review. ``version`` is the observation
    the mentor saw when they opened the page: the service refuses to overwrite a newer one."""

    text = forms.CharField(
        label=_("Your observation"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you have seen change (or not) in real situations, and what you suggest."),
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    @classmethod
    def for_review(cls, review, data=None, *, prefix: str):
        initial = {"text": review.mentor_observation, "version": review.observation_version}
        return cls(data, initial=initial, prefix=prefix)
