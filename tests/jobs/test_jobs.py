"""Background jobs as a program manager meets them, run in this process as a worker would
(the real-worker tests are in test_worker.py): the job page and its progress, a second run
refused, one organization's jobs invisible to another, the sweeper, and failures that
change nothing."""

from __future__ import annotations

import json
from datetime import timedelta

import psycopg2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from mentoring.audit.models import AuditEvent
from mentoring.jobs import progress
from mentoring.jobs.models import Job, JobStatus
from mentoring.jobs.runner import LOST_WORKER, MAX_ATTEMPTS, jobs_sweep
from mentoring.tenancy import activate
from programs.models import Enrollment
from tests.builders.clients import client_for, signed_in
from tests.builders.jobs import finished_job_page, run_queued_jobs
from tests.builders.world import make_program

IMPORT = "admin:programs_enrollment_import"
CSV = "email,role,skills,capacity\nmentee0@acme.example,mentee,Active listening\n"


@pytest.fixture
def manager(client, world):
    return client_for(client, world.acme.organization, world.acme.manager)


def upload(manager, program, text=CSV):
    return manager.post(
        reverse(IMPORT),
        {"program": program.pk, "file": SimpleUploadedFile("people.csv", text.encode())},
    )


def job_of(org) -> Job:
    with activate(org.organization):
        return Job.objects.get()


def page(client, job: Job, view: str = "change"):
    name = {"change": "mentoring_job_change", "progress": "mentoring_job_progress"}
    name["status"] = "mentoring_job_status"
    return client.get(reverse(f"admin:{name[view]}", args=[job.pk]))


def test_an_import_opens_a_job_page_that_waits_then_shows_the_result(manager, world):
    program = make_program(world.acme, name="Listening circle")
    response = upload(manager, program)
    waiting = manager.get(response["Location"]).content.decode()
    assert "Waiting for a worker to start it" in waiting
    assert "every 1s" in waiting  # the page asks for its progress again by itself
    assert "You can leave this page" in waiting
    done = finished_job_page(manager, response).content.decode()
    assert "Done." in done and "1 person enrolled in “Listening circle”" in done
    assert "every 1s" not in done  # nothing more to follow
    with activate(world.acme.organization):
        assert Enrollment.objects.filter(program=program).count() == 1


def test_a_running_job_shows_its_phase_counts_and_percentage(manager, world):
    job = started_job(manager, world)
    with activate(world.acme.organization):
        Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, started_at=timezone.now())
    progress.Reporter(job.pk)(500, 2000, "Checking rows")
    fragment = page(manager, job, "progress").content.decode()
    assert "Checking rows: 500 of 2000 rows (25 %)" in fragment
    assert 'max="2000" value="500"' in fragment
    status = json.loads(page(manager, job, "status").content)
    assert status["status"] == "running"
    assert (status["done"], status["total"], status["percent"]) == (500, 2000, 25)


def started_job(manager, world) -> Job:
    upload(manager, make_program(world.acme, name="Listening circle"))
    return job_of(world.acme)


def test_a_second_import_into_the_same_program_is_refused_while_the_first_runs(manager, world):
    program = make_program(world.acme, name="Listening circle")
    first = upload(manager, program)
    second = upload(manager, program)
    assert second.status_code == 200
    content = second.content.decode()
    assert "is already waiting to start" in content and "wait for it to finish" in content
    assert first["Location"] in content  # a link to follow the running one
    with activate(world.acme.organization):
        assert Job.objects.count() == 1
    run_queued_jobs()
    assert upload(manager, program).status_code == 302  # once it ended, a new one may start


def test_another_organizations_job_page_progress_and_status_are_404(client, world):
    other = client_for(client, world.globex.organization, world.globex.manager)
    upload(other, make_program(world.globex, name="Theirs"))
    foreign = job_of(world.globex)
    manager = signed_in(world.acme, world.acme.manager)
    for view in ("change", "progress", "status"):
        response = page(manager, foreign, view)
        assert response.status_code == 404, view
        assert world.globex.sentinel.encode() not in response.content
    listed = manager.get(reverse("admin:mentoring_job_changelist")).content.decode()
    assert "Theirs" not in listed


def test_members_who_are_not_managers_cannot_open_a_job(manager, world):
    job = started_job(manager, world)
    member = signed_in(world.acme, world.acme.mentees[0])
    for view in ("change", "progress", "status"):
        response = page(member, job, view)
        assert response.status_code in (302, 403, 404), view
        assert b"Listening circle" not in response.content


def test_the_jobs_writes_are_recorded_as_the_managers_who_started_it(manager, world):
    started_job(manager, world)
    run_queued_jobs()
    with activate(world.acme.organization):
        enrolment = Enrollment.objects.get()
        event = AuditEvent.objects.get(target_type="programs.enrollment", target_id=enrolment.pk)
    assert event.actor == world.acme.manager
    assert event.actor_label == "job enrolment_import"


def test_a_job_that_breaks_unexpectedly_fails_with_a_message_and_writes_nothing(
    manager, world, monkeypatch
):
    from programs import services

    def broken(**kwargs):
        Enrollment.objects.all().delete()  # a write the failure must roll back
        raise RuntimeError("a bug")

    program = make_program(world.acme, name="Listening circle")
    finished_job_page(manager, upload(manager, program))  # one enrolment
    monkeypatch.setattr(services, "enrollments_import_csv", broken)
    content = finished_job_page(manager, upload(manager, program)).content.decode()
    with activate(world.acme.organization):
        job = Job.objects.latest("pk")
    assert f"Something went wrong on our side (job {job.pk}). Nothing was changed" in content
    with activate(world.acme.organization):
        assert Enrollment.objects.count() == 1


# ------------------------------------------------------------------ the sweeper


def reload(job: Job) -> Job:
    with activate(job.organization):
        return Job.objects.get(pk=job.pk)


def age(job: Job, seconds: int, **fields) -> None:
    with activate(job.organization):
        then = timezone.now() - timedelta(seconds=seconds)
        Job.objects.filter(pk=job.pk).update(started_at=then, queued_at=then, **fields)


def test_a_job_whose_worker_died_is_queued_again_then_given_up_with_a_message(manager, world):
    job = started_job(manager, world)
    age(job, 600, status=JobStatus.RUNNING, attempts=1)
    assert [again.pk for again in jobs_sweep()] == [job.pk]
    job = reload(job)
    assert job.status == JobStatus.QUEUED
    age(job, 600, status=JobStatus.RUNNING, attempts=MAX_ATTEMPTS)
    assert jobs_sweep() == []
    job = reload(job)
    assert job.status == JobStatus.FAILED
    assert job.summary == LOST_WORKER.format(attempts=MAX_ATTEMPTS)
    assert "Failed." in page(manager, job).content.decode()


def test_a_recent_or_held_job_is_left_to_its_worker(manager, world, transactional_db):
    job = started_job(manager, world)
    age(job, 5, status=JobStatus.RUNNING, attempts=1)
    assert jobs_sweep() == []  # started 5 s ago: its worker is still on it
    age(job, 600, status=JobStatus.RUNNING, attempts=1)
    worker = psycopg2.connect(**connection.get_connection_params())  # a live worker's hold
    try:
        with worker.cursor() as cursor:
            cursor.execute(  # as the worker's scoped statements do
                "SELECT set_config('app.organization_id', %s, false)", [str(job.organization_id)]
            )
            cursor.execute("SELECT id FROM mentoring_job WHERE id = %s FOR UPDATE", [job.pk])
            assert jobs_sweep() == []
        worker.rollback()
        assert [again.pk for again in jobs_sweep()] == [job.pk]  # now nobody holds it
    finally:
        worker.close()


def test_a_job_queued_long_ago_whose_task_was_lost_is_handed_out_again(manager, world):
    job = started_job(manager, world)
    age(job, 600)
    assert [again.pk for again in jobs_sweep()] == [job.pk]
    job = reload(job)
    assert job.status == JobStatus.QUEUED and job.queued_at > timezone.now() - timedelta(5)
