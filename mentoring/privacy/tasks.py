"""Privacy tasks: the daily text retention (beat fans it out per organization) and
emailing a person their export."""

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.loader import render_to_string

from mentoring.people.models import Profile
from mentoring.tenancy.models import Organization
from mentoring.tenancy.tasks import tenant_task

from . import export
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


@tenant_task(autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def send_person_export(organization, profile_id: int) -> None:
    """Email a person their export, built now. Sent directly rather than through the
    outbox, so that no copy of their private texts stays in the database."""
    profile = Profile.objects.select_related("user").filter(pk=profile_id).first()
    if profile is None:
        return
    data = export.person_export(organization=organization, profile=profile)
    context = {"organization": organization, "profile": profile}
    message = EmailMessage(
        subject=f"Your data from mentoring at {organization.name}",
        body=render_to_string("privacy/email/person_export.txt", context),
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
    message.send()
