"""The checks every write of the session loop shares: the actor is a member of the
mentorship (one of a pair, or anyone of a circle), a text fits, a session is still
planned."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from matching.models import MentorshipMember
from mentoring.people.selectors import profile_of

from ..models import NOTES_MAX_CHARS, Session, SessionStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from matching.models import Mentorship
    from mentoring.people.models import Profile


def pair_member(actor: User, mentorship: Mentorship) -> Profile:
    """The actor's profile, if they are a member of the mentorship (the pair's mentee or
    mentor, anyone of a circle: ``matching.access``'s rule)."""
    person = profile_of(actor)
    if person.pk in (mentorship.mentee.person_id, mentorship.mentor.person_id):
        return person  # a pair's two, a circle's first mentee and mentor: no query
    if not MentorshipMember.objects.filter(mentorship=mentorship, person=person).exists():
        if mentorship.is_circle:
            raise ValidationError(_("Only the members of this circle can do this."))
        raise ValidationError(_("Only the two people of this mentorship can do this."))
    return person


def check_text(field: str, text: str) -> str:
    if len(text) > NOTES_MAX_CHARS:
        raise ValidationError(
            {
                field: _(
                    "Keep it under %(max)s characters (%(count)s now): "
                    "notes are for what matters, not transcripts."
                )
                % {
                    "max": number_format(NOTES_MAX_CHARS, force_grouping=True),
                    "count": number_format(len(text), force_grouping=True),
                }
            }
        )
    return text.strip()


def planned(session: Session) -> Session:
    """The session again, locked (its row alone: the pair's rows are read, not locked),
    with the pair; refused once it is logged."""
    session = (
        Session.objects.select_for_update(of=("self",))
        .select_related("mentorship__program", "mentorship__mentee", "mentorship__mentor")
        .get(pk=session.pk)
    )
    if session.status != SessionStatus.PLANNED:
        raise ValidationError(
            _(
                "This session was already logged as %(status)s: "
                "its agenda and time can no longer change."
            )
            % {"status": session.get_status_display().lower()}
        )
    return session
