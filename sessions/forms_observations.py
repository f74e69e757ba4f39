"""Forms of the observation log: an observation's four parts (and whom, and which skill),
and the experiment an observation becomes. As in ``sessions.forms``, the texts carry no
limit of their own: the service's explanation is the one people read."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentoring.common.forms import ServiceForm


def _part(label, help_text) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, help_text=help_text, widget=forms.Textarea(attrs={"rows": 3})
    )


class ObservationForm(ServiceForm):
    observed = forms.CharField(
        label=_("Whom you watched (optional)"),
        required=False,
        help_text=_("A name or a role. Leave it empty when it was your mentor."),
    )
    skill = forms.ChoiceField(
        label=_("Skill it is about (optional)"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of your focus skills, or none.")},
    )
    situation = _part(
        _("The situation"),
        _(
            "Where and when, and what was at stake: a tense meeting, a hard question, "
            "a disagreement…"
        ),
    )
    action = _part(
        _("What they did or said"),
        _(
            "What you saw or heard, as a camera would have: their words, their tone, what they "
            "did first."
        ),
    )
    effect = _part(
        _("Its effect"),
        _("What changed because of it: how people reacted, what happened next."),
    )
    adaptation = _part(
        _("What I will adapt to my own style"),
        _("Not a copy: what you will try, in your own way, the next time it happens to you."),
    )

    def __init__(self, *args, skills, observation=None, **kwargs):
        if observation is not None:
            kwargs.setdefault("prefix", f"edit-{observation.pk}")
            kwargs.setdefault(
                "initial",
                {
                    **{name: getattr(observation, name) for name in self.base_fields},
                    "skill": observation.skill_id or "",
                },
            )
        else:
            kwargs.setdefault("prefix", "new")
        super().__init__(*args, **kwargs)
        self._skills = {str(skill.pk): skill for skill in skills}
        self.fields["skill"].choices = [("", gettext("None in particular"))] + [
            (key, skill.name) for key, skill in self._skills.items()
        ]
        if not skills:
            del self.fields["skill"]

    def clean_skill(self):
        return self._skills.get(self.cleaned_data.get("skill") or "")

    @property
    def service_arguments(self) -> dict:
        return {"skill": None, **self.cleaned_data}


class ObservationExperimentForm(ServiceForm):
    description = forms.CharField(
        label=_("What you will try"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Small and concrete: what, where, with whom."),
    )
    due_on = forms.DateField(
        label=_("By when"),
        required=False,
        help_text=_("A day by which the situation is likely to come up."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Give the date as year-month-day.")},
    )

    def __init__(self, *args, observation, **kwargs):
        kwargs.setdefault("initial", {"description": observation.adaptation[:500]})
        super().__init__(*args, prefix=f"experiment-{observation.pk}", **kwargs)
