"""A session's co-created agenda: htmx swaps the agenda alone, a plain form (without
JavaScript) comes back to the session page. The page polls ``agenda_live`` (with the
ETag it shows) so both people see each other's changes; a change that reaches a point
someone else removed answers 404 with the agenda and a message (``_point_gone``), one
changed meanwhile shows both texts; what was typed is always kept."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotModified
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from mentoring.common.forms import error_text
from mentoring.request_validation import parse_id
from mentoring.tenancy.access import member_required

from .. import selectors, services
from ..forms import AgendaEditForm, AgendaItemForm, AgendaMoveForm
from ..selectors.agenda import agenda_live_etag
from ..services.agenda import (
    AgendaEditConflict,
    AgendaPointGone,
    session_visit_renew,
)
from .common import edit_item_requested, render_for, render_session, session_url

GONE_WHILE_EDITING = gettext_lazy(
    "This point was removed while you were editing it. What you wrote is in the "
    "“Add a point” box below: add it again if it still matters."
)
ALREADY_REMOVED = gettext_lazy("That point had already been removed from the agenda.")
GONE_BEFORE_MOVE = gettext_lazy(
    "That point was removed from the agenda meanwhile: there is nothing to move."
)


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
        "edit_version": extras.get("edit_version"),
        "conflict": extras.get("conflict"),
    }
    return render_for(request, "sessions/partials/agenda.html", context, panel.side)


def _item_or_gone(request, session_id: int, item_id: int):
    """The point, or None when it is no longer on this agenda (removed by someone);
    a session that is not the user's stays a 404."""
    try:
        return selectors.access_agenda_item(
            organization=request.organization,
            user=request.user,
            session_id=session_id,
            item_id=item_id,
        )
    except Http404:
        selectors.access_session(
            organization=request.organization, user=request.user, session_id=session_id
        )
        return None


def _edit_gone(request, session_id: int):
    """The point being edited was removed: the text typed goes to the add form."""
    add_form = AgendaItemForm(initial={"text": request.POST.get("text", "")[:600]}, focus=True)
    return _point_gone(request, session_id, add_form=add_form, agenda_error=GONE_WHILE_EDITING)


def _agenda_done(request, session_id: int, announcement: str, **extras):
    """After a change: htmx gets the agenda back; a plain form goes back to the page."""
    if request.htmx:
        return _agenda_partial(request, session_id, announcement=announcement, **extras)
    messages.success(request, announcement)
    return redirect(session_url(session_id, "agenda"))


def _agenda_refused(request, session_id: int, *, status: int = 200, **extras):
    """A refused change: the agenda (htmx) or the page (plain form) with the message and
    what was typed."""
    if request.htmx:
        response = _agenda_partial(request, session_id, **extras)
        response.status_code = status
        return response
    page = selectors.session_page(
        organization=request.organization, user=request.user, session_id=session_id
    )
    return render_session(request, page, status=status, **extras)


def _point_gone(request, session_id: int, **extras):
    """The point is not on the agenda (any more): a 404 that still carries the agenda with
    the message. htmx swaps no 4xx by itself: ``live-agenda.js`` swaps this one, which it
    knows by its ``X-Agenda-Refused`` header."""
    response = _agenda_refused(request, session_id, status=404, **extras)
    response["X-Agenda-Refused"] = "gone"
    return response


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
@require_GET
def agenda_live(request, session_id: int):
    """The live agenda's poll: 304 while the agenda is what the page shows (its
    ``If-None-Match``), else the points and the prompt choices. Renews the viewer's visit."""
    etag = agenda_live_etag(
        organization=request.organization, user=request.user, session_id=session_id
    )
    session_visit_renew(
        organization=request.organization, actor=request.user, session_id=session_id
    )
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
        response["ETag"] = etag
    else:
        panel = selectors.agenda_panel(
            organization=request.organization, user=request.user, session_id=session_id
        )
        context = {"panel": panel, "session": panel.session}
        response = render_for(request, "sessions/partials/agenda_live.html", context, panel.side)
        response["ETag"] = panel.live_etag
    patch_cache_control(response, private=True, no_cache=True)
    return response


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
            announcement = _("Prompt added to the agenda.") if picked else _("Point added.")
            return _agenda_done(request, session_id, announcement, picker_open=picked)
    return _agenda_refused(request, session_id, add_form=form, picker_open=picked)


@member_required
@require_POST
def agenda_item_edit(request, session_id: int, item_id: int):
    item = _item_or_gone(request, session_id, item_id)
    if item is None:
        return _edit_gone(request, session_id)
    form = AgendaEditForm(request.POST, item=item)
    version = parse_id(request.POST.get("version"))
    if form.is_valid():
        try:
            services.agenda_item_edit(
                organization=request.organization,
                actor=request.user,
                item=item,
                text=form.cleaned_data["text"],
                version=version,
            )
        except AgendaPointGone:
            return _edit_gone(request, session_id)
        except AgendaEditConflict as conflict:
            # the form keeps the text typed; the version is the current one, so saving
            # again replaces the other text on purpose
            return _agenda_refused(
                request,
                session_id,
                edit_item_id=item.pk,
                edit_form=form,
                edit_version=conflict.version,
                conflict=conflict,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return _agenda_done(
                request, session_id, _("Point saved."), focus_item_id=item.pk, focus_control="edit"
            )
    return _agenda_refused(
        request, session_id, edit_item_id=item.pk, edit_form=form, edit_version=version
    )


@member_required
@require_POST
def agenda_item_move(request, session_id: int, item_id: int):
    item = _item_or_gone(request, session_id, item_id)
    if item is None:
        return _point_gone(request, session_id, agenda_error=GONE_BEFORE_MOVE)
    form = AgendaMoveForm(request.POST)
    if not form.is_valid():
        return _agenda_refused(request, session_id, agenda_error=_("Move the point up or down."))
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
        _("Point moved up.") if direction == "up" else _("Point moved down."),
        focus_item_id=item.pk,
        focus_control=direction,
    )


@member_required
@require_POST
def agenda_item_remove(request, session_id: int, item_id: int):
    item = _item_or_gone(request, session_id, item_id)
    if item is None:
        return _point_gone(request, session_id, agenda_error=ALREADY_REMOVED)
    try:
        services.agenda_item_remove(
            organization=request.organization, actor=request.user, item=item
        )
    except AgendaPointGone:
        return _point_gone(request, session_id, agenda_error=ALREADY_REMOVED)
    except ValidationError as error:
        return _agenda_refused(request, session_id, agenda_error=error_text(error))
    return _agenda_done(
        request, session_id, _("Point removed."), add_form=AgendaItemForm(focus=True)
    )
