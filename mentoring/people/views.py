from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from mentoring.common.forms import add_service_errors
from mentoring.tenancy.access import member_required

from .forms import MemberProfileForm
from .selectors import profile_for_member
from .services import profile_update


@member_required
def profile_edit(request):
    profile = profile_for_member(request.user)
    form = MemberProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            profile_update(
                organization=request.organization,
                actor=request.user,
                profile=profile,
                **{name: form.cleaned_data[name] for name in form.changed_data},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("profile_edit")
    return render(request, "people/profile_form.html", {"form": form, "profile": profile})
