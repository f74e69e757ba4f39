"""The organization's jobs in its admin: a list, and a page per job that follows it live."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentoring.tenancy.admin import ReadOnlyTenantAdmin, organization_admin_site

from . import pages
from .kinds import kind_of, kinds
from .models import Job, JobStatus
from .services import JobAlreadyRunning, job_page_url


def organization_kinds() -> list[str]:
    return [name for name, kind in kinds().items() if kind.audience == "managers"]


@admin.register(Job, site=organization_admin_site)
class JobAdmin(ReadOnlyTenantAdmin):
    list_display = ["label", "status", "who", "created_at", "finished_at"]
    list_filter = ["status"]
    search_fields = ["label"]
    list_select_related = ["started_by"]
    actions = None

    def get_queryset(self, request):
        # Jobs of the platform operator (an organization's export) are not the managers'.
        return super().get_queryset(request).filter(kind__in=organization_kinds())

    @admin.display(description=gettext_lazy("started by"))
    def who(self, job: Job) -> str:
        return str(job.started_by) if job.started_by else job.started_by_label

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:job_id>/progress/", view(self.progress_view), name="mentoring_job_progress"),
            path("<int:job_id>/status.json", view(self.status_view), name="mentoring_job_status"),
            *super().get_urls(),
        ]

    def _job(self, request, job_id) -> Job:
        if not self.has_view_permission(request):
            raise Http404("No such job.")
        job = (
            self.get_queryset(request)
            .select_related("started_by")
            .defer("payload", "result_file")
            .filter(pk=job_id)
            .first()
        )
        if job is None:
            raise Http404("No such job in this organization.")
        return job

    def change_view(self, request, object_id, form_url="", extra_context=None):
        try:
            job = self._job(request, int(object_id))
        except ValueError:
            raise Http404("No such job.") from None
        kind = kind_of(job)
        if job.status == JobStatus.DONE and kind.follow_result and job.result_url:
            # Done before the page opened (a small program): straight on, as the page would.
            self.message_user(request, job.summary, messages.SUCCESS)
            return redirect(job.result_url)
        context = {
            **self.admin_site.each_context(request),
            **pages.job_context(job, kind, progress_url=self._progress_url(job)),
            "opts": self.opts,
            "title": job.label,
        }
        return TemplateResponse(request, "admin/jobs/job.html", context)

    def _progress_url(self, job: Job) -> str:
        return reverse("admin:mentoring_job_progress", args=[job.pk])

    def progress_view(self, request, job_id: int) -> HttpResponse:
        job = self._job(request, job_id)
        return pages.job_progress(request, job, progress_url=self._progress_url(job))

    def status_view(self, request, job_id: int) -> HttpResponse:
        return pages.job_status_json(self._job(request, job_id))


def start_job(modeladmin, request, *, job: Callable[[], Job]) -> HttpResponse | None:
    """Queue the job (``job()`` starts it) and go to its page. When the same work is
    running already or cannot start, say so (with a link to the running job) and return
    None, so that the form is shown again."""
    try:
        started = job()
    except JobAlreadyRunning as running:
        modeladmin.message_user(
            request,
            format_html(
                '{} <a href="{}">{}</a>.',
                running.messages[0],
                job_page_url(running.job),
                _("Follow it"),
            ),
            messages.ERROR,
        )
        return None
    except ValidationError as error:
        for message in error.messages:
            modeladmin.message_user(request, message, messages.ERROR)
        return None
    return redirect(job_page_url(started))
