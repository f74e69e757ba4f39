"""Privacy tasks: the daily text retention (beat fans it out per organization). (Emailing
a person their export is a background job: ``jobs``.)"""

from celery import shared_task
from django.db.models import Q

from mentoring.tenancy.models import Organization
from mentoring.tenancy.tasks import tenant_task

from .retention import retention_apply


@shared_task(name="mentoring.privacy.retention_dispatch")
def retention_dispatch() -> int:
    """Beat, daily: one retention task per active organization that limits text keeping."""
    organization_ids = list(
        Organization.objects.filter(is_active=True)
        .filter(Q(note_retention_days__isnull=False) | Q(feedback_retention_days__isnull=False))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for organization_id in organization_ids:
        apply_retention.delay(organization_id)
    return len(organization_ids)


@tenant_task(acks_late=True)
def apply_retention(organization) -> dict:
    return retention_apply(organization=organization)
