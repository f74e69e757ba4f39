from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from mentoring.common.time_zones import (
    canonical_zone,
    is_listed,
    time_zone_choices,
    time_zone_label,
    time_zone_search,
)

from .models import LANGUAGE_CHOICES, Department, Profile, SeniorityLevel
from .services import MANAGED_FIELDS, validate_manager

TIME_ZONE_HELP = _(
    "Where you are: every date and time you see is on this clock. "
    "Search for your city, country or offset and choose the zone with your time; "
    "the offset shown is today's."
)
SEARCH_TERM_MAX_LENGTH = 100
SYNCED_HELP = gettext_noop("Synced from your organization's directory: change it there.")
PROFILE_FORM_FIELDS = [
    "display_name",
    "department",
    "job_title",
    "seniority",
    "manager",
    "time_zone",
    "languages",
    "bio",
    "language",
]


class SearchPicker(forms.Select):
    """A select that holds only the current choice (and, after a search sent with the form,
    its matches) next to a search box: ``static/js/search-picker.js`` asks ``search_url``
    as the person types and offers what it finds, so a list of hundreds is never sent.
    Without JavaScript the search box goes with the form and the form searches
    (``MemberProfileForm.clean_time_zone``)."""

    class Media:
        js = ["js/search-picker.js"]
        css = {"all": ["css/search-picker.css"]}

    def __init__(self, *, search_url, search_label, placeholder, attrs=None):
        super().__init__(attrs)
        self.search_url = search_url
        self.search_label = search_label
        self.placeholder = placeholder
        self.term = ""

    def render(self, name, value, attrs=None, renderer=None):
        select = super().render(name, value, attrs, renderer)
        field_id = self.build_attrs(self.attrs, attrs).get("id") or name
        return format_html(
            '<div class="search-picker" data-search-picker data-search-url="{url}" '
            'data-text-none="{none}" data-text-more="{more}" data-text-one="{one}" '
            'data-text-many="{many}" data-text-failed="{failed}" data-text-chosen="{chosen}">'
            '<input type="search" class="search-picker__query" name="{name}_search" '
            'id="{id}_search" value="{term}" maxlength="{limit}" autocomplete="off" '
            'spellcheck="false" placeholder="{placeholder}" aria-label="{label}" '
            'aria-controls="{id}" aria-describedby="{id}_search_status">'
            "{select}"
            '<p class="search-picker__status" id="{id}_search_status" aria-live="polite"></p>'
            "</div>",
            url=str(self.search_url),
            name=name,
            id=field_id,
            term=self.term,
            limit=SEARCH_TERM_MAX_LENGTH,
            placeholder=self.placeholder,
            label=self.search_label,
            select=select,
            # the texts static/js/search-picker.js shows, with {term}, {total}, {shown}, {choice}
            none=gettext(
                "Nothing matches “{term}”. Try a city, a country or an offset such as +05:30."
            ),
            more=gettext(
                "{total} match: the first {shown} are listed. Type more to narrow them down."
            ),
            one=gettext("{total} match listed: choose from the list."),
            many=gettext("{total} matches listed: choose from the list."),
            failed=gettext("The search did not answer. Try again in a moment."),
            chosen=gettext("Chosen: {choice}."),
        )


def _zone_choice(name: str) -> tuple[str, str] | None:
    label = time_zone_label(name)
    return (name, label) if label else None


class MemberProfileForm(forms.ModelForm):
    """What a person edits about themselves on their profile page. The department,
    seniority level and manager are not here: program managers set them (``ProfileForm``)."""

    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        help_text=TIME_ZONE_HELP,
        error_messages={"invalid_choice": _("Choose your time zone from the list.")},
        widget=SearchPicker(
            search_url=reverse_lazy("time_zone_search"),
            search_label=_("Search by city, country or offset"),
            placeholder=_("A city, country or offset: Lisbon, India, +05:30"),
        ),
    )
    languages = forms.MultipleChoiceField(
        # Django's own catalogue names the languages in the reader's language
        choices=[(code, _(name)) for code, name in LANGUAGE_CHOICES],
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Languages you can hold a mentoring conversation in."),
    )

    class Meta:
        model = Profile
        fields = [name for name in PROFILE_FORM_FIELDS if name not in MANAGED_FIELDS]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._zone_found_by_search = False
        for name in self.instance.synced_fields:
            if name in self.fields:  # set by the directory: shown, not editable
                self.fields[name].disabled = True
                self.fields[name].help_text = gettext(SYNCED_HELP)
        field = self.fields["time_zone"]
        field.widget.term = ""
        choices = time_zone_choices()
        stored = self.instance.time_zone if self.instance.pk else ""
        older = None
        if stored and not is_listed(stored):
            canonical = canonical_zone(stored)
            if canonical:
                # an older alias: shown, and saved, under its canonical name
                self.initial["time_zone"] = canonical
                older_name = gettext(
                    "%(stored)s is an older name of this zone; it is shown as %(canonical)s."
                ) % {"stored": stored, "canonical": canonical}
                field.help_text = f"{older_name} {TIME_ZONE_HELP}"
            else:  # no equivalent in the list: keep it choosable, so saving loses nothing
                older = (stored, gettext("%(zone)s (older name, still works)") % {"zone": stored})
                choices = [(gettext("Current"), [older]), *choices]
        field.choices = choices  # what the form accepts
        # what the page shows: the current choice only; a search offers the others
        field.widget.choices = self._shown_zones(older)

    def _shown_zones(self, older: tuple[str, str] | None) -> list[tuple[str, str]]:
        initial = self.get_initial_for_field(self.fields["time_zone"], "time_zone")
        candidates = [initial]
        if self.is_bound:
            candidates.insert(0, self.data.get(self.add_prefix("time_zone"), ""))
        for name in candidates:
            if older and name == older[0]:
                return [older]
            choice = _zone_choice(name) if isinstance(name, str) and name else None
            if choice:
                return [choice]
        return []

    def clean_time_zone(self):
        """A search typed and sent with the form (no JavaScript, or the choice left as it
        was): one match is the new zone; several are offered to choose from."""
        zone = self.cleaned_data["time_zone"]
        field = self.fields["time_zone"]
        raw = self.data.get(self.add_prefix("time_zone_search"), "")
        term = str(raw).replace("\x00", "").strip()[:SEARCH_TERM_MAX_LENGTH]
        field.widget.term = term
        if not term or zone != self.get_initial_for_field(field, "time_zone"):
            return zone
        matches = time_zone_search(term)
        if matches.total == 1:
            self._zone_found_by_search = True
            return matches.choices[0][0]
        if matches.total == 0:
            raise ValidationError(
                gettext(
                    "No time zone matches “%(term)s”. Try a city or a country, "
                    "or an offset such as +05:30."
                )
                % {"term": term}
            )
        shown = [choice for choice in field.widget.choices if choice[0] == zone]
        field.widget.choices = shown + [c for c in matches.choices if c[0] != zone]
        if matches.total > 20:
            text = gettext(
                "%(total)s time zones match “%(term)s” (the first 20 are shown: type more to "
                "narrow it): choose yours from the list."
            )
        else:
            text = gettext("%(total)s time zones match “%(term)s”: choose yours from the list.")
        raise ValidationError(text % {"total": matches.total, "term": term})

    @property
    def changed_data(self):
        changed = list(super().changed_data)
        if self._zone_found_by_search and "time_zone" not in changed:
            changed.append("time_zone")
        return changed


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
