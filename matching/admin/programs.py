"""The matching weights of a program's admin page: matching extends the programs app's
program admin and form with them, and registers the result in their place."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mentoring.tenancy.admin import organization_admin_site
from programs.admin.programs import ProgramAdmin, ProgramForm
from programs.models import Program

from ..forms import CRITERION_LABELS, WEIGHT_CHOICES
from ..pool import program_weights
from ..scoring import Criterion

WEIGHT_HELP = _(
    "Must: pairs that fail it are never proposed. High, medium, low: more or fewer points. "
    "Off: ignored. A required cross-functional setting always counts as must."
)


def _weight_field(criterion: Criterion) -> forms.ChoiceField:
    help_text = WEIGHT_HELP if criterion == Criterion.FOCUS_SKILLS else ""
    return forms.ChoiceField(
        label=CRITERION_LABELS[criterion], choices=WEIGHT_CHOICES, help_text=help_text
    )


class ProgramMatchingForm(ProgramForm):
    """The program's form with one weight per matching criterion, stored on the program."""

    weight_focus_skills = _weight_field(Criterion.FOCUS_SKILLS)
    weight_cross_functional = _weight_field(Criterion.CROSS_FUNCTIONAL)
    weight_seniority = _weight_field(Criterion.SENIORITY)
    weight_time_zone = _weight_field(Criterion.TIME_ZONE)
    weight_language = _weight_field(Criterion.LANGUAGE)
    weight_preference = _weight_field(Criterion.PREFERENCE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "focus_skills" not in self.fields:
            return  # a read-only page: no field to fill
        for criterion, weight in program_weights(self.instance).items():
            self.fields[f"weight_{criterion}"].initial = str(weight)

    def save_through_service(self):
        self.instance.match_weights = {
            str(criterion): self.cleaned_data[f"weight_{criterion}"]
            for criterion in CRITERION_LABELS
        }
        return super().save_through_service()


class ProgramMatchingAdmin(ProgramAdmin):
    form = ProgramMatchingForm

    def settings_fieldsets(self) -> list:
        weights = [f"weight_{criterion}" for criterion in CRITERION_LABELS]
        return [*super().settings_fieldsets(), (_("Matching weights"), {"fields": weights})]


organization_admin_site.unregister(Program)
organization_admin_site.register(Program, ProgramMatchingAdmin)
