"""Background jobs in tests: run what a page queued, as a worker would, then read the job
page a person would see; hold a table so that a real worker's job waits at its first write
(``TableLock``, for tests/jobs/test_worker.py and the browser test of a match run)."""

from __future__ import annotations

import psycopg2
from django.db import connection

from mentoring.jobs.models import Job, JobStatus
from mentoring.jobs.runner import job_run
from mentoring.tenancy import activate, all_organizations


def run_queued_jobs() -> list[Job]:
    """Run every queued job, as the workers would; the jobs afterwards."""
    with all_organizations():
        queued = list(Job.unscoped.filter(status=JobStatus.QUEUED).select_related("organization"))
    for job in queued:
        with activate(job.organization):
            job_run(job.pk)
    with all_organizations():
        return list(Job.unscoped.filter(pk__in=[job.pk for job in queued]).order_by("pk"))


def finished_job_page(client, response):
    """``response`` redirected to a job's page: run the job, then open its page (which goes
    on to the result when the job's kind says so: a match run's draft)."""
    assert response.status_code == 302, response.content[:2000]
    assert "/mentoring/job/" in response["Location"], response["Location"]
    run_queued_jobs()
    return client.get(response["Location"], follow=True)


class TableLock:
    """Another session holding ``model``'s table against writes until ``release()``."""

    def __init__(self, model):
        self.connection = psycopg2.connect(**connection.get_connection_params())
        with self.connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {model._meta.db_table} IN EXCLUSIVE MODE")

    def someone_waits(self) -> bool:
        with self.connection.cursor() as cursor:
            # The activity view is read once per transaction, and this one stays open.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            return cursor.fetchone()[0] > 0

    def release(self) -> None:
        if not self.connection.closed:
            self.connection.rollback()
            self.connection.close()
