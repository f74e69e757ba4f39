"""What the session pages share: drawing a page on the signed-in person's clock, the
session page with its forms, and the addresses they redirect to."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from matching.access import PairSide
from mentoring.common.time_zones import time_zone_of
from mentoring.request_validation import parse_id

from ..forms import (
    AgendaEditForm,
    AgendaItemForm,
    CancelForm,
    PrivateNoteForm,
    RescheduleForm,
    SharedNotesForm,
)
from ..selectors.detail import SessionPage
from ..services.log import shared_notes_version


def render_for(
    request: HttpRequest, template: str, context: dict, side: PairSide, *, status: int = 200
) -> HttpResponse:
    """Render on the signed-in person's clock: every date on the page is theirs."""
    with timezone.override(time_zone_of(side.me.time_zone)):
        context = {"side": side, "today": timezone.localdate(), **context}
        return render(request, template, context, status=status)


def session_url(session_id: int, anchor: str = "") -> str:
    url = reverse("sessions:session", kwargs={"session_id": session_id})
    return f"{url}#{anchor}" if anchor else url


def mentorship_url(mentorship_id: int, anchor: str = "") -> str:
    url = reverse("matching:mentorship", kwargs={"mentorship_id": mentorship_id})
    return f"{url}#{anchor}" if anchor else url


def render_session(
    request: HttpRequest, page: SessionPage, *, status: int = 200, **extras
) -> HttpResponse:
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
        "edit_version": extras.get("edit_version"),
        "conflict": extras.get("conflict"),
        "reschedule_form": extras.get("reschedule_form")
        or RescheduleForm.for_session(session, time_zone),
        "cancel_form": extras.get("cancel_form") or CancelForm(),
        "note_form": extras.get("note_form")
        or PrivateNoteForm(initial={"text": page.my_note.text if page.my_note else ""}),
        "notes_form": extras.get("notes_form")
        or SharedNotesForm(
            initial={
                "text": session.shared_notes,
                "version": shared_notes_version(session.shared_notes),
            }
        ),
        "notes_conflict": extras.get("notes_conflict"),
    }
    if context["edit_item_id"] and context["edit_form"] is None:
        item = next((i for i in page.panel.agenda if i.pk == context["edit_item_id"]), None)
        context["edit_form"] = AgendaEditForm(item=item) if item else None
    return render_for(request, "sessions/session_detail.html", context, side, status=status)


def edit_item_requested(request: HttpRequest) -> int | None:
    return parse_id(request.GET.get("edit"))
