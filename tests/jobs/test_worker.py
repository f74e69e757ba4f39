"""Background jobs through a real Celery worker and the real Redis broker: progress visible
while it runs, the result shown, a second run refused, and a worker killed mid-job whose
job another worker finishes, writing everything exactly once."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mentoring.jobs.models import Job, JobStatus
from mentoring.jobs.tasks import sweep_jobs
from mentoring.notifications.models import Kind, OutboxMessage
from mentoring.tenancy import activate
from programs.models import Enrollment
from tests.builders.clients import signed_in
from tests.builders.jobs import TableLock
from tests.builders.world import build_world, make_program
from tests.notifications.workers import delivered, eager, wait_until

pytestmark = pytest.mark.worker

CSV = (
    "email,role,skills,capacity\n"
    "mentee0@acme.example,mentee,Active listening\n"
    "mentee1@acme.example,mentee,Active listening\n"
    "mentor0@acme.example,mentor,Active listening,2\n"
    "mentor1@acme.example,mentor,Active listening,2\n"
)


@pytest.fixture
def acme(transactional_db):
    with eager(True):
        return build_world().acme


def status(manager, job_id: int) -> dict:
    response = manager.get(reverse("admin:mentoring_job_status", args=[job_id]))
    return json.loads(response.content)


def import_file(manager, program) -> int:
    response = manager.post(
        reverse("admin:programs_enrollment_import"),
        {"program": program.pk, "file": SimpleUploadedFile("people.csv", CSV.encode())},
    )
    assert response.status_code == 302, response.content[:2000]
    return int(response["Location"].rstrip("/").split("/")[-2])


def test_an_import_runs_in_a_worker_with_its_result_on_the_job_page(acme, broker, workers):
    workers.start()
    manager = signed_in(acme, acme.manager)
    program = make_program(acme, name="Listening circle")
    job_id = import_file(manager, program)
    done = wait_until(
        lambda: status(manager, job_id)["status"] == JobStatus.DONE and status(manager, job_id),
        "the worker to finish the import",
        workers=workers,
    )
    assert done["summary"].startswith("4 people enrolled in “Listening circle”")
    assert (done["done"], done["total"], done["percent"]) == (4, 4, 100)
    page = manager.get(reverse("admin:mentoring_job_change", args=[job_id])).content.decode()
    assert "Done." in page and "See the enrolments" in page


def test_a_worker_killed_mid_import_is_replaced_and_everyone_is_enrolled_exactly_once(
    acme, broker, workers, settings
):
    first = workers.start()
    manager = signed_in(acme, acme.manager)
    program = make_program(acme, name="Listening circle")
    lock = TableLock(Enrollment)
    try:
        job_id = import_file(manager, program)
        wait_until(lock.someone_waits, "the job to reach its first write", 60, workers)
        running = status(manager, job_id)
        assert running["status"] == JobStatus.RUNNING and running["total"] == 4
        assert running["phase"]  # what it is doing, for the progress bar
        again = manager.post(
            reverse("admin:programs_enrollment_import"),
            {"program": program.pk, "file": SimpleUploadedFile("again.csv", CSV.encode())},
        )
        assert "is already running" in again.content.decode()  # refused while it runs
        first.kill()
    finally:
        lock.release()
    with activate(acme.organization):
        assert not Enrollment.objects.filter(program=program).exists()  # nothing half done
    settings.JOB_STALE_SECONDS = 0
    # The killed worker's session dies with its lock once the table is free again; until
    # then the sweeper leaves the job alone.
    wait_until(lambda: sweep_jobs() == 1, "the sweeper to queue the job again", workers=workers)
    workers.start()
    wait_until(
        lambda: status(manager, job_id)["status"] == JobStatus.DONE,
        "the second worker to finish the import",
        workers=workers,
    )
    with activate(acme.organization):
        enrolled = list(
            Enrollment.objects.filter(program=program).values_list("person__user__email", flat=True)
        )
        emails = OutboxMessage.objects.filter(kind=Kind.ENROLLED).count()
        job = Job.objects.get(pk=job_id)
    assert sorted(enrolled) == sorted(line.split(",")[0] for line in CSV.splitlines()[1:])
    assert emails == 4  # one each, never two
    assert job.attempts == 2 and job.payload is None


def finished(job_id: int, organization, workers) -> Job:
    def over():
        with activate(organization):
            job = Job.objects.get(pk=job_id)
        return job if job.status in (JobStatus.DONE, JobStatus.FAILED) else None

    return wait_until(over, f"job {job_id} to end", 60, workers)


def test_invitations_a_persons_data_and_an_organizations_export_run_in_a_worker(
    acme, broker, workers, client
):
    from mentoring.accounts.models import Invitation
    from mentoring.people.models import Profile
    from tests.builders.clients import platform_operator

    workers.start()
    manager = signed_in(acme, acme.manager)
    organization = acme.organization
    response = manager.post(
        reverse("admin:accounts_invitation_import"),
        {"file": SimpleUploadedFile("people.csv", b"email,name\nzoe@acme.example,Zoe\n")},
    )
    invited = finished(int(response["Location"].split("/")[-3]), organization, workers)
    assert (invited.status, invited.summary[:16]) == (JobStatus.DONE, "1 person invited")
    with activate(organization):
        assert Invitation.objects.filter(email="zoe@acme.example").exists()
        person = Profile.objects.get(user=acme.mentees[0])
        before = set(Job.objects.values_list("pk", flat=True))
    manager.post(
        "/admin/mentoring/profile/", {"action": "send_data", "_selected_action": [person.pk]}
    )
    with activate(organization):
        [sent] = Job.objects.exclude(pk__in=before)
    assert finished(sent.pk, organization, workers).status == JobStatus.DONE
    assert any(
        message["To"] == acme.mentees[0].email and message["Subject"].startswith("Your data")
        for message in delivered(workers.mail_dir)
    )
    operator = platform_operator(client)
    response = operator.post(f"/admin/mentoring/organization/{organization.pk}/export/")
    assert response.status_code == 302, response.content[:500]
    with activate(organization):
        export = Job.objects.get(kind="organization_export")
    done = finished(export.pk, organization, workers)
    assert done.status == JobStatus.DONE and done.result_filename.endswith(".zip")
