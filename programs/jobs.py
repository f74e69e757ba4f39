"""Programs' background jobs: enrolling people from a CSV file."""

from __future__ import annotations

from django.urls import reverse

from mentoring.common.admin import changelist_url
from mentoring.jobs.kinds import JobFailed, JobKind, JobResult, people
from mentoring.jobs.models import Job
from mentoring.jobs.progress import Progress

from . import services
from .models import Enrollment, Program

ENROLMENT_IMPORT = "enrolment_import"


def enrolment_import_start(*, actor, program: Program, filename: str, data: bytes) -> Job:
    from mentoring.jobs.services import job_start

    return job_start(
        kind=ENROLMENT_IMPORT,
        key=f"enrolment-import:{program.pk}",
        label=f"Enrolling people from {filename} in “{program}”",
        actor=actor,
        params={"program": program.pk, "filename": filename},
        payload=data,
    )


def _run(job: Job, progress: Progress) -> JobResult:
    program = Program.objects.filter(pk=job.params["program"]).first()
    if program is None:
        raise JobFailed(["The program was deleted before the file could be read."])
    try:
        created = services.enrollments_import_csv(
            organization=job.organization,
            actor=job.started_by.user if job.started_by else None,
            program=program,
            data=bytes(job.payload or b""),
            progress=progress,
        )
    except services.EnrollmentCsvError as error:
        raise JobFailed(error.errors) from None
    return JobResult(
        summary=f"{people(len(created))} enrolled in “{program}”; each gets an email.",
        url=changelist_url(Enrollment, program__id__exact=program.pk),
    )


def _again(job: Job) -> str:
    return reverse("admin:programs_enrollment_import") + f"?program={job.params['program']}"


KINDS = [
    JobKind(
        kind=ENROLMENT_IMPORT,
        label="Enrolment import",
        run=_run,
        unit="rows",
        failure="Nobody was enrolled: fix these lines and upload the file again.",
        result_label="See the enrolments",
        again=_again,
        again_label="Upload a file again",
    )
]
