"""The home page: every part a person's roles call for, read across the apps."""

from django.shortcuts import redirect, render

from mentoring.people.selectors import profile_for_member
from mentoring.tenancy.access import member_required
from mentoring.tenancy.models import Role

from .dashboards import home_dashboard


@member_required
def home(request):
    profile = profile_for_member(request.user)
    dashboard = home_dashboard(
        organization=request.organization,
        user=request.user,
        profile=profile,
        is_manager=request.membership.is_manager,
    )
    is_hr = request.membership.role == Role.HR
    if is_hr and dashboard.is_empty:
        # Nothing of their own to follow: an HR analyst's home is the organization's progress.
        return redirect("hr:home")
    return render(
        request,
        "people/home.html",
        {"profile": profile, "dashboard": dashboard, "is_hr": is_hr},
    )
