"""Participant pages of programs: directory, program page, applications, enrolments with
goals and goal reviews, prep checklists and member profiles. Each view parses the
request, calls one selector or service, and renders."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from mentoring.tenancy.access import member_required

from . import selectors, services
from .formats import role_name
from .forms import (
    ChecklistToggleForm,
    GoalForm,
    GoalObservationForm,
    GoalReviewForm,
    MenteeApplicationForm,
    MentorApplicationForm,
)
from .models import EnrollmentRole, EnrollmentStatus
from .services.goals import holds_goals


def _is_manager(request) -> bool:
    return bool(request.membership and request.membership.is_manager)


# ---------------------------------------------------------------- programs


@member_required
def program_directory(request):
    programs = selectors.program_directory(organization=request.organization, user=request.user)
    return render(request, "programs/directory.html", {"programs": programs})


@member_required
def program_detail(request, program_id: int):
    page = selectors.program_page(
        organization=request.organization, user=request.user, program_id=program_id
    )
    return render(request, "programs/detail.html", {"page": page, "program": page.program})


def _apply(request, program_id: int, *, form_class, service, role: str, template: str):
    page = selectors.program_for_application(
        organization=request.organization, user=request.user, program_id=program_id
    )
    program = page.program
    form = form_class(request.POST or None, program=program)
    if request.method == "POST" and form.is_valid():
        try:
            enrollment = service(
                organization=request.organization,
                actor=request.user,
                program=program,
                **form.service_arguments(),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if enrollment.status == EnrollmentStatus.APPROVED:
                messages.success(
                    request,
                    _("You have joined “%(program)s” as %(role)s.")
                    % {"program": program, "role": role},
                )
            else:
                messages.success(
                    request,
                    _(
                        "Your application to “%(program)s” as %(role)s is in. A program "
                        "manager will review it; the decision will show on this page."
                    )
                    % {"program": program, "role": role},
                )
            return redirect("programs:enrollment", enrollment_id=enrollment.pk)
    return render(request, template, {"page": page, "program": program, "form": form})


@member_required
@require_http_methods(["GET", "POST"])
def apply_mentee(request, program_id: int):
    return _apply(
        request,
        program_id,
        form_class=MenteeApplicationForm,
        service=services.enrollment_apply_mentee,
        role=gettext_lazy("mentee"),
        template="programs/apply_mentee.html",
    )


@member_required
@require_http_methods(["GET", "POST"])
def apply_mentor(request, program_id: int):
    return _apply(
        request,
        program_id,
        form_class=MentorApplicationForm,
        service=services.enrollment_apply_mentor,
        role=gettext_lazy("mentor"),
        template="programs/apply_mentor.html",
    )


# ---------------------------------------------------------------- enrolments and goals


def _review_prefix(goal) -> str:
    return f"review-{goal.pk}"


def _observation_prefix(review) -> str:
    return f"observation-{review.pk}"


def _render_enrollment(request, enrollment, *, review_form=None, observation_form=None, status=200):
    """The enrolment page, for its own person or for the mentee's mentor, or in a peer pair
    the other partner (who reads the goals and reviews and, while the pair is open, adds
    observations). ``review_form`` /
    ``observation_form``: a bound form (with errors) for one goal / one review."""
    is_own = enrollment.person.user_id == request.user.pk
    can_observe = not is_own and enrollment.can_observe and enrollment.is_active
    for goal in enrollment.goals.all():
        if review_form is not None and review_form.prefix == _review_prefix(goal):
            goal.review_form = review_form
        else:
            goal.review_form = GoalReviewForm(prefix=_review_prefix(goal))
        if can_observe:
            for period in goal.review_periods:
                for review in period.reviews:
                    prefix = _observation_prefix(review)
                    if observation_form is not None and observation_form.prefix == prefix:
                        review.observation_form = observation_form
                    else:
                        review.observation_form = GoalObservationForm.for_review(
                            review, prefix=prefix
                        )
    keeps_goals = holds_goals(enrollment)
    context = {
        "enrollment": enrollment,
        "program": enrollment.program,
        "is_mentee": enrollment.role == EnrollmentRole.MENTEE,
        "holds_goals": keeps_goals,
        "is_own": is_own,
        "can_observe": can_observe,
        "can_change_goals": is_own and keeps_goals and enrollment.is_active,
        "can_review": is_own and keeps_goals and enrollment.status == EnrollmentStatus.APPROVED,
        "schedule": selectors.review_schedule(enrollment),
    }
    return render(request, "programs/enrollment_detail.html", context, status=status)


@member_required
def enrollment_detail(request, enrollment_id: int):
    enrollment = selectors.access_enrollment(
        organization=request.organization, user=request.user, enrollment_id=enrollment_id
    )
    return _render_enrollment(request, enrollment)


@member_required
@require_http_methods(["GET", "POST"])
def enrollment_withdraw(request, enrollment_id: int):
    """GET asks for confirmation; POST withdraws."""
    enrollment = selectors.access_own_enrollment(
        organization=request.organization, user=request.user, enrollment_id=enrollment_id
    )
    if request.method == "POST":
        try:
            services.enrollment_withdraw(
                organization=request.organization, actor=request.user, enrollment=enrollment
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("You have withdrawn from “%(program)s”.") % {"program": enrollment.program},
            )
        return redirect("programs:enrollment", enrollment_id=enrollment.pk)
    return render(
        request,
        "programs/enrollment_withdraw.html",
        {"enrollment": enrollment, "program": enrollment.program},
    )


@member_required
@require_http_methods(["GET", "POST"])
def goal_add(request, enrollment_id: int):
    enrollment = selectors.access_own_enrollment(
        organization=request.organization,
        user=request.user,
        enrollment_id=enrollment_id,
        for_goals=True,
    )
    form = GoalForm(request.POST or None, program=enrollment.program)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_create(
                organization=request.organization,
                actor=request.user,
                enrollment=enrollment,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Your goal is added."))
            return redirect("programs:enrollment", enrollment_id=enrollment.pk)
    context = {"form": form, "enrollment": enrollment, "program": enrollment.program}
    return render(request, "programs/goal_form.html", context)


@member_required
@require_http_methods(["GET", "POST"])
def goal_edit(request, goal_id: int):
    goal = selectors.access_goal(
        organization=request.organization, user=request.user, goal_id=goal_id
    )
    form = GoalForm.for_goal(goal, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_update(
                organization=request.organization,
                actor=request.user,
                goal=goal,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Your goal is saved."))
            return redirect("programs:enrollment", enrollment_id=goal.enrollment_id)
    context = {
        "form": form,
        "goal": goal,
        "enrollment": goal.enrollment,
        "program": goal.enrollment.program,
    }
    return render(request, "programs/goal_form.html", context)


@member_required
@require_POST
def goal_review_add(request, goal_id: int):
    goal = selectors.access_goal(
        organization=request.organization, user=request.user, goal_id=goal_id
    )
    form = GoalReviewForm(request.POST, prefix=_review_prefix(goal))
    if form.is_valid():
        try:
            services.goal_review_add(
                organization=request.organization,
                actor=request.user,
                goal=goal,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Your review is saved."))
            url = reverse("programs:enrollment", kwargs={"enrollment_id": goal.enrollment_id})
            return redirect(f"{url}#goal-{goal.pk}")
    enrollment = selectors.access_enrollment(
        organization=request.organization, user=request.user, enrollment_id=goal.enrollment_id
    )
    return _render_enrollment(request, enrollment, review_form=form)


@member_required
@require_POST
def goal_review_observe(request, review_id: int):
    """The mentor's observation on one of the mentee's reviews (in a peer pair, either
    partner's on the other's)."""
    review = selectors.access_review_to_observe(
        organization=request.organization, user=request.user, review_id=review_id
    )
    form = GoalObservationForm(request.POST, prefix=_observation_prefix(review))
    status = 200
    if form.is_valid():
        try:
            services.goal_review_observe(
                organization=request.organization,
                actor=request.user,
                review=review,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_service_errors(error)
            if getattr(error, "code", None) == "conflict":
                status = 409
                # the page shows the newer observation; the typed text stays in the box,
                # and the next save is made over the version now shown
                data = request.POST.copy()
                data[form.add_prefix("version")] = str(
                    selectors.observation_version(
                        organization=request.organization, review_id=review.pk
                    )
                )
                form.data = data
        else:
            owner = role_name(review.goal.enrollment, review.goal.enrollment.program)
            messages.success(
                request,
                _("Your observation is saved: the %(owner)s can read it now.") % {"owner": owner},
            )
            url = reverse(
                "programs:enrollment", kwargs={"enrollment_id": review.goal.enrollment_id}
            )
            return redirect(f"{url}#review-{review.pk}")
    enrollment = selectors.access_enrollment(
        organization=request.organization,
        user=request.user,
        enrollment_id=review.goal.enrollment_id,
    )
    return _render_enrollment(request, enrollment, observation_form=form, status=status)


# ---------------------------------------------------------------- checklists


@member_required
def checklist(request):
    sections = selectors.checklists_for(
        organization=request.organization, user=request.user, is_manager=_is_manager(request)
    )
    return render(request, "programs/checklist.html", {"sections": sections})


@member_required
@require_POST
def checklist_item_toggle(request, item_id: int):
    """Tick or untick an item. htmx gets the item back (and the section's count);
    a plain form post goes back to the checklist."""
    form = ChecklistToggleForm(request.POST)
    form.is_valid()  # both fields are optional: an unticked box sends nothing
    done = form.cleaned_data.get("done", False)
    section, item = selectors.access_checklist_item(
        organization=request.organization,
        user=request.user,
        is_manager=_is_manager(request),
        item_id=item_id,
        section_key=form.cleaned_data.get("section", ""),
    )
    item.is_done = services.checklist_item_set_done(
        organization=request.organization, actor=request.user, item=item, done=done
    )
    if request.htmx:
        context = {"section": section, "item": item, "for_htmx": True}
        return render(request, "programs/partials/checklist_item.html", context)
    return redirect(f"{reverse('programs:checklist')}#item-{section.key}-{item.pk}")


# ---------------------------------------------------------------- people


@member_required
def member_profile(request, profile_id: int):
    profile = selectors.member_profile(
        organization=request.organization, user=request.user, profile_id=profile_id
    )
    return render(request, "programs/member_profile.html", {"person": profile})
