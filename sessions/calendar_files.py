"""A session as the calendar file people receive: downloaded from its page, attached to a
partner's email, attached to the reminder. One builder, so the event keeps one UID (and one
summary and link) whichever way it reached a calendar: a later file replaces the event
instead of adding a second one."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from mentoring.tenancy.hosts import organization_link

from . import ics
from .models import SessionStatus

if TYPE_CHECKING:
    from mentoring.tenancy.models import Organization

    from .models import Session


def session_calendar(organization: Organization, session: Session, agenda: list[str]) -> str:
    """The .ics text of ``session`` (its pair's people loaded), with ``agenda`` (the
    points' texts, in order) in the description; a cancelled session's file says so."""
    pair = session.mentorship
    url = organization_link(organization, "sessions:session", session_id=session.pk)
    invite = ics.Invite(
        uid=f"session-{session.pk}@{organization.slug}.{settings.ROOT_DOMAIN}",
        starts_at=session.starts_at,
        ends_at=session.starts_at + timedelta(minutes=session.duration_minutes),
        stamp=session.updated_at or timezone.now(),
        summary=(
            f"Mentoring ({session.get_kind_display().lower()}): "
            f"{pair.mentor.person.display_name} and {pair.mentee.person.display_name}"
        ),
        location=session.location,
        description=ics.session_description(agenda, url, session.change_note),
        url=url,
        is_cancelled=session.status == SessionStatus.CANCELLED,
    )
    return ics.render(invite)


def session_attachment(organization: Organization, session: Session, agenda: list[str]) -> dict:
    """The calendar file as an outbox attachment."""
    return {
        "filename": "session.ics",
        "content": session_calendar(organization, session, agenda),
        "mimetype": "text/calendar",
    }
