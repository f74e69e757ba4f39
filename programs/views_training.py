"""The mentor training path of a program: the modules with the mentor's progress, and each
module's lesson with the reflection that finishes it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mentoring.tenancy.access import member_required

from . import training_selectors
from .forms_training import ReflectionForm
from .services.training import training_module_complete


@member_required
def training(request, program_id: int):
    path = training_selectors.access_training(
        organization=request.organization, user=request.user, program_id=program_id
    )
    context = {"path": path, "program": path.program, "next_step": path.next_step()}
    return render(request, "programs/training.html", context)


@member_required
@require_http_methods(["GET", "POST"])
def training_module(request, program_id: int, module_id: int):
    path, step = training_selectors.access_training_step(
        organization=request.organization,
        user=request.user,
        program_id=program_id,
        module_id=module_id,
    )
    initial = {"reflection": step.completion.reflection if step.completion else ""}
    form = ReflectionForm(request.POST or None, initial=initial)
    form.fields["reflection"].label = step.module.reflection_prompt
    if request.method == "POST" and form.is_valid():
        try:
            completion, is_new = training_module_complete(
                organization=request.organization,
                actor=request.user,
                module=step.module,
                reflection=form.cleaned_data["reflection"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            step.completion = completion
            if is_new:
                messages.success(
                    request,
                    _("“%(module)s” is finished: %(finished)s of %(total)s modules done.")
                    % {"module": step.module, "finished": path.finished, "total": path.total},
                )
            else:
                messages.success(request, _("Your reflection is saved."))
            following = path.next_step(after=step) if is_new else None
            if following is None:
                return redirect("programs:training", program_id=program_id)
            return redirect(
                "programs:training_module", program_id=program_id, module_id=following.module.pk
            )
    context = {"path": path, "step": step, "program": path.program, "form": form}
    return render(request, "programs/training_module.html", context)
