"""Celery discovers `<app>.tasks`; the core app's tasks live by concern."""

from mentoring.accounts.tasks import send_invitation
from mentoring.notifications.dispatch import dispatch_notifications
from mentoring.notifications.tasks import send_outbox, sweep_outbox
from mentoring.privacy.tasks import apply_retention, retention_dispatch, send_person_export

__all__ = [
    "apply_retention",
    "dispatch_notifications",
    "retention_dispatch",
    "send_invitation",
    "send_outbox",
    "send_person_export",
    "sweep_outbox",
]
