from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from mentoring.tenancy.models import Role

if TYPE_CHECKING:
    from .models import Invitation

# The role as a sentence names it ("… as program manager"): German keeps the capital.
ROLE_IN_SENTENCE = {
    Role.MANAGER: pgettext_lazy("role in a sentence", "program manager"),
    Role.HR: pgettext_lazy("role in a sentence", "hr analyst"),
    Role.MEMBER: pgettext_lazy("role in a sentence", "member"),
}


def invitation_message(invitation, link: str, connection=None) -> EmailMultiAlternatives:
    """The invitation email: one text, whether it is sent alone or with a batch. The
    person has no profile yet: it is written in the organization's language."""
    organization = invitation.organization
    context = {
        "invitation": invitation,
        "organization": organization,
        "role": ROLE_IN_SENTENCE[invitation.role],
        "link": link,
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    with translation.override(organization.language or settings.LANGUAGE_CODE):
        subject = _("You are invited to mentoring at %(organization)s") % {
            "organization": organization.name
        }
        body_text = render_to_string("accounts/email/invitation.txt", context)
        body_html = render_to_string("accounts/email/invitation.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=body_text, to=[invitation.email], connection=connection
    )
    message.attach_alternative(body_html, "text/html")
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
