"""The cockpit pages of the organization admin: a program as its manager runs it, its
lifecycle moves (each with a confirmation), and one pair with its sessions and a nudge.

They are served under ``/admin/`` by ``mentoring.urls`` through the organization admin
site's ``admin_view`` (program managers of this organization only), and read through
``cockpit`` and write through ``programs.services.program_transition`` and
``cockpit_services.pair_nudge``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from matching.models import MENTORSHIP_STATUS_IN_A_SENTENCE, Mentorship
from mentoring.request_validation import parse_id
from mentoring.tenancy.admin import organization_admin_site
from programs.models import STATUS_IN_A_SENTENCE, Program, ProgramStatus
from programs.services.programs import program_transition

from .cockpit import access_program, move_of, pair_page, program_cockpit
from .cockpit_services import NOTE_MAX_LENGTH, NOTE_TOO_LONG, pair_nudge


class MoveForm(forms.Form):
    """A confirmed move: the state the manager saw, and the one they chose."""

    from_status = forms.ChoiceField(choices=ProgramStatus.choices, widget=forms.HiddenInput)
    to_status = forms.ChoiceField(choices=ProgramStatus.choices, widget=forms.HiddenInput)


class NudgeForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("A personal line (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Added to the email, for example “How did the stakeholder interview go?”"
        ),
        error_messages={"max_length": NOTE_TOO_LONG},
    )


def _and(names) -> str:
    """Names joined with “and”: “Ada and Alan”."""
    conjunction = _("and")
    return f" {conjunction} ".join(names)


def _context(request, title: str, **extra) -> dict:
    return {
        **organization_admin_site.each_context(request),
        "title": title,
        "opts": Program._meta,
        **extra,
    }


def _id(text: str) -> int:
    """An id from the path; anything else ("-1", "x") is the same 404 as a missing row."""
    value = parse_id(text)
    if value is None:
        raise Http404("No such record in this organization.")
    return value


def cockpit_url(program_id: int) -> str:
    return reverse("program_cockpit", kwargs={"program_id": program_id})


@require_http_methods(["GET"])
def cockpit_view(request, program_id: str):
    cockpit = program_cockpit(
        organization=request.organization, program_id=_id(program_id), now=timezone.now()
    )
    context = _context(
        request, _("Run %(program)s") % {"program": cockpit.program.name}, cockpit=cockpit
    )
    return TemplateResponse(request, "admin/overview/cockpit.html", context)


@require_http_methods(["GET", "POST"])
def move_view(request, program_id: str):
    program = access_program(request.organization, _id(program_id))
    if request.method == "POST":
        form = MoveForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("That button was not one of this program's. Try again."))
            return redirect(cockpit_url(program.pk))
        seen, target = form.cleaned_data["from_status"], form.cleaned_data["to_status"]
        if seen != program.status:
            messages.warning(
                request,
                _(
                    "Nothing changed: “%(program)s” is %(status)s now (someone else moved it "
                    "meanwhile). Here is what you can do from there."
                )
                % {"program": program, "status": STATUS_IN_A_SENTENCE[program.status]},
            )
            return redirect(cockpit_url(program.pk))
        try:
            program = program_transition(
                organization=request.organization,
                actor=request.user,
                program=program,
                to_status=target,
            )
        except ValidationError as error:
            messages.error(
                request, _("Nothing changed: %(reason)s") % {"reason": " ".join(error.messages)}
            )
        else:
            messages.success(
                request,
                _("“%(program)s” is now %(status)s.")
                % {"program": program, "status": STATUS_IN_A_SENTENCE[program.status]},
            )
        return redirect(cockpit_url(program.pk))
    move = move_of(program.status, request.GET.get("to", ""))
    if move is None:
        messages.warning(
            request,
            _(
                "“%(program)s” is %(status)s: that step does not apply to it (any more). "
                "Here is what you can do now."
            )
            % {"program": program, "status": STATUS_IN_A_SENTENCE[program.status]},
        )
        return redirect(cockpit_url(program.pk))
    form = MoveForm(initial={"from_status": program.status, "to_status": move.to_status})
    context = _context(request, f"{move.label}: {program.name}", program=program, move=move)
    context["form"] = form
    context["status_in_a_sentence"] = STATUS_IN_A_SENTENCE[program.status]
    return TemplateResponse(request, "admin/overview/cockpit_move.html", context)


@require_http_methods(["GET", "POST"])
def pair_view(request, mentorship_id: str):
    now = timezone.now()
    page = pair_page(organization=request.organization, mentorship_id=_id(mentorship_id), now=now)
    form = NudgeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            result = pair_nudge(
                organization=request.organization,
                actor=request.user,
                mentorship=page.mentorship,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            parts = [_("Nudge sent to %(names)s.") % {"names": _and(result.sent_to)}]
            if result.turned_off:
                parts.append(
                    _("%(names)s turned such emails off.") % {"names": _and(result.turned_off)}
                )
            messages.success(request, " ".join(parts))
            return redirect(request.path)
    pair = page.mentorship
    title = _and([pair.mentor.person.display_name, pair.mentee.person.display_name])
    context = _context(request, title, page=page, form=form)
    context["opts"] = Mentorship._meta
    context["status_in_a_sentence"] = MENTORSHIP_STATUS_IN_A_SENTENCE[pair.status]
    return TemplateResponse(request, "admin/overview/cockpit_pair.html", context)


def urlpatterns() -> list:
    """Mounted by ``mentoring.urls`` before the admin site's own URLs. The ids are taken as
    any path (``_id`` answers 404 for what is not one), so that no malformed id falls
    through to the admin's catch-all redirect."""
    view = organization_admin_site.admin_view
    return [
        path(
            "admin/programs/program/<path:program_id>/cockpit/",
            view(cockpit_view),
            name="program_cockpit",
        ),
        path(
            "admin/programs/program/<path:program_id>/cockpit/move/",
            view(move_view),
            name="program_cockpit_move",
        ),
        path(
            "admin/matching/mentorship/<path:mentorship_id>/pair/",
            view(pair_view),
            name="mentorship_pair",
        ),
    ]
