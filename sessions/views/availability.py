"""The signed-in person's availability page (``/me/availability/``): their week of
windows on their own clock and the days they are away, with forms to save the week, add
an away period and remove one. Only ever their own rows: the person is the signed-in
member's profile in the host's organization, never an id from the request."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from mentoring.common.time_zones import canonical_zone
from mentoring.people.models import Profile
from mentoring.people.selectors import profile_for_member
from mentoring.tenancy.access import member_required

from ..forms_availability import AwayForm, WeekForm, day_line
from ..models import AvailabilityWindow, AwayPeriod, Weekday
from ..services.availability import (
    availability_week_save,
    away_period_add,
    away_period_remove,
    person_today,
)


@dataclass(frozen=True)
class DayRow:
    label: str
    line: str  # "09:00–12:00, 14:00–17:30", or empty


@dataclass(frozen=True)
class AvailabilityPage:
    person: Profile
    windows: list[AvailabilityWindow]
    away: list[AwayPeriod]  # current and to come; past ones do not matter any more
    days: list[DayRow]
    time_zone: str
    is_zone_known: bool


def _is_known_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def availability_page(user) -> AvailabilityPage:
    """What the page shows, in three queries whatever the number of rows."""
    person = profile_for_member(user)
    windows = list(AvailabilityWindow.objects.filter(person=person))
    away = list(AwayPeriod.objects.filter(person=person, last_day__gte=person_today(person)))
    days = [
        DayRow(str(label), day_line(w for w in windows if w.weekday == weekday))
        for weekday, label in Weekday.choices
    ]
    zone = person.time_zone or "UTC"
    return AvailabilityPage(
        person=person,
        windows=windows,
        away=away,
        days=days,
        time_zone=canonical_zone(zone) or zone,
        is_zone_known=_is_known_zone(zone),
    )


def _render(
    request: HttpRequest,
    page: AvailabilityPage,
    *,
    week_form: WeekForm | None = None,
    away_form: AwayForm | None = None,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "page": page,
        "week_form": week_form or WeekForm(windows=page.windows),
        "away_form": away_form or AwayForm(),
        "notice": notice,
    }
    return render(request, "sessions/availability.html", context, status=status)


def _page_url(anchor: str = "") -> str:
    url = reverse("sessions:availability")
    return f"{url}#{anchor}" if anchor else url


@member_required
@require_http_methods(["GET", "HEAD", "POST"])
def availability(request) -> HttpResponse:
    """The page; a POST saves the whole week (what is typed replaces what was kept)."""
    if request.method != "POST":
        return _render(request, availability_page(request.user))
    form = WeekForm(request.POST)
    if form.is_valid():
        try:
            windows = availability_week_save(
                organization=request.organization, actor=request.user, windows=form.windows()
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                ngettext(
                    "Your week is saved: %(count)d window.",
                    "Your week is saved: %(count)d windows.",
                    len(windows),
                )
                % {"count": len(windows)}
                if windows
                else _("Your week is saved, with no windows: no free times are proposed for you."),
            )
            return redirect(_page_url("week"))
    return _render(request, availability_page(request.user), week_form=form)


@member_required
@require_POST
def away_add(request) -> HttpResponse:
    form = AwayForm(request.POST)
    if form.is_valid():
        try:
            period = away_period_add(
                organization=request.organization,
                actor=request.user,
                first_day=form.cleaned_data["first_day"],
                last_day=form.cleaned_data["last_day"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Away days added: no times are proposed for you then."))
            return redirect(_page_url(f"away-{period.pk}"))
    return _render(request, availability_page(request.user), away_form=form)


@member_required
@require_POST
def away_remove(request, period_id: int) -> HttpResponse:
    """Remove one of your away periods. One that is not in your list (removed already,
    or someone else's) is a 404 that shows your page as it is."""
    if away_period_remove(
        organization=request.organization, actor=request.user, period_id=period_id
    ):
        messages.success(request, _("Away period removed."))
        return redirect(_page_url("away"))
    return _render(
        request,
        availability_page(request.user),
        notice=_("That away period is not in your list (perhaps it was removed already)."),
        status=404,
    )
