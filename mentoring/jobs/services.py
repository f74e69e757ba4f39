"""Starting a background job."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from mentoring.people.models import Profile

from .models import ACTIVE, Job


class JobAlreadyRunning(ValidationError):
    """The same work is queued or running already: ``job`` is that one."""

    def __init__(self, job: Job):
        super().__init__(
            f"{job.label} is already {job.get_status_display().lower()} "
            f"(started {timezone.localtime(job.created_at):%H:%M}): wait for it to finish."
        )
        self.job = job


def job_start(
    *,
    kind: str,
    key: str,
    label: str,
    actor: User | None,
    actor_label: str = "",  # who, when no member of the organization started it
    params: dict | None = None,
    payload: bytes | None = None,
) -> Job:
    """Queue a job; the workers get it once the current transaction commits. Raises
    ``JobAlreadyRunning`` while a job of the same ``key`` is queued or running. The job's
    writes are recorded in the audit log as ``actor``'s."""
    from .tasks import enqueue

    started_by = Profile.objects.filter(user=actor).first() if actor is not None else None
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=kind,
                key=key,
                label=label,
                started_by=started_by,
                started_by_label=actor_label,
                params=params or {},
                payload=payload,
                queued_at=timezone.now(),
            )
    except IntegrityError:
        running = Job.objects.filter(key=key, status__in=ACTIVE).first()
        if running is None:  # it finished in between: the caller may simply try again
            raise ValidationError("That work just finished; please start it again.") from None
        raise JobAlreadyRunning(running) from None
    transaction.on_commit(lambda: enqueue(job))
    return job


def job_page_url(job: Job) -> str:
    return reverse("admin:mentoring_job_change", args=[job.pk])
