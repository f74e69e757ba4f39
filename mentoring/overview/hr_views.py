"""The HR pages: the organization's progress, a program's, and the same figures as CSV.

For HR analysts and program managers of the organization; any other member gets the
404 a non-member gets (``member_required``), so the pages' existence tells them nothing.
"""

from __future__ import annotations

from functools import wraps

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from mentoring.api.csv_export import csv_response
from mentoring.common.time_zones import time_zone_of
from mentoring.people.selectors import profile_for_member
from mentoring.tenancy.access import member_required
from mentoring.tenancy.models import Membership, Role

from .clock import Clock
from .hr import CSV_HEADER, HrPage, csv_rows, hr_home, hr_program

HR_PAGE_ROLES = (Role.HR, Role.MANAGER)


def sees_hr_pages(membership: Membership | None) -> bool:
    return membership is not None and membership.role in HR_PAGE_ROLES


def hr_required(view):
    """Members only (``member_required``), and of them HR analysts and program managers:
    anyone else gets the same 404."""

    @member_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not sees_hr_pages(request.membership):
            raise Http404("The HR pages are for HR analysts and program managers.")
        return view(request, *args, **kwargs)

    return wrapper


def _clock(request) -> Clock:
    profile = profile_for_member(request.user)
    zone = time_zone_of(profile.time_zone)
    return Clock(now=timezone.now(), zone=zone)


def _links(request) -> dict:
    return {
        "api_docs_url": reverse("api-docs"),
        "api_keys_url": reverse("admin:mentoring_apikey_changelist"),
        "is_manager": request.membership.is_manager,
        "managers": Membership.objects.filter(role=Role.MANAGER, is_active=True)
        .select_related("user")
        .order_by("user__email"),
    }


def _respond(request, page: HrPage, template: str, filename: str, context: dict):
    if request.GET.get("format") == "csv":
        return csv_response(CSV_HEADER, [csv_rows(page)], filename)
    return render(request, template, {"page": page, **context, **_links(request)})


@hr_required
def home(request):
    page = hr_home(
        clock=_clock(request),
        program_url=lambda pk: reverse("hr:program", kwargs={"program_id": pk}),
    )
    name = f"progress-{slugify(request.organization.slug)}-{timezone.localdate():%Y-%m-%d}"
    return _respond(request, page, "hr/home.html", name, {})


@hr_required
def program(request, program_id: int):
    page = hr_program(clock=_clock(request), program_id=program_id)
    name = f"progress-program-{program_id}-{timezone.localdate():%Y-%m-%d}"
    return _respond(request, page, "hr/program.html", name, {})
