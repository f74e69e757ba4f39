"""The pair's working agreement: written together, then confirmed by each."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from mentoring.common.forms import error_text
from mentoring.tenancy.access import member_required

from .. import selectors, services
from ..forms import AgreementForm
from .common import mentorship_url, render_for

CIRCLE_AGREEMENT = gettext_lazy(
    "The written agreement is for pairs: a circle agrees how it works at its first "
    "session, in that session's shared notes."
)


def _for_circle(request, page):
    """A circle has no written agreement (its pages do not link to it): back to it."""
    messages.info(request, CIRCLE_AGREEMENT)
    return redirect(mentorship_url(page.mentorship.pk, "sessions"))


def _render_agreement(request, page, form=None):
    form = form or AgreementForm(side=page.side, agreement=page.agreement)
    return render_for(request, "sessions/agreement.html", {"page": page, "form": form}, page.side)


@member_required
@require_http_methods(["GET", "POST"])
def agreement(request, mentorship_id: int):
    page = selectors.agreement_page(
        organization=request.organization, user=request.user, mentorship_id=mentorship_id
    )
    if page.side.is_circle:
        return _for_circle(request, page)
    if request.method == "GET":
        return _render_agreement(request, page)
    form = AgreementForm(request.POST, side=page.side, agreement=page.agreement)
    url = reverse("sessions:agreement", kwargs={"mentorship_id": mentorship_id})
    if form.is_valid():
        if page.agreement is not None and not form.has_changed():
            messages.info(request, _("Nothing changed: the agreement and its confirmations stay."))
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
                text = _(
                    "Agreement saved. Because it changed, the earlier confirmations were "
                    "cleared: you and %(other)s each confirm it again."
                ) % {"other": other}
            else:
                text = _(
                    "Agreement saved. Confirm it below, and ask %(other)s to confirm it too."
                ) % {"other": other}
            messages.success(request, text)
            return redirect(f"{url}#confirmations")
    return _render_agreement(request, page, form)


@member_required
@require_POST
def agreement_confirm(request, mentorship_id: int):
    page = selectors.agreement_page(
        organization=request.organization, user=request.user, mentorship_id=mentorship_id
    )
    if page.side.is_circle:
        return _for_circle(request, page)
    url = reverse("sessions:agreement", kwargs={"mentorship_id": mentorship_id})
    if page.agreement is None:
        messages.error(request, _("Write the agreement together first; then each of you confirms."))
        return redirect(url)
    try:
        agreement = services.agreement_confirm(
            organization=request.organization, actor=request.user, agreement=page.agreement
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        if agreement.is_confirmed:
            messages.success(request, _("Confirmed. You have both agreed how you will work."))
        else:
            messages.success(
                request,
                _("Confirmed. %(other)s still needs to confirm it.")
                % {"other": page.side.other.display_name},
            )
    return redirect(f"{url}#confirmations")
