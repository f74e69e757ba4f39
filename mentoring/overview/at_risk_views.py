"""A program's pairs at risk, every one of them, worst first and a page at a time: where
the manager's home sends them when its list of the first few runs over.

Served under ``/admin/`` by ``mentoring.urls`` through the organization admin site's
``admin_view`` (program managers of this organization only)."""

from __future__ import annotations

from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from mentoring.common.time_zones import time_zone_of
from mentoring.people.selectors import profile_for_member
from mentoring.request_validation import parse_id
from mentoring.tenancy.admin import organization_admin_site
from programs.models import Program

from .clock import Clock
from .managers import program_at_risk_page


@require_http_methods(["GET"])
def program_at_risk_view(request, program_id: str):
    program_pk = parse_id(program_id)
    program = Program.objects.filter(pk=program_pk).first() if program_pk is not None else None
    if program is None:
        raise Http404("No such program in this organization.")
    profile = profile_for_member(request.user)
    clock = Clock(now=timezone.now(), zone=time_zone_of(profile.time_zone))
    listing = program_at_risk_page(program, clock, request.GET.get("page"))
    context = {
        **organization_admin_site.each_context(request),
        "title": gettext("Pairs at risk in %(name)s") % {"name": program.name},
        "opts": Program._meta,
        "listing": listing,
        "program": program,
    }
    return TemplateResponse(request, "dashboards/at_risk.html", context)


def urlpatterns() -> list:
    """Mounted by ``mentoring.urls`` before the admin site's own URLs (an id that is not
    one is a 404, never the admin's catch-all redirect)."""
    return [
        path(
            "admin/programs/program/<path:program_id>/at-risk/",
            organization_admin_site.admin_view(program_at_risk_view),
            name="program_at_risk",
        ),
    ]
