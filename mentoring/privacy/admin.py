"""Admin actions on people (the organization admin's Profiles list): email someone their
data, erase someone's personal data after a confirmation page. And, for the platform
operator, the export of a whole organization as a background job."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentoring.jobs import pages
from mentoring.jobs.kinds import kind_of
from mentoring.jobs.models import Job, JobStatus
from mentoring.jobs.services import JobAlreadyRunning
from mentoring.tenancy import activate
from mentoring.tenancy.models import Organization

from . import services
from .erasure import is_erased
from .jobs import ORGANIZATION_EXPORT
from .rules import open_commitments


@admin.action(
    description=gettext_lazy("Email the selected people a copy of their data"),
    permissions=["view"],
)
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
            _(
                "A copy of their data is on its way to %(people)s, at the address they "
                "sign in with. You do not receive it: it holds their private notes."
            )
            % {"people": ", ".join(sent)},
        )


@admin.action(
    description=gettext_lazy("Erase the selected people's personal data…"),
    permissions=["change"],
)
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
                messages.success(
                    request,
                    _("%(name)s is erased and now shows as %(person)s.")
                    % {"name": name, "person": person},
                )
        return None
    open_pairs = open_commitments([person.pk for person in people])
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Erase personal data"),
        "opts": modeladmin.model._meta,
        "people": [
            {"person": person, "open_pairs": open_pairs[person.pk], "erased": is_erased(person)}
            for person in people
        ],
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/privacy/erase_people.html", context)


# ------------------------------------------------------------------ the platform operator


RECENT_EXPORTS = 5  # listed on the organization's page


class OrganizationExportAdmin:
    """For the platform's ``OrganizationAdmin``: "Export this organization" on an
    organization's page, run as a background job the page follows, and the ZIP to
    download. Only the platform operator (a superuser) starts, sees or downloads one."""

    admin_site: admin.AdminSite

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:organization_id>/export/",
                view(self.export_start_view),
                name="mentoring_organization_export",
            ),
            path(
                "<int:organization_id>/export/<int:job_id>/",
                view(self.export_job_view),
                name="mentoring_organization_export_job",
            ),
            path(
                "<int:organization_id>/export/<int:job_id>/progress/",
                view(self.export_progress_view),
                name="mentoring_organization_export_progress",
            ),
            path(
                "<int:organization_id>/export/<int:job_id>/download/",
                view(self.export_download_view),
                name="mentoring_organization_export_download",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        may_export = request.user.is_superuser
        exports: list[dict] = []
        organization = (
            Organization.objects.filter(pk=object_id).first()
            if may_export and str(object_id).isdigit()
            else None
        )
        if organization is not None:  # its last exports, to get back to one
            with activate(organization):
                jobs = (
                    Job.objects.filter(kind=ORGANIZATION_EXPORT)
                    .select_related("started_by")
                    .defer("payload", "result_file")
                    .order_by("-created_at", "-pk")[:RECENT_EXPORTS]
                )
                exports = [{"job": job, "url": self._job_page(organization, job)} for job in jobs]
        extra_context = {**(extra_context or {}), "may_export": may_export, "exports": exports}
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    # -- helpers

    def _organization(self, request, organization_id: int) -> Organization:
        if not request.user.is_superuser:
            raise PermissionDenied("Only the platform operator exports an organization.")
        organization = Organization.objects.filter(pk=organization_id).first()
        if organization is None:
            raise Http404("No such organization.")
        return organization

    def _export_job(self, organization: Organization, job_id: int) -> Job:
        with activate(organization):
            job = (
                Job.objects.filter(pk=job_id, kind=ORGANIZATION_EXPORT)
                .select_related("started_by")
                .defer("payload", "result_file")
                .annotate(
                    has_file=ExpressionWrapper(
                        Q(result_file__isnull=False), output_field=BooleanField()
                    )
                )
                .first()
            )
        if job is None:
            raise Http404("No such export of this organization.")
        return job

    def _urls(self, organization: Organization, job: Job) -> dict[str, str]:
        args = [organization.pk, job.pk]
        has_file = job.status == JobStatus.DONE and getattr(job, "has_file", False)
        return {
            "progress_url": reverse("admin:mentoring_organization_export_progress", args=args),
            "download_url": (
                reverse("admin:mentoring_organization_export_download", args=args)
                if has_file
                else ""
            ),
        }

    def _job_page(self, organization: Organization, job: Job) -> str:
        return reverse("admin:mentoring_organization_export_job", args=[organization.pk, job.pk])

    # -- views

    def export_start_view(self, request, organization_id: int) -> HttpResponse:
        organization = self._organization(request, organization_id)
        change_page = reverse("admin:mentoring_organization_change", args=[organization.pk])
        if request.method != "POST":
            return redirect(change_page)
        try:
            job = services.organization_export_start(organization=organization, actor=request.user)
        except JobAlreadyRunning as running:
            messages.error(
                request,
                format_html(
                    '{} <a href="{}">{}</a>.',
                    running.messages[0],
                    self._job_page(organization, running.job),
                    _("Follow it"),
                ),
            )
            return redirect(change_page)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(change_page)
        return redirect(self._job_page(organization, job))

    def export_job_view(self, request, organization_id: int, job_id: int) -> HttpResponse:
        organization = self._organization(request, organization_id)
        job = self._export_job(organization, job_id)
        with activate(organization):
            context = {
                **self.admin_site.each_context(request),
                **pages.job_context(job, kind_of(job), **self._urls(organization, job)),
                "opts": Organization._meta,
                "organization": organization,
                "title": job.label,
            }
        return TemplateResponse(request, "admin/privacy/organization_export_job.html", context)

    def export_progress_view(self, request, organization_id: int, job_id: int) -> HttpResponse:
        organization = self._organization(request, organization_id)
        job = self._export_job(organization, job_id)
        with activate(organization):
            return pages.job_progress(request, job, **self._urls(organization, job))

    def export_download_view(self, request, organization_id: int, job_id: int) -> HttpResponse:
        organization = self._organization(request, organization_id)
        job = self._export_job(organization, job_id)
        try:
            data, filename = services.organization_export_download(
                organization=organization, job=job, actor=request.user, request=request
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(self._job_page(organization, job))
        response = HttpResponse(data, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
