"""The open-question coach (htmx while someone types a question: nothing is stored) and
the questions someone prepares for a session, private to them: htmx swaps the list
alone; without JavaScript the list has a page of its own."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mentoring.common.forms import error_text
from mentoring.tenancy.access import member_required

from ..forms_questions import PreparedQuestionForm
from ..questions import assess_question
from ..selectors.access import access_session
from ..selectors.questions import access_prepared_question, prepared_questions_panel
from ..services import questions as question_services
from .common import render_for


@member_required
@require_POST
def question_coach(request):
    """The coach's advice on the question being typed (field ``text``)."""
    advice = assess_question(str(request.POST.get("text", "")))
    return render(request, "sessions/partials/question_coach.html", {"advice": advice})


def _questions_url(session_id: int) -> str:
    return reverse("sessions:prepared_questions", kwargs={"session_id": session_id})


def _render_questions(request, session_id: int, *, status: int = 200, **extras):
    """The list with its add form: alone for htmx, else on a page of its own."""
    panel = prepared_questions_panel(
        organization=request.organization, user=request.user, session_id=session_id
    )
    form = extras.get("form") or PreparedQuestionForm(focus=bool(extras.get("announcement")))
    context = {
        "panel": panel,
        "session": panel.session,
        "form": form,
        "announcement": extras.get("announcement", ""),
        "questions_error": extras.get("questions_error", ""),
    }
    template = (
        "sessions/partials/prepared_questions.html"
        if request.htmx
        else "sessions/prepared_questions.html"
    )
    return render_for(request, template, context, panel.side, status=status)


def _done(request, session_id: int, announcement: str, **extras):
    if request.htmx:
        return _render_questions(request, session_id, announcement=announcement, **extras)
    messages.success(request, announcement)
    return redirect(_questions_url(session_id))


@member_required
@require_http_methods(["GET", "POST"])
def prepared_questions(request, session_id: int):
    """GET: the user's questions for the session; POST: add one (field ``text``)."""
    if request.method == "GET":
        return _render_questions(request, session_id)
    session, _side = access_session(
        organization=request.organization, user=request.user, session_id=session_id
    )
    form = PreparedQuestionForm(request.POST)
    if form.is_valid():
        try:
            question_services.prepared_question_add(
                organization=request.organization,
                actor=request.user,
                session=session,
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return _done(request, session_id, _("Question added to your list."))
    return _render_questions(request, session_id, form=form)


@member_required
@require_POST
def prepared_question_remove(request, session_id: int, question_id: int):
    """Remove one of the user's questions; one already removed (a second click) or not
    theirs changes nothing: a 404 that carries the list and says so."""
    try:
        question = access_prepared_question(
            organization=request.organization,
            user=request.user,
            session_id=session_id,
            question_id=question_id,
        )
    except Http404:
        # the session must still be theirs (anyone else's stays a plain 404); the list
        # comes back with the message, as a 404 that ``live-agenda.js`` lets htmx swap
        response = _render_questions(
            request, session_id, status=404, questions_error=question_services.ALREADY_REMOVED
        )
        response["X-Agenda-Refused"] = "gone"
        return response
    try:
        question_services.prepared_question_remove(
            organization=request.organization, actor=request.user, question=question
        )
    except ValidationError as error:
        return _render_questions(request, session_id, questions_error=error_text(error))
    return _done(request, session_id, _("Question removed from your list."))
