"""Privacy's background jobs: emailing a person their data (built in the worker: it may be
large, and no copy of their private texts stays in the database); and the platform
operator's export of a whole organization (a ZIP kept on the job for a few days)."""

from __future__ import annotations

import io

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from mentoring import hooks
from mentoring.jobs.kinds import JobFailed, JobKind, JobResult
from mentoring.jobs.models import Job
from mentoring.jobs.progress import Progress
from mentoring.people.language import person_language
from mentoring.people.models import Profile

from . import export

PERSON_EXPORT = "person_export"


def _email_person_their_data(job: Job, progress: Progress) -> JobResult:
    organization = job.organization
    profile = Profile.objects.select_related("user").filter(pk=job.params["person"]).first()
    if profile is None:
        raise JobFailed(["That person's profile was deleted: there is nothing to send."])
    progress(0, 2, "Collecting their data")
    data = export.person_export(organization=organization, profile=profile)
    with translation.override(person_language(profile)):
        message = EmailMessage(
            subject=gettext("Your data from mentoring at %(name)s") % {"name": organization.name},
            body=render_to_string(
                "privacy/email/person_export.txt",
                {"organization": organization, "profile": profile},
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[profile.user.email],
        )
    message.attach(
        export.person_export_filename(data, "json"),
        export.person_export_json(data),
        "application/json",
    )
    message.attach(
        export.person_export_filename(data, "zip"),
        export.person_export_zip(data),
        "application/zip",
    )
    progress(1, 2, "Sending the email")
    try:
        message.send()
    except OSError:
        raise JobFailed(
            ["The mail server did not take the email. Nothing was sent; try again later."]
        ) from None
    progress(2, 2, "Sent")
    return JobResult(summary=f"{profile} was emailed their data, at the address they sign in with.")


KIND = JobKind(
    kind=PERSON_EXPORT,
    label="Emailing a person their data",
    run=_email_person_their_data,
    unit="steps",
    failure="Nothing was sent.",
)
hooks.register(hooks.JOB_KINDS, KIND)


# ------------------------------------------------------------------ the organization

ORGANIZATION_EXPORT = "organization_export"
ORGANIZATION_EXPORT_KEY = "organization-export"  # one export of an organization at a time


def _export_organization(job: Job, progress: Progress) -> JobResult:
    organization = job.organization
    buffer = io.BytesIO()
    counts = export.organization_export(organization=organization, path=buffer, progress=progress)
    filename = f"{organization.slug}-export-{timezone.localdate():%Y-%m-%d}.zip"
    rows = sum(counts.values())
    return JobResult(
        summary=f"{rows} {'row' if rows == 1 else 'rows'} of {len(counts)} kinds of record, "
        f"in {filename}.",
        file=buffer.getvalue(),
        filename=filename,
    )


ORGANIZATION_KIND = JobKind(
    kind=ORGANIZATION_EXPORT,
    label="Export of the whole organization",
    run=_export_organization,
    unit="kinds of record",
    failure="No file was made.",
    audience="operator",
)
hooks.register(hooks.JOB_KINDS, ORGANIZATION_KIND)
