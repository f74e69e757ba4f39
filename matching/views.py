"""Participant pages of matching: a mentee's suggested mentors and requests (self-match),
a mentor's inbox of requests, and the two people's view of their mentorships with the fit
check. Each view parses the request, calls one selector or service, and renders."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mentoring.common.forms import error_text
from mentoring.tenancy.access import member_required

from . import selectors, services
from .forms import FitCheckForm, MentorRequestDeclineForm, MentorRequestForm

# mentor_request_create and mentor_request_answer do not refuse a closed program yet: the
# pages offer no request or accept button there, and the views refuse a stale form.


# ---------------------------------------------------------------- self-match (mentee side)


def _request_prefix(mentor_id: int) -> str:
    return f"mentor-{mentor_id}"


def _render_suggestions(request, page, *, bound_form=None):
    """The suggestions page; ``bound_form`` is a refused request form for one mentor. It
    goes back on that mentor's card, or, when the card is gone (the mentor was taken
    meanwhile), its message is shown above the list, so nothing typed is lost."""
    placed = False
    for suggestion in page.suggestions:
        prefix = _request_prefix(suggestion.mentor.pk)
        if bound_form is not None and bound_form.prefix == prefix and not suggestion.is_pending:
            suggestion.form, placed = bound_form, True
        else:
            suggestion.form = MentorRequestForm(
                prefix=prefix, mentor_name=suggestion.mentor.person.display_name
            )
    context = {
        "page": page,
        "program": page.program,
        "error_form": bound_form if bound_form is not None and bound_form.errors else None,
        "unsent_message": "" if placed or bound_form is None else bound_form["message"].value(),
    }
    return render(request, "matching/suggestions.html", context)


@member_required
@require_GET
def mentor_suggestions(request, program_id: int):
    page = selectors.self_match_page(
        organization=request.organization, user=request.user, program_id=program_id
    )
    return _render_suggestions(request, page)


@member_required
@require_POST
def mentor_request_create(request, program_id: int, mentor_id: int):
    mentee = selectors.access_self_match_mentee(
        organization=request.organization, user=request.user, program_id=program_id
    )
    mentor = selectors.access_program_mentor(
        organization=request.organization, program=mentee.program, mentor_id=mentor_id
    )
    url = reverse("matching:suggestions", kwargs={"program_id": program_id})
    form = MentorRequestForm(
        request.POST, prefix=_request_prefix(mentor.pk), mentor_name=mentor.person.display_name
    )
    if form.is_valid():
        try:
            services.mentor_request_create(
                organization=request.organization,
                actor=request.user,
                program=mentee.program,
                mentor=mentor,
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _(
                    "Your request is on its way to %(name)s. "
                    "You will see their answer under “My requests”."
                )
                % {"name": mentor.person.display_name},
            )
            return redirect(f"{url}#my-requests")
    page = selectors.self_match_page(
        organization=request.organization, user=request.user, program_id=program_id
    )
    return _render_suggestions(request, page, bound_form=form)


# ---------------------------------------------------------------- requests received (mentor)


def _decline_prefix(request_id: int) -> str:
    return f"decline-{request_id}"


def _render_inbox(request, *, decline_form=None):
    """The inbox; ``decline_form`` is a refused decline form for one request."""
    page = selectors.mentor_inbox(organization=request.organization, user=request.user)
    placed = False
    for mentor_request in page.pending:
        prefix = _decline_prefix(mentor_request.pk)
        if decline_form is not None and decline_form.prefix == prefix:
            mentor_request.decline_form, placed = decline_form, True
        else:
            mentor_request.decline_form = MentorRequestDeclineForm(prefix=prefix)
    context = {
        "page": page,
        "error_form": decline_form if decline_form is not None and decline_form.errors else None,
        "error_form_placed": placed,
    }
    return render(request, "matching/inbox.html", context)


@member_required
@require_GET
def inbox(request):
    return _render_inbox(request)


@member_required
@require_POST
def mentor_request_accept(request, request_id: int):
    mentor_request = selectors.access_received_request(
        organization=request.organization, user=request.user, request_id=request_id
    )
    try:
        services.mentor_request_answer(
            organization=request.organization,
            actor=request.user,
            request=mentor_request,
            accept=True,
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            _(
                "You accepted %(name)s's request: "
                "your mentorship has started. You will find it under “My mentorships”."
            )
            % {"name": mentor_request.mentee.person.display_name},
        )
    return redirect("matching:inbox")


@member_required
@require_POST
def mentor_request_decline(request, request_id: int):
    mentor_request = selectors.access_received_request(
        organization=request.organization, user=request.user, request_id=request_id
    )
    form = MentorRequestDeclineForm(request.POST, prefix=_decline_prefix(mentor_request.pk))
    if form.is_valid():
        try:
            services.mentor_request_answer(
                organization=request.organization,
                actor=request.user,
                request=mentor_request,
                accept=False,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("You declined %(name)s's request; they will see your reason.")
                % {"name": mentor_request.mentee.person.display_name},
            )
            return redirect("matching:inbox")
    return _render_inbox(request, decline_form=form)


# ---------------------------------------------------------------- mentorships


@member_required
@require_GET
def mentorship_list(request):
    page = selectors.mentorships_of(organization=request.organization, user=request.user)
    return render(request, "matching/mentorship_list.html", {"page": page})


@member_required
@require_GET
def my_pairs(request):
    """The "My mentor / My mentees" line of the home page, which loads it with htmx (the
    home view belongs to the people app). Without htmx, the full list."""
    if not request.htmx:
        return redirect("matching:mentorships")
    page = selectors.open_mentorships_of(organization=request.organization, user=request.user)
    return render(request, "matching/partials/my_pairs.html", {"page": page})


def _render_mentorship(request, page, *, form=None):
    context = {
        "page": page,
        "mentorship": page.mentorship,
        "row": page.row,
        "program": page.mentorship.program,
        "form": form or FitCheckForm.for_answer(page.my_fit_check),
    }
    return render(request, "matching/mentorship_detail.html", context)


@member_required
@require_GET
def mentorship_detail(request, mentorship_id: int):
    page = selectors.access_mentorship(
        organization=request.organization, user=request.user, mentorship_id=mentorship_id
    )
    return _render_mentorship(request, page)


@member_required
@require_POST
def fit_check_answer(request, mentorship_id: int):
    page = selectors.access_mentorship(
        organization=request.organization, user=request.user, mentorship_id=mentorship_id
    )
    url = reverse("matching:mentorship", kwargs={"mentorship_id": mentorship_id})
    if page.row.is_circle:
        messages.error(request, _("A circle has no fit check: talk about how it goes together."))
        return redirect(url)
    if not page.fit_check_is_open:
        messages.error(request, _("The fit check is open while the mentorship is active."))
        return redirect(f"{url}#fit-check")
    form = FitCheckForm.for_answer(page.my_fit_check, request.POST)
    if form.is_valid():
        try:
            check = services.fit_check_answer(
                organization=request.organization,
                actor=request.user,
                mentorship=page.mentorship,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if check.is_good_fit:
                messages.success(request, _("Thank you: your answer is saved."))
            else:
                messages.success(
                    request,
                    _(
                        "Thank you for saying so. A program manager will see your answer "
                        "and can find a better match; nothing changes for anyone else."
                    ),
                )
            return redirect(f"{url}#fit-check")
    return _render_mentorship(request, page, form=form)
