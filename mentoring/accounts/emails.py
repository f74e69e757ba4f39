from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string

if TYPE_CHECKING:
    from .models import Invitation


def invitation_message(invitation, link: str, connection=None) -> EmailMultiAlternatives:
    """The invitation email: one text, whether it is sent alone or with a batch."""
    context = {
        "invitation": invitation,
        "organization": invitation.organization,
        "link": link,
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    subject = f"You are invited to mentoring at {invitation.organization.name}"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("accounts/email/invitation.txt", context),
        to=[invitation.email],
        connection=connection,
    )
    message.attach_alternative(
        render_to_string("accounts/email/invitation.html", context), "text/html"
    )
    return message


def send_invitation_email(invitation, link: str) -> None:
    invitation_message(invitation, link).send()


def send_invitation_emails(
    invitations: list[tuple[Invitation, str]],
) -> list[tuple[Invitation, str]]:
    """Send many invitations ((invitation, link) pairs) over one mail server connection.

    Returns the pairs not sent: from the first one the server failed on (``OSError``), so
    that the caller can retry them one by one; none sent twice."""
    sent = 0
    try:
        with get_connection() as connection:
            for invitation, link in invitations:
                invitation_message(invitation, link, connection).send()
                sent += 1
    except OSError:
        return invitations[sent:]
    return []
