"""Celery tasks of the background jobs: the run, and the sweeper beat runs every minute."""

from __future__ import annotations

import logging

from celery import shared_task

from mentoring.resilience import OUTAGE_ERRORS
from mentoring.tenancy.tasks import tenant_task

from .models import Job
from .runner import job_files_expire, job_run, jobs_sweep

logger = logging.getLogger(__name__)


@tenant_task(acks_late=True)
def run_job(organization, job_id: int) -> str | None:
    return job_run(job_id)


def enqueue(job: Job) -> None:
    """Hand the job to the workers. With the broker down, the job stays queued and the
    sweeper hands it out again when the broker is back."""
    try:
        run_job.delay(job.organization_id, job.pk)
    except OUTAGE_ERRORS:
        logger.warning("job %s stays queued: the broker cannot be reached", job.pk)


@shared_task(name="mentoring.jobs.sweep")
def sweep_jobs() -> int:
    again = jobs_sweep()
    for job in again:
        enqueue(job)
    job_files_expire()
    return len(again)
