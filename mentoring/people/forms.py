from django import forms

from mentoring.common.time_zones import canonical_zone, is_listed, time_zone_choices

from .models import LANGUAGE_CHOICES, Department, Profile, SeniorityLevel
from .services import MANAGED_FIELDS, validate_manager

TIME_ZONE_HELP = (
    "Where you are: every date and time you see is on this clock. "
    "Choose the city nearest to you with the same time; the offset shown is today's."
)
PROFILE_FORM_FIELDS = [
    "display_name",
    "department",
    "job_title",
    "seniority",
    "manager",
    "time_zone",
    "languages",
    "bio",
]


class MemberProfileForm(forms.ModelForm):
    """What a person edits about themselves on their profile page. The department,
    seniority level and manager are not here: program managers set them (``ProfileForm``)."""

    time_zone = forms.ChoiceField(
        label="Time zone",
        help_text=TIME_ZONE_HELP,
        error_messages={"invalid_choice": "Choose your time zone from the list."},
    )
    languages = forms.MultipleChoiceField(
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Languages you can hold a mentoring conversation in.",
    )

    class Meta:
        model = Profile
        fields = [name for name in PROFILE_FORM_FIELDS if name not in MANAGED_FIELDS]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["time_zone"]
        choices = time_zone_choices()
        stored = self.instance.time_zone if self.instance.pk else ""
        if stored and not is_listed(stored):
            canonical = canonical_zone(stored)
            if canonical:
                # an older alias: shown, and saved, under its canonical name
                self.initial["time_zone"] = canonical
                field.help_text = (
                    f"{stored} is an older name of this zone; it is shown as {canonical}. "
                    + TIME_ZONE_HELP
                )
            else:  # no equivalent in the list: keep it choosable, so saving loses nothing
                choices = [("Current", [(stored, f"{stored} (older name, still works)")]), *choices]
        field.choices = choices


class ProfileForm(MemberProfileForm):
    """Every profile field, as program managers edit it in the organization admin."""

    class Meta(MemberProfileForm.Meta):
        fields = PROFILE_FORM_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Querysets are built here, inside the request's organization, never at import.
        self.fields["department"].queryset = Department.objects.all()
        self.fields["seniority"].queryset = SeniorityLevel.objects.all()
        managers = Profile.objects.order_by("display_name")
        if self.instance.pk:
            managers = managers.exclude(pk=self.instance.pk)
        self.fields["manager"].queryset = managers

    def clean_manager(self):
        manager = self.cleaned_data.get("manager")
        if self.instance.pk:
            validate_manager(self.instance, manager)
        return manager
