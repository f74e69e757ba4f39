"""Participant pages of sessions: scheduling, one session with its co-created agenda (htmx,
and plain forms without JavaScript), the log, the calendar invite, the pair's agreement and
their experiments. Each view parses the request, calls one selector or service, and
renders; pages are drawn on the signed-in person's own clock (their profile's time zone).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentoring.common.forms import error_text
from mentoring.common.time_zones import time_zone_of
from mentoring.request_validation import parse_id
from mentoring.tenancy.access import member_required

from . import ics, selectors, services
from .forms import (
    AgendaEditForm,
    AgendaItemForm,
    AgendaMoveForm,
    AgreementForm,
    CancelForm,
    ExperimentDoneForm,
    ExperimentForm,
    PrivateNoteForm,
    RescheduleForm,
    ScheduleForm,
    SessionLogForm,
)
from .models import ActionStatus, SessionStatus


def _render(request, template: str, context: dict, side, *, status: int = 200):
    """Render on the signed-in person's clock: every date on the page is theirs."""
    with timezone.override(time_zone_of(side.me.time_zone)):
        context = {"side": side, "today": timezone.localdate(), **context}
        return render(request, template, context, status=status)


def _session_url(session_id: int, anchor: str = "") -> str:
    url = reverse("sessions:session", kwargs={"session_id": session_id})
    return f"{url}#{anchor}" if anchor else url


def _mentorship_url(mentorship_id: int, anchor: str = "") -> str:
    url = reverse("matching:mentorship", kwargs={"mentorship_id": mentorship_id})
    return f"{url}#{anchor}" if anchor else url


# ---------------------------------------------------------------- a pair's sessions


@member_required
@require_GET
def pair_sessions(request, mentorship_id: int):
    """The sessions section of the mentorship page, which loads it with htmx (the page
    belongs to the matching app). Without htmx, the same section as a page of its own."""
    page = selectors.pair_sessions(
        organization=request.organization, user=request.user, mentorship_id=mentorship_id
    )
    template = "sessions/partials/pair_sessions.html" if request.htmx else "sessions/pair.html"
    return _render(request, template, {"sessions_page": page}, page.side)


@member_required
@require_http_methods(["GET", "POST"])
def session_schedule(request, mentorship_id: int):
    side = selectors.access_pair(
        organization=request.organization, user=request.user, mentorship_id=mentorship_id
    )
    if not side.mentorship.is_open:
        messages.error(request, "This mentorship has ended: no new sessions.")
        return redirect(_mentorship_url(mentorship_id))
    form = ScheduleForm(request.POST or None, time_zone=side.me.time_zone)
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
                f"Session planned. {side.other.display_name} sees it on their own clock. "
                "Now build the agenda together.",
            )
            return redirect(_session_url(session.pk))
    return _render(request, "sessions/schedule.html", {"form": form}, side)


# ---------------------------------------------------------------- one session


def _render_session(request, page, *, status: int = 200, **extras):
    """The session page; ``extras`` are refused forms to show with their errors (the
    others are fresh), and ``edit_item_id`` opens one agenda point for editing."""
    session, side = page.session, page.side
    time_zone = side.me.time_zone
    context = {
        "page": page,
        "session": session,
        "panel": page.panel,
        "add_form": extras.get("add_form") or AgendaItemForm(),
        "edit_item_id": extras.get("edit_item_id"),
        "edit_form": extras.get("edit_form"),
        "agenda_error": extras.get("agenda_error", ""),
        "picker_open": extras.get("picker_open", False),
        "reschedule_form": extras.get("reschedule_form")
        or RescheduleForm.for_session(session, time_zone),
        "cancel_form": extras.get("cancel_form") or CancelForm(),
        "note_form": extras.get("note_form")
        or PrivateNoteForm(initial={"text": page.my_note.text if page.my_note else ""}),
    }
    if context["edit_item_id"] and context["edit_form"] is None:
        item = next((i for i in page.panel.agenda if i.pk == context["edit_item_id"]), None)
        context["edit_form"] = AgendaEditForm(item=item) if item else None
    return _render(request, "sessions/session_detail.html", context, side, status=status)


def _edit_item_id(request) -> int | None:
    return parse_id(request.GET.get("edit"))


@member_required
@require_GET
def session_detail(request, session_id: int):
    page = selectors.session_page(
        organization=request.organization, user=request.user, session_id=session_id
    )
    return _render_session(request, page, edit_item_id=_edit_item_id(request))


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
                request, f"Session moved. {side.other.display_name} sees the new time."
            )
            return redirect(_session_url(session_id))
    page = selectors.session_page(
        organization=request.organization, user=request.user, session_id=session_id
    )
    return _render_session(request, page, reschedule_form=form)


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
                request, f"Session cancelled. {side.other.display_name} sees your note."
            )
            return redirect(_session_url(session_id))
    page = selectors.session_page(
        organization=request.organization, user=request.user, session_id=session_id
    )
    return _render_session(request, page, cancel_form=form)


@member_required
@require_GET
def session_invite(request, session_id: int):
    """The session as a calendar invite (.ics), in UTC, with its agenda."""
    session, side = selectors.access_session(
        organization=request.organization, user=request.user, session_id=session_id
    )
    pair = side.mentorship
    url = request.build_absolute_uri(_session_url(session.pk))
    invite = ics.Invite(
        uid=f"session-{session.pk}@{request.get_host().split(':')[0]}",
        starts_at=session.starts_at,
        ends_at=selectors.ends_at(session),
        stamp=session.updated_at,
        summary=(
            f"Mentoring ({session.get_kind_display().lower()}): "
            f"{pair.mentor.person.display_name} and {pair.mentee.person.display_name}"
        ),
        location=session.location,
        description=ics.session_description(
            selectors.invite_agenda(session), url, session.change_note
        ),
        url=url,
        is_cancelled=session.status == SessionStatus.CANCELLED,
    )
    response = HttpResponse(ics.render(invite), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mentoring-session-{session.pk}.ics"'
    return response


# ---------------------------------------------------------------- the agenda (htmx or plain)


def _agenda_partial(request, session_id: int, *, announcement: str = "", **extras):
    panel = selectors.agenda_panel(
        organization=request.organization, user=request.user, session_id=session_id
    )
    edit_item_id, edit_form = extras.get("edit_item_id"), extras.get("edit_form")
    if edit_item_id and edit_form is None:
        item = next((i for i in panel.agenda if i.pk == edit_item_id), None)
        edit_form = AgendaEditForm(item=item) if item else None
    context = {
        "panel": panel,
        "session": panel.session,
        "add_form": extras.get("add_form") or AgendaItemForm(),
        "edit_item_id": edit_item_id if edit_form is not None else None,
        "edit_form": edit_form,
        "agenda_error": extras.get("agenda_error", ""),
        "announcement": announcement,
        "focus_item_id": extras.get("focus_item_id"),
        "focus_control": extras.get("focus_control", ""),
        "picker_open": extras.get("picker_open", False),
    }
    return _render(request, "sessions/partials/agenda.html", context, panel.side)


def _agenda_done(request, session_id: int, announcement: str, **extras):
    """After a change: htmx gets the agenda back; a plain form goes back to the page."""
    if request.htmx:
        return _agenda_partial(request, session_id, announcement=announcement, **extras)
    messages.success(request, announcement)
    return redirect(_session_url(session_id, "agenda"))


def _agenda_refused(request, session_id: int, **extras):
    """A refused change: the agenda (htmx) or the page (plain form) with the message and
    what was typed."""
    if request.htmx:
        return _agenda_partial(request, session_id, **extras)
    page = selectors.session_page(
        organization=request.organization, user=request.user, session_id=session_id
    )
    return _render_session(request, page, **extras)


@member_required
@require_GET
def agenda(request, session_id: int):
    """The agenda alone (htmx), with ``?edit=<point>`` open for editing; without htmx,
    the session page."""
    edit_item_id = _edit_item_id(request)
    if not request.htmx:
        selectors.access_session(
            organization=request.organization, user=request.user, session_id=session_id
        )
        url = _session_url(session_id)
        if edit_item_id:
            url = f"{url}?edit={edit_item_id}"
        return redirect(f"{url}#agenda")
    return _agenda_partial(request, session_id, edit_item_id=edit_item_id)


@member_required
@require_POST
def agenda_item_add(request, session_id: int):
    session, _side = selectors.access_session(
        organization=request.organization, user=request.user, session_id=session_id
    )
    form = AgendaItemForm(request.POST)
    picked = bool(request.POST.get("prompt"))
    if form.is_valid():
        try:
            services.agenda_item_add(
                organization=request.organization,
                actor=request.user,
                session=session,
                text=form.cleaned_data["text"],
                prompt=form.cleaned_data["prompt"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            announcement = "Prompt added to the agenda." if picked else "Point added."
            return _agenda_done(request, session_id, announcement, picker_open=picked)
    return _agenda_refused(request, session_id, add_form=form, picker_open=picked)


@member_required
@require_POST
def agenda_item_edit(request, session_id: int, item_id: int):
    item = selectors.access_agenda_item(
        organization=request.organization, user=request.user, session_id=session_id, item_id=item_id
    )
    form = AgendaEditForm(request.POST, item=item)
    if form.is_valid():
        try:
            services.agenda_item_edit(
                organization=request.organization,
                actor=request.user,
                item=item,
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return _agenda_done(
                request, session_id, "Point saved.", focus_item_id=item.pk, focus_control="edit"
            )
    return _agenda_refused(request, session_id, edit_item_id=item.pk, edit_form=form)


@member_required
@require_POST
def agenda_item_move(request, session_id: int, item_id: int):
    item = selectors.access_agenda_item(
        organization=request.organization, user=request.user, session_id=session_id, item_id=item_id
    )
    form = AgendaMoveForm(request.POST)
    if not form.is_valid():
        return _agenda_refused(request, session_id, agenda_error="Move the point up or down.")
    try:
        services.agenda_item_move(
            organization=request.organization, actor=request.user, item=item, offset=form.offset
        )
    except ValidationError as error:
        return _agenda_refused(request, session_id, agenda_error=error_text(error))
    direction = "up" if form.offset < 0 else "down"
    # the button pressed may now be disabled (top or bottom): the focus goes to the other one
    return _agenda_done(
        request,
        session_id,
        f"Point moved {direction}.",
        focus_item_id=item.pk,
        focus_control=direction,
    )


@member_required
@require_POST
def agenda_item_remove(request, session_id: int, item_id: int):
    item = selectors.access_agenda_item(
        organization=request.organization, user=request.user, session_id=session_id, item_id=item_id
    )
    try:
        services.agenda_item_remove(
            organization=request.organization, actor=request.user, item=item
        )
    except ValidationError as error:
        return _agenda_refused(request, session_id, agenda_error=error_text(error))
    return _agenda_done(request, session_id, "Point removed.", add_form=AgendaItemForm(focus=True))


# ---------------------------------------------------------------- logging and private notes


@member_required
@require_http_methods(["GET", "POST"])
def session_log(request, session_id: int):
    page = selectors.log_page(
        organization=request.organization, user=request.user, session_id=session_id
    )
    session, side = page.session, page.side
    if session.is_logged:
        who = "you" if session.logged_by_id == side.me.pk else side.other.display_name
        messages.info(
            request,
            f"This session is already logged (as {session.get_status_display().lower()}, "
            f"by {who}): nothing was recorded twice.",
        )
        return redirect(_session_url(session_id))
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
                shared_notes=data["shared_notes"],
                private_note=data["private_note"],
                real_situations=data["real_situations"],
                action_items=form.action_items(side),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, f"Session logged. {side.other.display_name} sees the shared notes."
            )
            return redirect(_session_url(session_id))
    return _render(request, "sessions/log.html", {"page": page, "form": form}, side)


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
            messages.success(request, "Private note saved." if note else "Private note deleted.")
            return redirect(_session_url(session_id, "private-note"))
    page = selectors.session_page(
        organization=request.organization, user=request.user, session_id=session_id
    )
    return _render_session(request, page, note_form=form)


# ---------------------------------------------------------------- the agreement


def _render_agreement(request, page, form=None):
    form = form or AgreementForm(side=page.side, agreement=page.agreement)
    return _render(request, "sessions/agreement.html", {"page": page, "form": form}, page.side)


@member_required
@require_http_methods(["GET", "POST"])
def agreement(request, mentorship_id: int):
    page = selectors.agreement_page(
        organization=request.organization, user=request.user, mentorship_id=mentorship_id
    )
    if request.method == "GET":
        return _render_agreement(request, page)
    form = AgreementForm(request.POST, side=page.side, agreement=page.agreement)
    url = reverse("sessions:agreement", kwargs={"mentorship_id": mentorship_id})
    if form.is_valid():
        if page.agreement is not None and not form.has_changed():
            messages.info(request, "Nothing changed: the agreement and its confirmations stay.")
            return redirect(url)
        try:
            services.agreement_save(
                organization=request.organization,
                actor=request.user,
                mentorship=page.mentorship,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            other = page.side.other.display_name
            if page.has_confirmations:
                text = (
                    "Agreement saved. Because it changed, the earlier confirmations were "
                    f"cleared: you and {other} each confirm it again."
                )
            else:
                text = f"Agreement saved. Confirm it below, and ask {other} to confirm it too."
            messages.success(request, text)
            return redirect(f"{url}#confirmations")
    return _render_agreement(request, page, form)


@member_required
@require_POST
def agreement_confirm(request, mentorship_id: int):
    page = selectors.agreement_page(
        organization=request.organization, user=request.user, mentorship_id=mentorship_id
    )
    url = reverse("sessions:agreement", kwargs={"mentorship_id": mentorship_id})
    if page.agreement is None:
        messages.error(request, "Write the agreement together first; then each of you confirms.")
        return redirect(url)
    try:
        agreement = services.agreement_confirm(
            organization=request.organization, actor=request.user, agreement=page.agreement
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        if agreement.is_confirmed:
            messages.success(request, "Confirmed. You have both agreed how you will work.")
        else:
            messages.success(
                request,
                f"Confirmed. {page.side.other.display_name} still needs to confirm it.",
            )
    return redirect(f"{url}#confirmations")


# ---------------------------------------------------------------- experiments


def _render_experiments(request, page, *, done_form=None, new_form=None):
    for item in page.open:
        if done_form is not None and done_form.prefix == f"done-{item.pk}":
            item.done_form = done_form
        elif item.owner_id == page.side.me.pk:
            item.done_form = ExperimentDoneForm(item=item)
    context = {
        "page": page,
        "new_form": new_form or ExperimentForm(side=page.side),
        "error_form": done_form if done_form is not None and done_form.errors else None,
    }
    return _render(request, "sessions/experiments.html", context, page.side)


@member_required
@require_GET
def experiments(request, mentorship_id: int):
    page = selectors.experiments_page(
        organization=request.organization, user=request.user, mentorship_id=mentorship_id
    )
    return _render_experiments(request, page)


def _experiments_url(mentorship_id: int, anchor: str = "") -> str:
    url = reverse("sessions:experiments", kwargs={"mentorship_id": mentorship_id})
    return f"{url}#{anchor}" if anchor else url


@member_required
@require_POST
def experiment_add(request, mentorship_id: int):
    side = selectors.access_pair(
        organization=request.organization, user=request.user, mentorship_id=mentorship_id
    )
    form = ExperimentForm(request.POST, side=side)
    if form.is_valid():
        try:
            item = services.action_item_add(
                organization=request.organization,
                actor=request.user,
                mentorship=side.mentorship,
                description=form.cleaned_data["description"],
                due_on=form.cleaned_data["due_on"],
                owner=form.owner_profile,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Experiment added.")
            return redirect(_experiments_url(mentorship_id, f"experiment-{item.pk}"))
    page = selectors.experiments_page(
        organization=request.organization, user=request.user, mentorship_id=mentorship_id
    )
    return _render_experiments(request, page, new_form=form)


@member_required
@require_POST
def experiment_done(request, mentorship_id: int, item_id: int):
    item = selectors.access_action_item(
        organization=request.organization,
        user=request.user,
        mentorship_id=mentorship_id,
        item_id=item_id,
    )
    form = ExperimentDoneForm(request.POST, item=item)
    if form.is_valid():
        try:
            services.action_item_complete(
                organization=request.organization,
                actor=request.user,
                item=item,
                reflection=form.cleaned_data["reflection"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Well done. Your reflection is shared with your pair.")
            return redirect(_experiments_url(mentorship_id, f"experiment-{item.pk}"))
    page = selectors.experiments_page(
        organization=request.organization, user=request.user, mentorship_id=mentorship_id
    )
    if form.non_field_errors() and not any(i.pk == item.pk for i in page.open):
        messages.error(request, " ".join(form.non_field_errors()))
        return redirect(_experiments_url(mentorship_id, f"experiment-{item.pk}"))
    return _render_experiments(request, page, done_form=form)


@member_required
@require_POST
def experiment_drop(request, mentorship_id: int, item_id: int):
    item = selectors.access_action_item(
        organization=request.organization,
        user=request.user,
        mentorship_id=mentorship_id,
        item_id=item_id,
    )
    if item.status != ActionStatus.OPEN:
        messages.info(request, "This experiment is already closed.")
    else:
        try:
            services.action_item_drop(
                organization=request.organization, actor=request.user, item=item
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, "Experiment dropped. It stays in the list, set aside.")
    return redirect(_experiments_url(mentorship_id))
