"""Privacy writes: exports (recorded in the audit log), erasure, text retention, the
organization's privacy settings and deleting a whole organization."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from mentoring.audit.models import AuditAction
from mentoring.audit.services import record_event
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from mentoring.tenancy.models import Organization

from . import deletion, export
from .erasure import erase_person_data, former_member_name, is_erased

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

    from mentoring.jobs.models import Job

SETTINGS_FIELDS = frozenset(
    {
        "note_retention_days",
        "feedback_retention_days",
        "require_two_factor_for_managers",
        "hr_sees_individual_progress",
        "language",
    }
)


def _check_person(organization: Organization, person: Profile) -> None:
    if person.organization_id != organization.pk:
        raise ValidationError("This person is not in this organization.")


def person_export_download(
    *,
    organization: Organization,
    actor: User,
    person: Profile,
    file_format: str,
    request: HttpRequest | None = None,
) -> tuple[str, bytes, str]:
    """The person's own export as (filename, content, content type); ``file_format`` is
    "json" or "zip" (CSV files). Only the person themself downloads it."""
    _check_person(organization, person)
    if person.user_id != actor.pk:
        raise ValidationError("People download their own data only.")
    data = export.person_export(organization=organization, profile=person)
    if file_format == "json":
        content, content_type = export.person_export_json(data), "application/json"
    elif file_format == "zip":
        content, content_type = export.person_export_zip(data), "application/zip"
    else:
        raise ValidationError(f"Unknown format {file_format!r}: use json or zip.")
    record_event(
        organization=organization,
        action=AuditAction.EXPORT,
        actor=actor,
        target=person,
        summary=f"Downloaded their own data ({file_format.upper()})",
        request=request,
    )
    return export.person_export_filename(data, file_format), content, content_type


def person_export_send(
    *,
    organization: Organization,
    actor: User,
    person: Profile,
    request: HttpRequest | None = None,
) -> Job:
    """Email a person their complete export, at a program manager's request: a
    background job, built and sent by a worker.

    The manager never sees the file: it holds the person's private notes and feedback,
    which nobody else may read. It goes to the address the person signs in with.
    """
    from mentoring.jobs.services import job_start

    from .jobs import PERSON_EXPORT

    _check_person(organization, person)
    if is_erased(person):
        raise ValidationError(f"{person} was erased: there is no data left to send.")
    job = job_start(
        kind=PERSON_EXPORT,
        key=f"person-export:{person.pk}",
        label=f"Emailing {person} their data",
        actor=actor,
        params={"person": person.pk},
    )
    record_event(
        organization=organization,
        action=AuditAction.EXPORT,
        actor=actor,
        target=person,
        summary="Emailed the person their data at a program manager's request",
        request=request,
    )
    return job


@transaction.atomic
def person_erase(
    *,
    organization: Organization,
    actor: User | None,
    person: Profile,
    request: HttpRequest | None = None,
) -> dict[str, int]:
    """Erase ``person``'s personal data in ``organization`` and end their membership
    (``mentoring.privacy.erasure`` says what goes and what stays). Cannot be undone."""
    _check_person(organization, person)
    if is_erased(person):
        raise ValidationError(f"{person} was erased already.")
    if actor is not None and person.user_id == getattr(actor, "pk", None):
        raise ValidationError(
            "You cannot erase yourself here: ask another program manager to do it."
        )
    changed = erase_person_data(organization=organization, profile=person)
    record_event(
        organization=organization,
        action=AuditAction.ERASURE,
        actor=actor,
        target=person,
        summary=f"Personal data erased; the person now shows as {former_member_name(person)}",
        changed_fields=[name for name, count in changed.items() if count],
        request=request,
    )
    return changed


@transaction.atomic
def organization_settings_update(
    *,
    organization: Organization,
    actor: User,
    request: HttpRequest | None = None,
    **changes: Any,
) -> Organization:
    """Change the organization's privacy and sign-in settings (and nothing else)."""
    unknown = set(changes) - SETTINGS_FIELDS
    if unknown:
        raise ValidationError(
            f"These settings cannot be changed here: {', '.join(sorted(unknown))}."
        )
    changed = [name for name, value in changes.items() if getattr(organization, name) != value]
    if not changed:
        return organization
    for name in changed:
        setattr(organization, name, changes[name])
    organization.save(update_fields=changed)
    record_event(
        organization=organization,
        action=AuditAction.UPDATE,
        actor=actor,
        target=organization,
        summary="Organization settings changed",
        changed_fields=changed,
        request=request,
    )
    return organization


def organization_export_write(
    *,
    organization: Organization,
    path: Path,
    actor_label: str,
    progress: Callable[[int, int, str], None] | None = None,
) -> dict[str, int]:
    """Write the organization's full export to ``path`` (a ZIP), recorded in its log."""
    with activate(organization):
        counts = export.organization_export(organization=organization, path=path, progress=progress)
        record_event(
            organization=organization,
            action=AuditAction.EXPORT,
            actor_label=actor_label,
            target=organization,
            summary=f"Full export of the organization ({sum(counts.values())} rows)",
        )
    return counts


def organization_export_start(*, organization: Organization, actor: User) -> Job:
    """Queue the organization's full export as a job of the platform operator's (its
    managers never see it). Raises ``JobAlreadyRunning`` while one is queued or running."""
    from mentoring.jobs.services import job_start

    from .jobs import ORGANIZATION_EXPORT, ORGANIZATION_EXPORT_KEY

    with activate(organization):
        return job_start(
            kind=ORGANIZATION_EXPORT,
            key=ORGANIZATION_EXPORT_KEY,
            label=f"Export of {organization.name}",
            actor=actor,
            actor_label=f"Platform operator {actor.email}",
        )


def organization_export_download(
    *, organization: Organization, job: Job, actor: User, request: HttpRequest | None = None
) -> tuple[bytes, str]:
    """The ZIP an export job made, and its file name; the download is recorded in the
    organization's log. Raises ``ValidationError`` when the job has no file (any more)."""
    from mentoring.jobs.models import Job

    from .jobs import ORGANIZATION_EXPORT

    with activate(organization):
        stored = (
            Job.objects.filter(pk=job.pk, kind=ORGANIZATION_EXPORT, result_file__isnull=False)
            .values_list("result_file", "result_filename", "summary")
            .first()
        )
        if stored is None:
            raise ValidationError(
                "This export's file is gone (files are deleted after a few days): "
                "start a new export."
            )
        data, filename, summary = stored
        record_event(
            organization=organization,
            action=AuditAction.EXPORT,
            actor=actor,
            target=organization,
            summary=f"Full export of the organization downloaded: {summary}",
            request=request,
        )
    return bytes(data or b""), filename


def organization_delete(*, organization: Organization, export_path: Path | None) -> dict:
    """Delete the organization and every row of it, after exporting it to
    ``export_path`` (None: no export). Raises ``deletion.DeletionIncomplete`` when any of
    its rows would remain; then nothing is deleted."""
    if export_path is not None:
        organization_export_write(
            organization=organization,
            path=export_path,
            actor_label="delete_organization command",
        )
    return deletion.delete_organization_rows(organization)
