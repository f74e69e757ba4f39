"""Celery tasks of the outbox: the sender and the sweeper. (The dispatcher's beat task lives
with the dispatcher, which queues the sender: ``dispatch.dispatch_notifications``.)"""

from celery import shared_task
from django.utils import timezone

from mentoring.tenancy import all_organizations
from mentoring.tenancy.tasks import tenant_task

from .models import OutboxMessage
from .sending import claimable, send_pending


@tenant_task(acks_late=True)
def send_outbox(organization) -> dict:
    return send_pending()


@shared_task(name="mentoring.notifications.sweep")
def sweep_outbox() -> int:
    """Beat, every minute: queue sending for organizations with rows waiting, so a lost
    task (a Redis restart, a killed worker) never leaves a message behind."""
    with all_organizations():
        waiting = list(
            OutboxMessage.unscoped.filter(claimable(timezone.now()))
            # order_by: the model's default ordering would join the DISTINCT and give
            # one task per row instead of one per organization
            .order_by("organization_id")
            .values_list("organization_id", flat=True)
            .distinct()
        )
    for organization_id in waiting:
        send_outbox.delay(organization_id)
    return len(waiting)
