"""A session's co-created agenda: htmx swaps the agenda alone, a plain form (without
JavaScript) comes back to the session page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from mentoring.common.forms import error_text
from mentoring.tenancy.access import member_required

from .. import selectors, services
from ..forms import AgendaEditForm, AgendaItemForm, AgendaMoveForm
from .common import edit_item_requested, render_for, render_session, session_url


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
    return render_for(request, "sessions/partials/agenda.html", context, panel.side)


def _agenda_done(request, session_id: int, announcement: str, **extras):
    """After a change: htmx gets the agenda back; a plain form goes back to the page."""
    if request.htmx:
        return _agenda_partial(request, session_id, announcement=announcement, **extras)
    messages.success(request, announcement)
    return redirect(session_url(session_id, "agenda"))


def _agenda_refused(request, session_id: int, **extras):
    """A refused change: the agenda (htmx) or the page (plain form) with the message and
    what was typed."""
    if request.htmx:
        return _agenda_partial(request, session_id, **extras)
    page = selectors.session_page(
        organization=request.organization, user=request.user, session_id=session_id
    )
    return render_session(request, page, **extras)


@member_required
@require_GET
def agenda(request, session_id: int):
    """The agenda alone (htmx), with ``?edit=<point>`` open for editing; without htmx,
    the session page."""
    edit_item_id = edit_item_requested(request)
    if not request.htmx:
        selectors.access_session(
            organization=request.organization, user=request.user, session_id=session_id
        )
        url = session_url(session_id)
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
