"""Logging a session (once), logging a meeting that happened without being planned here,
the shared notes every member writes, and the private note each keeps on it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from matching.access import access_pair
from mentoring.tenancy.access import member_required

from .. import selectors, services
from ..forms import LogPastForm, PrivateNoteForm, SessionLogForm, SharedNotesForm
from ..members import member_name, others_word
from ..models import SessionStatus
from .common import mentorship_url, render_for, render_session, session_url


@member_required
@require_http_methods(["GET", "POST"])
def session_log(request, session_id: int):
    page = selectors.log_page(
        organization=request.organization, user=request.user, session_id=session_id
    )
    session, side = page.session, page.side
    if session.is_logged:
        who = (
            _("you")
            if session.logged_by_id == side.me.pk
            else member_name(side, session.logged_by_id) or _("someone else")
        )
        messages.info(
            request,
            _(
                "This session is already logged (as %(status)s, by %(who)s): "
                "nothing was recorded twice."
            )
            % {"status": session.get_status_display().lower(), "who": who},
        )
        return redirect(session_url(session_id))
    form = SessionLogForm(request.POST or None, page=page)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.session_log(
                organization=request.organization,
                actor=request.user,
                session=session,
                status=data["status"],
                actual_minutes=data["actual_minutes"],
                covered_item_ids=data["covered"],
                absent_ids=form.absent_ids,
                shared_notes=data["shared_notes"],
                private_note=data["private_note"],
                real_situations=data["real_situations"],
                action_items=form.action_items(side),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("Session logged. %(others)s sees the shared notes.")
                % {"others": others_word(side, start=True)},
            )
            return redirect(session_url(session_id))
    return render_for(request, "sessions/log.html", {"page": page, "form": form}, side)


@member_required
@require_http_methods(["GET", "POST"])
def session_log_past(request, mentorship_id: int):
    """A meeting that took place without being planned here: when, then the notes and
    experiments of any logged session, in one form."""
    side = access_pair(
        organization=request.organization, user=request.user, mentorship_id=mentorship_id
    )
    if not side.mentorship.is_open:
        messages.error(request, _("This mentorship has ended: no new sessions."))
        return redirect(mentorship_url(mentorship_id))
    form = LogPastForm(request.POST or None, time_zone=side.me.time_zone, side=side)
    same = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.session_log_past(
                organization=request.organization,
                actor=request.user,
                mentorship=side.mentorship,
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                kind=data["kind"],
                absent_ids=form.absent_ids,
                shared_notes=data["shared_notes"],
                private_note=data["private_note"],
                real_situations=data["real_situations"],
                action_items=form.action_items(side),
            )
        except services.SameMeeting as refusal:
            same = refusal.session
            if same.status == SessionStatus.HELD and same.logged_by_id == side.me.pk:
                # a second click: the first one worked
                messages.info(request, refusal.messages[0])
                return redirect(session_url(same.pk))
            form.add_error("starts_at", refusal.messages[0])
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("Meeting logged. %(others)s sees the shared notes.")
                % {"others": others_word(side, start=True)},
            )
            return redirect(session_url(session.pk))
    context = {
        "form": form,
        "same": same,
        "same_url": same
        and (
            reverse("sessions:log", kwargs={"session_id": same.pk})
            if same.status == SessionStatus.PLANNED
            else session_url(same.pk)
        ),
    }
    return render_for(request, "sessions/log.html", context, side)


@member_required
@require_POST
def private_note_save(request, session_id: int):
    session, _side = selectors.access_session(
        organization=request.organization, user=request.user, session_id=session_id
    )
    form = PrivateNoteForm(request.POST)
    if form.is_valid():
        try:
            note = services.private_note_save(
                organization=request.organization,
                actor=request.user,
                session=session,
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, _("Private note saved.") if note else _("Private note deleted.")
            )
            return redirect(session_url(session_id, "private-note"))
    page = selectors.session_page(
        organization=request.organization, user=request.user, session_id=session_id
    )
    return render_session(request, page, note_form=form)


@member_required
@require_POST
def shared_notes_save(request, session_id: int):
    """Any member changes a logged session's shared notes; a change made meanwhile by
    someone else is shown beside the text sent, and nothing is overwritten."""
    session, _side = selectors.access_session(
        organization=request.organization, user=request.user, session_id=session_id
    )
    form = SharedNotesForm(request.POST)
    conflict = None
    if form.is_valid():
        try:
            services.shared_notes_save(
                organization=request.organization,
                actor=request.user,
                session=session,
                text=form.cleaned_data["text"],
                version=form.cleaned_data["version"],
            )
        except services.SharedNotesConflict as refusal:
            conflict = refusal.theirs
            data = request.POST.copy()
            data["shared-version"] = refusal.version  # saving again replaces theirs on purpose
            form = SharedNotesForm(data)
            form.is_valid()
            form.add_service_errors(refusal)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Shared notes saved."))
            return redirect(session_url(session_id, "what-happened"))
    page = selectors.session_page(
        organization=request.organization, user=request.user, session_id=session_id
    )
    return render_session(request, page, notes_form=form, notes_conflict=conflict, status=200)
