"""The member's "Your data" page and downloads; the managers' organization settings page
(served inside the organization admin)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from mentoring.common.forms import interpolated
from mentoring.people.models import Profile
from mentoring.people.selectors import profile_for_member
from mentoring.tenancy.access import member_required
from mentoring.tenancy.admin import organization_admin_site
from mentoring.tenancy.models import Membership, Organization, Role

from . import services
from .registry import person_entries

RETENTION_MIN_DAYS = 30
RETENTION_MAX_DAYS = 3650


@member_required
def your_data(request):
    manager_users = Membership.objects.filter(role=Role.MANAGER, is_active=True).values("user_id")
    managers = Profile.objects.filter(user_id__in=manager_users).order_by("display_name")
    context = {
        "sections": [entry.title for entry in person_entries()],
        "managers": [manager.display_name for manager in managers],
    }
    return render(request, "privacy/your_data.html", context)


@require_POST
@member_required
def export_download(request, file_format):
    if file_format not in {"json", "zip"}:
        raise Http404("No such format.")
    filename, content, content_type = services.person_export_download(
        organization=request.organization,
        actor=request.user,
        person=profile_for_member(request.user),
        file_format=file_format,
        request=request,
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


class OrganizationSettingsForm(forms.Form):
    note_retention_days = forms.IntegerField(
        required=False,
        min_value=RETENTION_MIN_DAYS,
        max_value=RETENTION_MAX_DAYS,
        label=_("Keep session notes for (days)"),
        help_text=interpolated(
            _(
                "The text of shared and private session notes is removed this many days after "
                "the session. Leave empty to keep it. At least %(days)s days, so "
                "that pairs can look back at recent sessions."
            ),
            {"days": RETENTION_MIN_DAYS},
        ),
    )
    feedback_retention_days = forms.IntegerField(
        required=False,
        min_value=RETENTION_MIN_DAYS,
        max_value=RETENTION_MAX_DAYS,
        label=_("Keep feedback texts for (days)"),
        help_text=_(
            "The text of feedback, reflections, survey and fit-check comments is removed this "
            "many days after it was written; scores and counts stay. Leave empty to keep it."
        ),
    )
    require_two_factor_for_managers = forms.BooleanField(
        required=False,
        label=_("Program managers must use two-step sign-in"),
        help_text=_(
            "Program managers set up an authenticator app before they can work, "
            "which keeps everyone's data safer if a password leaks."
        ),
    )
    language = forms.ChoiceField(
        required=False,
        choices=[("", _("Each person's browser decides")), *settings.LANGUAGES],
        label=_("Language of the interface"),
        help_text=_(
            "For members who have not chosen a language on their profile. Emails follow "
            "each person's language too."
        ),
    )
    hr_sees_individual_progress = forms.BooleanField(
        required=False,
        label=_("HR may see each mentee's progress"),
        help_text=_(
            "Off (the default), the HR API gives skill progress only as figures per program "
            "and per department, over groups of at least five mentees, and no goals or goal "
            "reviews. On, HR can also read each mentee's ratings, goals and goal reviews."
        ),
    )


def _organization_settings(request):
    # The organization comes from the host, never from the address or the form.
    organization = Organization.objects.get(pk=request.organization.pk)
    initial = {name: getattr(organization, name) for name in services.SETTINGS_FIELDS}
    form = OrganizationSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.organization_settings_update(
            organization=organization,
            actor=request.user,
            request=request,
            **{name: form.cleaned_data[name] for name in form.changed_data},
        )
        messages.success(request, gettext("The organization settings are saved."))
        return redirect("privacy:organization_settings")
    context = {
        **organization_admin_site.each_context(request),
        "title": gettext("Organization settings"),
        "form": form,
    }
    return TemplateResponse(request, "admin/privacy/organization_settings.html", context)


organization_settings = organization_admin_site.admin_view(_organization_settings)
