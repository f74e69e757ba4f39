"""The one beat schedule of the platform (Celery beat must run exactly once)."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "dispatch-notifications": {
        "task": "mentoring.notifications.dispatch",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "sweep-outbox": {
        "task": "mentoring.notifications.sweep",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Jobs whose worker died are resumed (or failed); old job files are deleted.
    "sweep-jobs": {
        "task": "mentoring.jobs.sweep",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Daily, at night (UTC): text older than an organization's retention settings goes.
    "apply-text-retention": {
        "task": "mentoring.privacy.retention_dispatch",
        "schedule": crontab(hour=3, minute=30),
        "options": {"expires": 3600},
    },
}
