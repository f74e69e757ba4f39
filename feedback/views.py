"""Participant pages of the feedback loop: giving behaviour-based feedback with the
specificity coach (htmx while typing, and on submit without JavaScript), the feedback
received (grouped by skill) and given, reflections and experiments, skill ratings with
their progress charts, and the pulse and program surveys.

Every page is for the members of a mentorship only (the two people of a pair, everyone in
a circle): the selectors answer anyone else, program managers and HR included, with a 404;
in a circle, a piece of feedback is for its giver and its receiver only. Each view parses
the request, calls one selector or service, and renders."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from matching.access import access_pair
from mentoring.common.forms import error_text
from mentoring.tenancy.access import member_required

from . import services
from .forms import FeedbackForm, RatingForm, ReflectionForm, SurveyForm, coach_texts
from .models import RaterRole, RatingMoment, SurveyKind
from .selectors.feedback import access_received_feedback, coach_verdict, feedback_page
from .selectors.progress import progress_page
from .selectors.surveys import program_survey_page, pulse_page
from .specificity import assess


def _url(name: str, mentorship_id: int, anchor: str = "") -> str:
    url = reverse(f"feedback:{name}", kwargs={"mentorship_id": mentorship_id})
    return f"{url}#{anchor}" if anchor else url


# ---------------------------------------------------------------- giving feedback


@member_required
@require_http_methods(["GET", "POST"])
def feedback_new(request, mentorship_id: int):
    side = access_pair(
        organization=request.organization, user=request.user, mentorship_id=mentorship_id
    )
    form = FeedbackForm(
        request.POST or None,
        mentorship=side.mentorship,
        coach_url=_url("coach", mentorship_id),
        # in a circle, whom it is for: one of the others (``?to=`` may suggest one)
        recipients=side.others if side.is_circle else None,
        initial={"receiver": request.GET.get("to", "")},
    )
    coach = None
    if request.method == "POST":
        coach = coach_verdict(assess(**form.texts()))  # on submit too, without JS
        if form.is_valid():
            try:
                feedback = services.feedback_give(
                    organization=request.organization,
                    actor=request.user,
                    mentorship=side.mentorship,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _saved_message(feedback))
                return redirect(_url("list", mentorship_id, f"feedback-{feedback.pk}"))
    context = {"side": side, "mentorship": side.mentorship, "form": form, "coach": coach}
    return render(request, "feedback/give.html", context)


def _saved_message(feedback) -> str:
    values = {"name": feedback.receiver.display_name, "score": feedback.specificity}
    if feedback.specificity == 4:
        text = gettext(
            "Your feedback is saved and %(name)s can read it now. The coach scored it "
            "%(score)s of 4: it names a situation, a behaviour, its impact and a next step."
        )
    else:
        text = gettext(
            "Your feedback is saved and %(name)s can read it now. The coach scored it "
            "%(score)s of 4; below it, what would make the next one more specific."
        )
    return text % values


@member_required
@require_POST
def feedback_coach(request, mentorship_id: int):
    """The coach's verdict on the texts being typed: htmx swaps it under the form."""
    access_pair(organization=request.organization, user=request.user, mentorship_id=mentorship_id)
    coach = coach_verdict(assess(**coach_texts(request.POST)))
    return render(request, "feedback/partials/coach.html", {"coach": coach})


# ---------------------------------------------------------------- received and given


def _reflect_prefix(feedback_id: int) -> str:
    return f"reflect-{feedback_id}"


def _render_feedback(request, page, *, bound_form=None):
    """The feedback page; ``bound_form`` is a refused reflection form, shown on its item."""
    for item in page.received:
        prefix = _reflect_prefix(item.pk)
        if bound_form is not None and bound_form.prefix == prefix:
            item.reflect_form = bound_form
        else:
            initial = {"reflection": item.reflection}
            item.reflect_form = ReflectionForm(prefix=prefix, initial=initial)
    context = {"page": page, "side": page.side, "mentorship": page.side.mentorship}
    return render(request, "feedback/list.html", context)


@member_required
@require_GET
def feedback_list(request, mentorship_id: int):
    page = feedback_page(
        organization=request.organization, user=request.user, mentorship_id=mentorship_id
    )
    return _render_feedback(request, page)


@member_required
@require_POST
def feedback_reflect(request, mentorship_id: int, feedback_id: int):
    feedback = access_received_feedback(
        organization=request.organization,
        user=request.user,
        mentorship_id=mentorship_id,
        feedback_id=feedback_id,
    )
    form = ReflectionForm(request.POST, prefix=_reflect_prefix(feedback.pk))
    if form.is_valid():
        try:
            services.feedback_reflect(
                organization=request.organization,
                actor=request.user,
                feedback=feedback,
                reflection=form.cleaned_data["reflection"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, gettext("Your reflection is saved; the person who gave it can read it.")
            )
            return redirect(_url("list", mentorship_id, f"feedback-{feedback.pk}"))
    page = feedback_page(
        organization=request.organization, user=request.user, mentorship_id=mentorship_id
    )
    return _render_feedback(request, page, bound_form=form)


@member_required
@require_POST
def feedback_to_experiment(request, mentorship_id: int, feedback_id: int):
    feedback = access_received_feedback(
        organization=request.organization,
        user=request.user,
        mentorship_id=mentorship_id,
        feedback_id=feedback_id,
    )
    try:
        item = services.feedback_to_experiment(
            organization=request.organization, actor=request.user, feedback=feedback
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        due_on = date_format(item.due_on, "j M Y")
        messages.success(
            request,
            gettext(
                "The suggestion is now an experiment of yours, to try by %(on)s. "
                "You find it with your experiments."
            )
            % {"on": due_on},
        )
    return redirect(_url("list", mentorship_id, f"feedback-{feedback.pk}"))


# ---------------------------------------------------------------- skill ratings


def _rater_role(row) -> str:
    """The self view when the skill is the viewer's own, else what they observed."""
    return RaterRole.SELF if row.is_mine else RaterRole.MENTOR


def _render_progress(request, page, *, bound_form=None):
    for row in page.skills:
        if bound_form is not None and bound_form.prefix == row.key:
            row.form = bound_form
        else:
            row.form = RatingForm(
                prefix=row.key,
                rater_role=_rater_role(row),
                review_period=page.review_period,
            )
    context = {"page": page, "side": page.side, "mentorship": page.side.mentorship}
    return render(request, "feedback/progress.html", context)


@member_required
@require_GET
def progress(request, mentorship_id: int):
    page = progress_page(
        organization=request.organization, user=request.user, mentorship_id=mentorship_id
    )
    return _render_progress(request, page)


@member_required
@require_POST
def skill_rate(request, mentorship_id: int, skill_id: int):
    """A rating of one skill on the page; in a peer pair and a circle the form also posts
    whose skill it is (``enrollment``: one of the enrolments on the viewer's page, else
    404: a circle's mentee never reaches another mentee's skills)."""
    page = progress_page(
        organization=request.organization, user=request.user, mentorship_id=mentorship_id
    )
    # only a peer pair's and a circle's forms say whose skill it is: elsewhere the field
    # is not offered
    is_named = page.side.words.is_mutual or page.side.is_circle
    whose = request.POST.get("enrollment") if is_named else None
    row = page.row(skill_id, whose)
    form = RatingForm(
        request.POST,
        prefix=row.key,
        rater_role=_rater_role(row),
        review_period=page.review_period,
    )
    if form.is_valid():
        try:
            rating = services.skill_rating_add(
                organization=request.organization,
                actor=request.user,
                mentorship=page.side.mentorship,
                skill=row.skill,
                level=form.cleaned_data["level"],
                moment=form.cleaned_data["moment"],
                period=form.cleaned_data["period"] or 0,
                enrollment=row.enrollment,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            moments = {
                RatingMoment.START: gettext("at the start"),
                RatingMoment.REVIEW: gettext("at goal review %(period)s")
                % {"period": rating.period},
                RatingMoment.END: gettext("at the end"),
            }
            moment = moments[RatingMoment(rating.moment)]
            values = {"skill": row.skill.name, "level": rating.level, "moment": moment}
            if row.is_mine or row.enrollment is None:
                text = gettext("Your rating of %(skill)s is saved: level %(level)s, %(moment)s.")
            else:
                values["name"] = row.enrollment.person.display_name
                text = gettext(
                    "Your rating of %(name)s's %(skill)s is saved: level %(level)s, %(moment)s."
                )
            messages.success(request, text % values)
            return redirect(_url("progress", mentorship_id, row.key))
    return _render_progress(request, page, bound_form=form)


# ---------------------------------------------------------------- surveys

SURVEYS = {
    SurveyKind.PULSE: (services.PULSE_QUESTIONS, {}),
    SurveyKind.PROGRAM: (services.PROGRAM_QUESTIONS, {"recommend": (0, 10)}),
}


def _survey(request, page, action_url: str):
    """Show the survey, or save the answer (replacing the current one) and come back."""
    questions, scales = SURVEYS[page.kind]
    if page.kind == SurveyKind.PULSE and page.side.is_circle:
        questions = services.CIRCLE_PULSE_QUESTIONS  # the same questions, about the group
    is_closed = page.kind == SurveyKind.PULSE and not page.side.mentorship.is_open
    form = SurveyForm.for_answer(
        page.current, request.POST or None, questions=questions, scales=scales
    )
    if request.method == "POST":
        if is_closed:
            messages.error(request, gettext("This mentorship has ended: its pulse is closed."))
            return redirect(action_url)
        if form.is_valid():
            try:
                services.survey_answer(
                    organization=request.organization,
                    actor=request.user,
                    kind=page.kind,
                    mentorship=page.side.mentorship,
                    period=page.period,
                    **form.service_arguments(),
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                if page.current:
                    text = gettext(
                        "Thank you: your answers are saved. It replaces your earlier answer."
                    )
                else:
                    text = gettext("Thank you: your answers are saved.")
                messages.success(request, text)
                return redirect(action_url)
    context = {
        "page": page,
        "side": page.side,
        "mentorship": page.side.mentorship,
        "form": form,
        "action_url": action_url,
        "is_closed": is_closed,
    }
    return render(request, "feedback/survey.html", context)


@member_required
@require_http_methods(["GET", "POST"])
def pulse(request, mentorship_id: int):
    page = pulse_page(
        organization=request.organization, user=request.user, mentorship_id=mentorship_id
    )
    return _survey(request, page, _url("pulse", mentorship_id))


@member_required
@require_http_methods(["GET", "POST"])
def program_survey(request, program_id: int):
    page = program_survey_page(
        organization=request.organization, user=request.user, program_id=program_id
    )
    return _survey(
        request, page, reverse("feedback:program_survey", kwargs={"program_id": program_id})
    )
