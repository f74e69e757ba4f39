"""What a person sees of a job: its page, the progress fragment the page polls, and the
status as JSON (for scripts and the benchmark)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse

from . import progress
from .kinds import JobKind, kind_of
from .models import Job, JobStatus


def job_state(job: Job) -> dict:
    """Status, counts and percentage now: Redis while it runs, the row once it ended."""
    done, total, phase = job.done, job.total, ""
    if job.status == JobStatus.RUNNING and (now := progress.snapshot(job.pk)) is not None:
        done, total, phase = now.done, now.total, now.phase
    percent = min(100, round(100 * done / total)) if total else None
    if job.status == JobStatus.DONE:
        percent = 100
    return {"status": job.status, "done": done, "total": total, "phase": phase, "percent": percent}


def job_context(job: Job, kind: JobKind, *, progress_url: str, download_url: str = "") -> dict:
    return {
        "job": job,
        "progress_url": progress_url,
        "download_url": download_url,
        "kind": kind,
        "state": job_state(job),
        "again_url": kind.again(job) if kind.again is not None else "",
    }


def job_progress(request: HttpRequest, job: Job, **urls: str) -> HttpResponse:
    """The fragment the job page swaps in every second while the job is not over."""
    kind = kind_of(job)
    response = TemplateResponse(request, "admin/jobs/progress.html", job_context(job, kind, **urls))
    if job.status == JobStatus.DONE and kind.follow_result and job.result_url:
        response["HX-Redirect"] = job.result_url
    return response


def job_status_json(job: Job) -> JsonResponse:
    state = job_state(job)
    return JsonResponse(
        {
            "id": job.pk,
            "kind": job.kind,
            **state,
            "summary": job.summary,
            "errors": job.errors,
            "result_url": job.result_url,
            "attempts": job.attempts,
        }
    )
