"""The page where a person asks their program managers to correct their profile."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from mentoring.common.forms import ServiceForm, interpolated
from mentoring.people.selectors import profile_for_member
from mentoring.tenancy.access import member_required

from .corrections import CORRECTION_MAX_LENGTH, profile_correction_request


class ProfileCorrectionForm(ServiceForm):
    """The rules (not empty, not too long) are the service's: its refusal lands here."""

    message = forms.CharField(
        label=_("What is wrong, and what should it be?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": CORRECTION_MAX_LENGTH}),
        help_text=interpolated(
            _(
                "For example: “I moved to the Sales team in March” or “My manager is now Dana "
                "Okafor”. At most %(limit)s characters."
            ),
            {"limit": CORRECTION_MAX_LENGTH},
        ),
    )


@require_http_methods(["GET", "POST"])
@member_required
def profile_correction(request):
    profile = profile_for_member(request.user)
    form = ProfileCorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent_to = profile_correction_request(
                organization=request.organization,
                actor=request.user,
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                ngettext(
                    "Your request is on its way to %(count)s program manager(s). "
                    "They will correct your profile or get back to you by email.",
                    "Your request is on its way to %(count)s program manager(s). "
                    "They will correct your profile or get back to you by email.",
                    sent_to,
                )
                % {"count": sent_to},
            )
            return redirect("profile_edit")
    return render(request, "privacy/profile_correction.html", {"form": form, "profile": profile})
