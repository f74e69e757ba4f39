"""Planning a series of sessions (every N weeks, M times) on the planner's clock."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from matching.access import access_pair
from mentoring.tenancy.access import member_required

from ..forms_series import SeriesForm
from ..members import others_word
from ..services import series as series_services
from ..services.schedule import default_place
from .common import mentorship_url, render_for


@member_required
@require_http_methods(["GET", "POST"])
def series_plan(request, mentorship_id: int):
    """The series form; planned, back to the pair's sessions with the series in words.
    Refused (a clash, a date too far), the form again with what was typed and the series
    as it was understood."""
    side = access_pair(
        organization=request.organization, user=request.user, mentorship_id=mentorship_id
    )
    if not side.mentorship.is_open:
        messages.error(request, _("This mentorship has ended: no new sessions."))
        return redirect(mentorship_url(mentorship_id))
    time_zone = side.me.time_zone
    form = SeriesForm(
        request.POST or None,
        time_zone=time_zone,
        initial={"location": default_place(side.mentorship)},
    )
    preview = ""
    if request.method == "POST" and form.is_valid():
        preview = form.preview()  # before a refusal takes its field out of cleaned_data
        try:
            series = series_services.series_plan(
                organization=request.organization,
                actor=request.user,
                mentorship=side.mentorship,
                time_zone=time_zone,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            words = series_services.series_in_words(
                series.starts_at,
                interval_weeks=series.interval_weeks,
                count=series.count,
                time_zone=series.time_zone,
            )
            messages.success(
                request,
                _(
                    "%(count)s sessions planned: %(words)s. %(others)s sees them on their own "
                    "clock, and each of you gets one invitation for the series. "
                    "Each session can still be moved or cancelled on its own."
                )
                % {"count": series.count, "words": words, "others": others_word(side, start=True)},
            )
            return redirect(mentorship_url(mentorship_id, "sessions"))
    return render_for(request, "sessions/series.html", {"form": form, "preview": preview}, side)
