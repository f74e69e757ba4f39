"""Where a pair meets: a room, or a video-call link. A pair keeps a usual place
(``MeetingPlace``), which a new session starts with; a session may give its own. Every
place is checked the same way: plain text of one line, and any address in it a real
http(s) link (a ``javascript:`` or ``data:`` address is refused, not shown as text)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from mentoring.common.guards import check_same_organization

from ..models import MeetingPlace
from .rules import pair_member

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from matching.models import Mentorship
    from mentoring.tenancy.models import Organization

PLACE_MAX_CHARS = 500
_ADDRESS = re.compile(r"^([a-z][a-z0-9+.-]*://|(javascript|data|vbscript|file):)", re.IGNORECASE)
_LINK = URLValidator(schemes=["http", "https"])


def check_place(text: str, field: str = "location") -> str:
    """The place cleaned (one line, trimmed), or a clear refusal on ``field``."""
    place = " ".join(text.split())
    if len(place) > PLACE_MAX_CHARS:
        raise ValidationError(
            {
                field: _("Keep the place under %(max)s characters (%(count)s now).")
                % {"max": PLACE_MAX_CHARS, "count": len(place)}
            }
        )
    for token in place.split(" "):
        if not _ADDRESS.match(token):
            continue
        try:
            _LINK(token)
        except ValidationError:
            raise ValidationError(
                {
                    field: f"“{token[:80]}” is not a link people can open: give a room, or "
                    "the video call's address starting with https://."
                }
            ) from None
    return place


def meeting_place_save(
    *, organization: Organization, actor: User, mentorship: Mentorship, location: str
) -> str:
    """Set (or, with an empty text, clear) where the pair usually meets; either of the
    pair may. Sessions planned already keep their place."""
    check_same_organization(organization, mentorship)
    pair_member(actor, mentorship)
    place = check_place(location)
    with transaction.atomic():
        if not place:
            MeetingPlace.objects.filter(mentorship=mentorship).delete()
        else:
            MeetingPlace.objects.update_or_create(
                mentorship=mentorship,
                defaults={"location": place},
                create_defaults={"organization": organization, "location": place},
            )
    return place
