"""A pair's sessions and one session: planning, the session page, moving and cancelling
it, and its calendar invite."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from matching.access import access_pair
from mentoring.common.forms import error_text
from mentoring.tenancy.access import member_required

from .. import selectors, services
from ..calendar_files import session_calendar
from ..forms import CancelForm, MeetingPlaceForm, RescheduleForm, ScheduleForm
from ..members import others_word
from ..selectors.slots import mutual_slots
from ..services.agenda import session_visit_record
from ..services.places import meeting_place_save
from ..services.schedule import default_place
from .common import edit_item_requested, mentorship_url, render_for, render_session, session_url


@member_required
@require_GET
def pair_sessions(request, mentorship_id: int):
    """The sessions section of the mentorship page, which loads it with htmx (the page
    belongs to the matching app). Without htmx, the same section as a page of its own."""
    page = selectors.pair_sessions(
        organization=request.organization, user=request.user, mentorship_id=mentorship_id
    )
    template = "sessions/partials/pair_sessions.html" if request.htmx else "sessions/pair.html"
    return render_for(request, template, {"sessions_page": page}, page.side)


@member_required
@require_http_methods(["GET", "POST"])
def session_schedule(request, mentorship_id: int):
    side = access_pair(
        organization=request.organization, user=request.user, mentorship_id=mentorship_id
    )
    if not side.mentorship.is_open:
        messages.error(request, _("This mentorship has ended: no new sessions."))
        return redirect(mentorship_url(mentorship_id))
    form = ScheduleForm(
        request.POST or None,
        time_zone=side.me.time_zone,
        initial={"location": default_place(side.mentorship)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_schedule(
                organization=request.organization,
                actor=request.user,
                mentorship=side.mentorship,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _(
                    "Session planned. %(others)s sees it on their own clock. "
                    "Now build the agenda together."
                )
                % {"others": others_word(side, start=True)},
            )
            return redirect(session_url(session.pk))
    if side.is_circle:  # the free-time finder compares two calendars: a pair's
        context = {"form": form, "slots": None, "slots_problem": ""}
        return render_for(request, "sessions/schedule.html", context, side)
    slots = mutual_slots(
        organization=request.organization, mentorship=side.mentorship, viewer=side.me
    )
    context = {"form": form, "slots": slots, "slots_problem": slots.problem}
    return render_for(request, "sessions/schedule.html", context, side)


@member_required
@require_POST
def meeting_place(request, mentorship_id: int):
    """Set where the pair usually meets (the sessions section's small form)."""
    side = access_pair(
        organization=request.organization, user=request.user, mentorship_id=mentorship_id
    )
    form = MeetingPlaceForm(request.POST)
    if form.is_valid():
        try:
            place = meeting_place_save(
                organization=request.organization,
                actor=request.user,
                mentorship=side.mentorship,
                location=form.cleaned_data["location"],
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                _("New sessions will be at %(place)s.") % {"place": place}
                if place
                else _("No usual place any more."),
            )
    return redirect(mentorship_url(mentorship_id, "sessions"))


@member_required
@require_GET
def session_detail(request, session_id: int):
    page = selectors.session_page(
        organization=request.organization, user=request.user, session_id=session_id
    )
    # agenda points the other person adds after this look are news to this person
    session_visit_record(
        organization=request.organization, actor=request.user, session=page.session
    )
    return render_session(request, page, edit_item_id=edit_item_requested(request))


@member_required
@require_POST
def session_reschedule(request, session_id: int):
    session, side = selectors.access_session(
        organization=request.organization, user=request.user, session_id=session_id
    )
    form = RescheduleForm.for_session(session, side.me.time_zone, request.POST)
    if form.is_valid():
        try:
            services.session_reschedule(
                organization=request.organization,
                actor=request.user,
                session=session,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("Session moved. %(others)s sees the new time.")
                % {"others": others_word(side, start=True)},
            )
            return redirect(session_url(session_id))
    page = selectors.session_page(
        organization=request.organization, user=request.user, session_id=session_id
    )
    return render_session(request, page, reschedule_form=form)


@member_required
@require_POST
def session_cancel(request, session_id: int):
    session, side = selectors.access_session(
        organization=request.organization, user=request.user, session_id=session_id
    )
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.session_cancel(
                organization=request.organization,
                actor=request.user,
                session=session,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("Session cancelled. %(others)s sees your note.")
                % {"others": others_word(side, start=True)},
            )
            return redirect(session_url(session_id))
    page = selectors.session_page(
        organization=request.organization, user=request.user, session_id=session_id
    )
    return render_session(request, page, cancel_form=form)


@member_required
@require_GET
def session_invite(request, session_id: int):
    """The session as a calendar invite (.ics), in UTC, with its agenda."""
    session, _side = selectors.access_session(
        organization=request.organization, user=request.user, session_id=session_id
    )
    calendar = session_calendar(request.organization, session, selectors.invite_agenda(session))
    response = HttpResponse(calendar, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mentoring-session-{session.pk}.ics"'
    return response
