"""The pair's experiments: adding one, marking it done with a reflection, dropping it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from matching.access import access_pair
from mentoring.common.forms import error_text
from mentoring.tenancy.access import member_required

from .. import selectors, services
from ..forms import ExperimentDoneForm, ExperimentForm
from ..members import own_experiments_only
from ..models import ActionStatus
from .common import render_for


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
    return render_for(request, "sessions/experiments.html", context, page.side)


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
    side = access_pair(
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
            messages.success(request, _("Experiment added."))
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
            messages.success(
                request,
                _("Well done. Your reflection is saved.")
                if own_experiments_only(item.mentorship)
                else _("Well done. Your reflection is shared with your pair."),
            )
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
        messages.info(request, _("This experiment is already closed."))
    else:
        try:
            services.action_item_drop(
                organization=request.organization, actor=request.user, item=item
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Experiment dropped. It stays in the list, set aside."))
    return redirect(_experiments_url(mentorship_id))
