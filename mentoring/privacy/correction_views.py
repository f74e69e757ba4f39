"""The page where a person asks their program managers to correct their profile."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from mentoring.common.forms import ServiceForm
from mentoring.people.selectors import profile_for_member
from mentoring.tenancy.access import member_required

from .corrections import CORRECTION_MAX_LENGTH, profile_correction_request


class ProfileCorrectionForm(ServiceForm):
    """The rules (not empty, not too long) are the service's: its refusal lands here."""

    message = forms.CharField(
        label="What is wrong, and what should it be?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": CORRECTION_MAX_LENGTH}),
        help_text=(
            "For example: “I moved to the Sales team in March” or “My manager is now Dana "
            f"Okafor”. At most {CORRECTION_MAX_LENGTH} characters."
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
                f"Your request is on its way to {sent_to} program manager(s). "
                "They will correct your profile or get back to you by email.",
            )
            return redirect("profile_edit")
    return render(request, "privacy/profile_correction.html", {"form": form, "profile": profile})
