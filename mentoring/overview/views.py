"""The home page: every part a person's roles call for, read across the apps."""

from django.shortcuts import render

from mentoring.people.selectors import profile_for_member
from mentoring.tenancy.access import member_required

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
    return render(request, "people/home.html", {"profile": profile, "dashboard": dashboard})
