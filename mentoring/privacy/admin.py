"""Admin actions on people (the organization admin's Profiles list): email someone their
data, erase someone's personal data after a confirmation page."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse

from . import services
from .erasure import is_erased
from .rules import open_commitments


@admin.action(description="Email the selected people a copy of their data", permissions=["view"])
def send_data(modeladmin, request, queryset):
    sent = []
    for person in queryset.select_related("user"):
        try:
            services.person_export_send(
                organization=request.organization,
                actor=request.user,
                person=person,
                request=request,
            )
        except ValidationError as error:
            messages.warning(request, " ".join(error.messages))
        else:
            sent.append(person.display_name)
    if sent:
        messages.success(
            request,
            f"A copy of their data is on its way to {', '.join(sent)}, at the address they "
            "sign in with. You do not receive it: it holds their private notes.",
        )


@admin.action(description="Erase the selected people's personal data…", permissions=["change"])
def erase_people(modeladmin, request, queryset):
    people = list(queryset.select_related("user", "department").order_by("display_name"))
    if request.POST.get("confirm") == "yes":
        for person in people:
            name = person.display_name
            try:
                services.person_erase(
                    organization=request.organization,
                    actor=request.user,
                    person=person,
                    request=request,
                )
            except ValidationError as error:
                messages.error(request, f"{name}: {' '.join(error.messages)}")
            else:
                messages.success(request, f"{name} is erased and now shows as {person}.")
        return None
    open_pairs = open_commitments([person.pk for person in people])
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Erase personal data",
        "opts": modeladmin.model._meta,
        "people": [
            {"person": person, "open_pairs": open_pairs[person.pk], "erased": is_erased(person)}
            for person in people
        ],
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/privacy/erase_people.html", context)
