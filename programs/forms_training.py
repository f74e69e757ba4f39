"""The reflection that finishes a training module (the service checks its length)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from mentoring.common.forms import ServiceForm


class ReflectionForm(ServiceForm):
    reflection = forms.CharField(
        label=_("Your reflection"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "A few sentences in your own words. It is yours: managers see that you finished "
            "the module, not what you wrote."
        ),
    )
