from django.contrib import messages
from django.shortcuts import redirect, render

from mentoring.tenancy.access import member_required

from .forms import ProfileForm
from .selectors import profile_for_member
from .services import profile_update


@member_required
def profile_edit(request):
    profile = profile_for_member(request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        profile_update(
            organization=request.organization,
            actor=request.user,
            profile=profile,
            **{name: form.cleaned_data[name] for name in form.changed_data},
        )
        messages.success(request, "Your profile is saved.")
        return redirect("profile_edit")
    return render(request, "people/profile_form.html", {"form": form, "profile": profile})
