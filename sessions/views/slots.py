"""Planning a session at one of the proposed free slots (the buttons of "Times that suit
you both" on the scheduling page)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from matching.access import access_pair
from mentoring.common.forms import error_text
from mentoring.tenancy.access import member_required

from .. import services
from ..forms import SlotPickForm
from ..members import others_word
from ..models import SessionKind
from ..selectors.slots import planned_at, slot_is_free
from .common import session_url


@member_required
@require_POST
def slot_pick(request, mentorship_id: int):
    """Plan a session at a proposed slot, after checking it is still free for both."""
    side = access_pair(
        organization=request.organization, user=request.user, mentorship_id=mentorship_id
    )
    back = reverse("sessions:schedule", kwargs={"mentorship_id": mentorship_id})
    if side.is_circle:
        messages.error(request, _("Free times are proposed to pairs only: pick a time below."))
        return redirect(back)
    form = SlotPickForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
        return redirect(back)
    starts_at = form.cleaned_data["starts_at"]
    duration = form.cleaned_data["duration_minutes"]
    already = planned_at(mentorship=side.mentorship, starts_at=starts_at)
    if already is not None:  # the same button sent twice
        messages.info(request, _("That session is already planned: here it is."))
        return redirect(session_url(already.pk))
    if not slot_is_free(
        organization=request.organization,
        mentorship=side.mentorship,
        starts_at=starts_at,
        length_minutes=duration,
    ):
        messages.error(
            request,
            _(
                "That time is no longer free for both of you (a session was planned then, or "
                "someone's availability changed). Here are the times that suit you both now."
            ),
        )
        return redirect(back)
    try:
        session = services.session_schedule(
            organization=request.organization,
            actor=request.user,
            mentorship=side.mentorship,
            starts_at=starts_at,
            duration_minutes=duration,
            kind=form.cleaned_data["kind"] or SessionKind.CHECK_IN,
            location=None,
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect(back)
    messages.success(
        request,
        _("Session planned. %(others)s sees it on their own clock. Now build the agenda together.")
        % {"others": others_word(side, start=True)},
    )
    return redirect(session_url(session.pk))
