"""The workers' side of a job: claim it, run it holding its row, record the outcome; and
the sweeper that finds jobs whose worker died.

A running job's work and its outcome are one transaction that also holds the job's row
(``SELECT ... FOR UPDATE``). A killed worker therefore leaves nothing half written, and
its job is left ``running`` with no lock on the row: the sweeper tells it from a live job
by exactly that, and queues it again (or fails it after ``MAX_ATTEMPTS``). A job is
claimed (queued → running) by one worker only, so a task delivered twice runs once.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from mentoring.audit.context import acting_as
from mentoring.resilience import OUTAGE_ERRORS
from mentoring.tenancy import activate, all_organizations

from . import progress
from .kinds import JobFailed, JobResult, kind_of
from .models import Job, JobStatus

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
LOST_WORKER = (
    "The worker running this job stopped {attempts} times before it could finish, so it "
    "was given up. Nothing was changed. Start it again; if it stops again, tell your "
    "platform operator."
)
UNEXPECTED = "Something went wrong on our side (job {id}). Nothing was changed; please try again."


def _claim(job_id: int) -> bool:
    """queued → running, by one worker only."""
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1
    )
    return claimed == 1


def _finish(job: Job, status: str, *, summary: str, errors=(), result: JobResult | None = None):
    job.status = status
    job.summary = summary
    job.errors = list(errors)
    job.payload = None
    job.finished_at = timezone.now()
    if result is not None:
        job.result_url = result.url
        if result.file is not None:
            job.result_file, job.result_filename = result.file, result.filename
    job.save()


def _error_lines(error: Exception) -> list[str]:
    if isinstance(error, JobFailed):
        return error.errors
    assert isinstance(error, ValidationError)
    return list(error.messages)


def job_run(job_id: int) -> str | None:
    """Run the job (inside ``activate(organization)``); its status afterwards, or None
    when there was nothing to run (claimed by another worker, or finished)."""
    if not _claim(job_id):
        return None
    with transaction.atomic():
        job = (
            Job.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("started_by__user")
            .filter(pk=job_id, status=JobStatus.RUNNING)
            .first()
        )
        if job is None:  # another worker holds it
            return None
        kind = kind_of(job)
        reporter = progress.Reporter(job.pk)
        user = job.started_by.user if job.started_by is not None else None
        try:
            with transaction.atomic(), acting_as(f"job {job.kind}", user=user):
                result = kind.run(job, reporter)
        except (JobFailed, ValidationError) as error:
            _finish(job, JobStatus.FAILED, summary=kind.failure, errors=_error_lines(error))
        except OUTAGE_ERRORS:
            raise  # the row stays running: the sweeper queues it again
        except Exception:
            logger.exception("job %s (%s) failed", job.pk, job.kind)
            _finish(job, JobStatus.FAILED, summary=UNEXPECTED.format(id=job.pk))
        else:
            if reporter.last is not None:
                job.done, job.total = reporter.last.done, reporter.last.total
            _finish(job, JobStatus.DONE, summary=result.summary, result=result)
    progress.forget(job_id)
    return job.status


def jobs_sweep() -> list[Job]:
    """Jobs nobody is running: a running job whose row no worker holds (its worker died)
    is queued again, or failed after ``MAX_ATTEMPTS``; a job queued long ago whose task
    was lost is handed out again. Returns the jobs to hand to the workers."""
    stale = timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS)
    again: list[Job] = []
    with all_organizations(), transaction.atomic():
        lost = (
            Job.unscoped.select_for_update(skip_locked=True, of=("self",))
            .select_related("organization")
            .filter(
                Q(status=JobStatus.RUNNING, started_at__lt=stale)
                | Q(status=JobStatus.QUEUED, queued_at__lt=stale)
            )
        )
        for job in lost:
            with activate(job.organization):
                if job.status == JobStatus.RUNNING and job.attempts >= MAX_ATTEMPTS:
                    _finish(
                        job, JobStatus.FAILED, summary=LOST_WORKER.format(attempts=job.attempts)
                    )
                    continue
                Job.objects.filter(pk=job.pk).update(
                    status=JobStatus.QUEUED, queued_at=timezone.now()
                )
                again.append(job)
    return again


def job_files_expire() -> int:
    """Delete the files of jobs that ended more than ``JOB_FILE_KEEP_DAYS`` ago."""
    before = timezone.now() - timedelta(days=settings.JOB_FILE_KEEP_DAYS)
    with all_organizations():
        return Job.unscoped.filter(finished_at__lt=before, result_file__isnull=False).update(
            result_file=None
        )
