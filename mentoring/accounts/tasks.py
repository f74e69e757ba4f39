from mentoring.tenancy.tasks import tenant_task

from .emails import send_invitation_email, send_invitation_emails
from .models import Invitation


@tenant_task(autoretry_for=(OSError,), retry_backoff=True, retry_jitter=True, max_retries=5)
def send_invitation(organization, invitation_id: int, link: str) -> None:
    """Email an invitation; a missing or already accepted one is skipped."""
    invitation = Invitation.objects.filter(pk=invitation_id, accepted_at__isnull=True).first()
    if invitation is not None:
        send_invitation_email(invitation, link)


@tenant_task()
def send_invitations(organization, links: list[tuple[int, str]]) -> None:
    """Email a batch of invitations ((id, link) pairs, e.g. one CSV import's) over one
    connection; missing or already accepted ones are skipped. Those the mail server
    failed on are handed to ``send_invitation`` one by one, which retries them."""
    link_of = {int(invitation_id): link for invitation_id, link in links}
    invitations = (
        Invitation.objects.filter(pk__in=link_of, accepted_at__isnull=True)
        .select_related("invited_by")
        .order_by("pk")
    )
    pairs = []
    for invitation in invitations:
        invitation.organization = organization  # the same row: no query per email
        pairs.append((invitation, link_of[invitation.pk]))
    for invitation, link in send_invitation_emails(pairs):
        send_invitation.delay(organization.pk, invitation.pk, link)
