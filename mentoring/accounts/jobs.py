"""Inviting people from a CSV file, as a background job."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.urls import reverse

from mentoring import hooks
from mentoring.jobs.kinds import JobFailed, JobKind, JobResult, people
from mentoring.jobs.models import Job
from mentoring.jobs.progress import Progress
from mentoring.jobs.services import job_start

from . import services

INVITATION_IMPORT = "invitation_import"


def invitation_import_start(*, actor: User, filename: str, data: bytes, choices: dict) -> Job:
    return job_start(
        kind=INVITATION_IMPORT,
        key="invitation-import",  # one file at a time: two could invite the same person
        label=f"Inviting people from {filename}",
        actor=actor,
        params={"filename": filename, "choices": choices},
        payload=data,
    )


def _run(job: Job, progress: Progress) -> JobResult:
    if job.started_by is None:  # invitations name who invited: nobody is left to name
        raise JobFailed(["The person who uploaded the file left the organization meanwhile."])
    try:
        created = services.invitations_import_csv(
            organization=job.organization,
            actor=job.started_by.user,
            data=bytes(job.payload or b""),
            choices=job.params.get("choices") or {},
            progress=progress,
        )
    except services.CsvImportError as error:
        raise JobFailed([str(row) for row in error.errors]) from None
    return JobResult(
        summary=f"{people(len(created))} invited; each gets an email with their link.",
        url=reverse("admin:mentoring_invitation_changelist"),
    )


KIND = JobKind(
    kind=INVITATION_IMPORT,
    label="Invitation import",
    run=_run,
    failure="Nobody was invited: fix these lines and upload the file again.",
    result_label="See the invitations",
    again=lambda job: reverse("admin:accounts_invitation_import"),
    again_label="Upload a file again",
)
hooks.register(hooks.JOB_KINDS, KIND)
