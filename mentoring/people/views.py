from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from mentoring.common.forms import add_service_errors, error_text
from mentoring.common.time_zones import (
    DEFAULT_TIME_ZONE,
    canonical_zone,
    names_of,
    time_zone_search,
)
from mentoring.tenancy.access import member_required

from .forms import SEARCH_TERM_MAX_LENGTH, MemberProfileForm
from .language import remember_language
from .selectors import profile_for_member
from .services import profile_update


@member_required
def profile_edit(request):
    profile = profile_for_member(request.user)
    form = MemberProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            profile_update(
                organization=request.organization,
                actor=request.user,
                profile=profile,
                **{name: form.cleaned_data[name] for name in form.changed_data},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            remember_language(request, profile.language)
            chosen = (
                profile.language
                or request.organization.language
                or translation.get_language_from_request(request)
            )
            with translation.override(chosen):  # said in the language just chosen
                messages.success(request, gettext("Your profile is saved."))
            return redirect("profile_edit")
    return render(
        request,
        "people/profile_form.html",
        {"form": form, "profile": profile, "zone_names": _zone_names(profile)},
    )


def _zone_names(profile) -> list[str]:
    """The person's zone under its canonical name first, then its older aliases: the
    prompt offers the browser's zone when it is none of them."""
    shown = canonical_zone(profile.time_zone) or profile.time_zone or DEFAULT_TIME_ZONE
    return [shown, *(name for name in names_of(shown) if name != shown)]


@member_required
def time_zone_options(request):
    """The time-zone search of the profile form (static/js/search-picker.js): at most 20
    zones of the list matching ``q``, and how many matched in all."""
    term = request.GET.get("q", "").replace("\x00", "")[:SEARCH_TERM_MAX_LENGTH]
    matches = time_zone_search(term)
    return JsonResponse(
        {
            "results": [{"id": name, "text": label} for name, label in matches.choices],
            "total": matches.total,
        }
    )


@member_required
@require_POST
def time_zone_use(request):
    """The one-click "use <zone>" of the time-zone prompt: the browser's zone, saved under
    its canonical name; then back to the page the person was on."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "/"
    zone = canonical_zone(request.POST.get("time_zone", "").strip())
    if zone is None:
        messages.error(
            request,
            gettext(
                "Your browser reports a time zone this site does not know: "
                "choose yours from the list in your profile."
            ),
        )
        return redirect("profile_edit")
    profile = profile_for_member(request.user)
    try:
        profile_update(
            organization=request.organization,
            actor=request.user,
            profile=profile,
            time_zone=zone,
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("profile_edit")
    messages.success(
        request,
        gettext(
            "Your time zone is now %(zone)s: every date and time is shown on "
            "that clock. You can change it any time in your profile."
        )
        % {"zone": zone.replace("_", " ")},
    )
    return redirect(back)
