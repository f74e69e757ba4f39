"""Celery discovers `<app>.tasks`; the core app's tasks live by concern."""

from mentoring.accounts.tasks import send_invitation
from mentoring.jobs.tasks import run_job, sweep_jobs
from mentoring.notifications.dispatch import dispatch_notifications
from mentoring.notifications.tasks import send_outbox, sweep_outbox
from mentoring.privacy.tasks import apply_retention, retention_dispatch

__all__ = [
    "apply_retention",
    "dispatch_notifications",
    "retention_dispatch",
    "run_job",
    "send_invitation",
    "send_outbox",
    "sweep_jobs",
    "sweep_outbox",
]
