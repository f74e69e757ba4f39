"""A background job and its outcome."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mentoring.people.models import Profile
from mentoring.tenancy.models import TenantModel


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


class Job(TenantModel):
    """One run of long work. ``key`` names the work (``enrolment-import:<program>``): while
    one job of a key is queued or running, another is refused."""

    kind = models.CharField(max_length=60)
    key = models.CharField(max_length=200)
    label = models.CharField(max_length=250)
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    params = models.JSONField(default=dict, blank=True)
    # The input file, kept only until the job ends (it may hold personal data).
    payload = models.BinaryField(null=True, blank=True, editable=False)
    started_by = models.ForeignKey(
        Profile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_by_label = models.CharField(max_length=120, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    summary = models.TextField(blank=True)
    result_url = models.CharField(max_length=500, blank=True)
    errors = models.JSONField(default=list, blank=True)
    # A file the job made (an export), deleted after ``JOB_FILE_KEEP_DAYS``.
    result_file = models.BinaryField(null=True, blank=True, editable=False)
    result_filename = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)  # last handed to the workers
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    audit_unlogged_fields = {
        "payload": "the input file, cleared when the job ends",
        "result_file": "the file the job made, deleted after a few days",
        "queued_at": "stamped each time the job is handed to the workers again",
    }

    class Meta(TenantModel.Meta):
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "key"],
                condition=Q(status__in=ACTIVE),
                name="job_one_active_per_key",
            )
        ]
        indexes = [models.Index(fields=["organization", "-created_at"], name="job_newest")]

    def __str__(self) -> str:
        return self.label

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE
