"""The mentee's observation log: writing an observation, changing it, sharing it with the
mentor (a point of the next session's agenda), turning it into an experiment, removing
it. The mentor reads the shared ones on the same page; nobody else sees any."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentoring.common.forms import error_text
from mentoring.common.time_zones import time_zone_of
from mentoring.tenancy.access import member_required

from ..forms_observations import ObservationExperimentForm, ObservationForm
from ..selectors.observations import ObservationsPage, access_observation, observations_page
from ..services import observations as services
from .common import render_for


def _page(request, mentorship_id: int) -> ObservationsPage:
    page = observations_page(
        organization=request.organization, user=request.user, mentorship_id=mentorship_id
    )
    if page.side.is_circle:  # its pages link to none: the log is a mentee's, of one mentor
        raise Http404("The observation log is for pairs, not circles.")
    return page


def _log_url(mentorship_id: int, anchor: str = "") -> str:
    url = reverse("sessions:observations", kwargs={"mentorship_id": mentorship_id})
    return f"{url}#{anchor}" if anchor else url


def _render(
    request, page: ObservationsPage, *, new_form=None, edit_form=None, experiment_form=None
):
    """The log; a refused form is shown in place of the fresh one, with the words sent."""
    if page.side.is_mentee:
        for observation in page.observations:
            if edit_form is not None and edit_form.prefix == f"edit-{observation.pk}":
                observation.edit_form = edit_form
            if observation.experiment_id is None:
                refused = experiment_form is not None and (
                    experiment_form.prefix == f"experiment-{observation.pk}"
                )
                observation.experiment_form = (
                    experiment_form
                    if refused
                    else ObservationExperimentForm(observation=observation)
                )
        new_form = new_form or ObservationForm(skills=page.focus_skills)
    context = {"page": page, "new_form": new_form}
    return render_for(request, "sessions/observations.html", context, page.side)


def _render_refused(request, page: ObservationsPage, observation_id: int, form, **forms):
    """A refused change of one observation, in place; when the observation has gone
    meanwhile (removed from another tab), the refusal as a message above the log."""
    if any(observation.pk == observation_id for observation in page.observations):
        return _render(request, page, **forms)
    messages.error(request, " ".join(form.non_field_errors()) or services.GONE)
    return redirect(_log_url(page.mentorship.pk))


def _written(request, mentorship_id: int, observation_id: int):
    return access_observation(
        organization=request.organization,
        user=request.user,
        mentorship_id=mentorship_id,
        observation_id=observation_id,
    )


@member_required
@require_GET
def observations(request, mentorship_id: int):
    return _render(request, _page(request, mentorship_id))


@member_required
@require_POST
def observation_add(request, mentorship_id: int):
    page = _page(request, mentorship_id)
    if not page.side.is_mentee:
        raise Http404("Only the mentee keeps an observation log.")
    form = ObservationForm(request.POST, skills=page.focus_skills)
    if form.is_valid():
        try:
            observation = services.observation_add(
                organization=request.organization,
                actor=request.user,
                mentorship=page.mentorship,
                **form.service_arguments,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, _("Observation saved. Only you can see it until you share it.")
            )
            return redirect(_log_url(mentorship_id, f"observation-{observation.pk}"))
    return _render(request, page, new_form=form)


@member_required
@require_http_methods(["GET", "POST"])
def observation_edit(request, mentorship_id: int, observation_id: int):
    observation = _written(request, mentorship_id, observation_id)
    page = _page(request, mentorship_id)
    form = ObservationForm(request.POST or None, skills=page.focus_skills, observation=observation)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.observation_edit(
                organization=request.organization,
                actor=request.user,
                observation=observation,
                **form.service_arguments,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            text = _("Observation saved.")
            if saved.shared_at:
                text = _("Observation saved. %(other)s reads the new version.") % {
                    "other": page.side.other.display_name
                }
            messages.success(request, text)
            return redirect(_log_url(mentorship_id, f"observation-{observation.pk}"))
    return _render_refused(request, page, observation.pk, form, edit_form=form)


@member_required
@require_POST
def observation_share(request, mentorship_id: int, observation_id: int):
    observation = _written(request, mentorship_id, observation_id)
    try:
        shared = services.observation_share(
            organization=request.organization, actor=request.user, observation=observation
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        pair = shared.mentorship
        mentor = pair.mentor.person.display_name
        if shared.agenda_item is not None:
            clock = time_zone_of(pair.mentee.person.time_zone)
            day = dateformat.format(
                timezone.localtime(shared.agenda_item.session.starts_at, clock), "l j F"
            )
            messages.success(
                request,
                _("Shared with %(mentor)s. It is a point of the agenda of your session on %(day)s.")
                % {"mentor": mentor, "day": day},
            )
        else:
            messages.success(
                request,
                _(
                    "Shared with %(mentor)s. No session is planned yet, so it is on no agenda: "
                    "once you plan the next one, come back and add it with one click."
                )
                % {"mentor": mentor},
            )
    return redirect(_log_url(mentorship_id, f"observation-{observation_id}"))


@member_required
@require_POST
def observation_experiment(request, mentorship_id: int, observation_id: int):
    observation = _written(request, mentorship_id, observation_id)
    form = ObservationExperimentForm(request.POST, observation=observation)
    if form.is_valid():
        try:
            services.observation_experiment(
                organization=request.organization,
                actor=request.user,
                observation=observation,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _(
                    "Experiment added to your pair's list. "
                    "When you have tried it, say what happened."
                ),
            )
            return redirect(_log_url(mentorship_id, f"observation-{observation_id}"))
    page = _page(request, mentorship_id)
    return _render_refused(request, page, observation.pk, form, experiment_form=form)


@member_required
@require_POST
def observation_remove(request, mentorship_id: int, observation_id: int):
    observation = _written(request, mentorship_id, observation_id)
    try:
        services.observation_remove(
            organization=request.organization, actor=request.user, observation=observation
        )
    except ValidationError as error:
        messages.info(request, error_text(error))
    else:
        messages.success(request, _("Observation removed from your log."))
    return redirect(_log_url(mentorship_id))
