"""A person's calendar feed: the secret address their calendar program subscribes to.

One feed per person and organization. The token is shown again on the profile (stored
encrypted) and looked up by its SHA-256 (``token_hash``). Revoking replaces both in place,
so the old address is unknown from the moment the new one is committed."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.db import transaction

from mentoring.people.selectors import profile_of

from ..models import CalendarFeed
from ..selectors.feed import fingerprint, token_hash

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from mentoring.tenancy.models import Organization


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def calendar_feed_issue(*, organization: Organization, actor: User) -> CalendarFeed:
    """The actor's feed, created on first use. Two requests at once get the same row: the
    insert skips on conflict (the one-per-person constraint decides) and both read back
    whichever row won."""
    person = profile_of(actor)
    feed = CalendarFeed.objects.filter(person=person).first()
    if feed is not None:
        return feed
    token, digest = _new_token()
    with transaction.atomic():
        CalendarFeed.objects.bulk_create(
            [
                CalendarFeed(
                    organization=organization, person=person, token=token, token_hash=digest
                )
            ],
            ignore_conflicts=True,
        )
    return CalendarFeed.objects.get(person=person)


def calendar_feed_revoke(
    *, organization: Organization, actor: User, replacing: str = ""
) -> CalendarFeed:
    """A new secret address for the actor's feed; the old one stops working at once.
    ``replacing``: the fingerprint of the address the person saw; when it is no longer
    the current one (a second click, another tab) nothing changes and the current feed
    is returned, so sending the request twice replaces the address once."""
    person = profile_of(actor)
    calendar_feed_issue(organization=organization, actor=actor)
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().get(person=person)
        if replacing and replacing != fingerprint(feed):
            return feed
        feed.token, feed.token_hash = _new_token()
        feed.save(update_fields=["token", "token_hash"])
    return feed
