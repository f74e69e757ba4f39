"""A person's calendar feed as iCalendar text: one VCALENDAR (METHOD:PUBLISH) that calendar
programs subscribe to, named after the organization, with one event per session.

An event is the session as ``calendar_files.session_event`` writes it without an agenda:
the same UID as the session's emailed invitation and downloaded file (so a calendar holds
one event, however it learned of the session), a title with both people's names, the
times, the place and the session's page. Nothing written about the session goes in: no
agenda point, shared note, real situation, private note, change note or feedback. The
feed address is a secret, but it is the kind of secret people paste into other services,
so it carries only what an invitation on a shared calendar would.

Calendar programs fetch a feed again and again while nothing changes, so its text is
cached under the feed's version (``selectors.feed.feed_version``): a new version is a
new key, and an old text is never served for it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.http import quote_etag
from django.utils.translation import gettext as _

from mentoring.people.language import person_language

from . import ics
from .calendar_files import EventWords, session_event
from .selectors.feed import feed_sessions

if TYPE_CHECKING:
    from datetime import datetime

    from mentoring.tenancy.models import Organization

    from .models import CalendarFeed, Session
    from .selectors.feed import FeedVersion

# Raise it when the feed's text changes shape, so no text cached before is served again.
FEED_FORMAT = 1
FEED_CACHE_SECONDS = 6 * 60 * 60


def feed_name(organization: Organization) -> str:
    """The calendar's name as calendar programs list it (X-WR-CALNAME)."""
    return _("Mentoring — %(organization)s") % {"organization": organization.name}


def feed_calendar(organization: Organization, sessions: list[Session]) -> str:
    """The feed of ``sessions`` (their pairs' people loaded), in their order."""
    words = EventWords(organization)
    events = [session_event(organization, session, words=words) for session in sessions]
    return ics.render_calendar(events, method="PUBLISH", name=feed_name(organization))


def feed_etag(version: FeedVersion) -> str:
    """The feed's validator: its version, which changes whenever its text would."""
    return quote_etag(f"{FEED_FORMAT}-{version.tag}")


def _cache_key(feed: CalendarFeed, version: FeedVersion, language: str) -> str:
    # The token's hash is part of it: a replaced address never finds its old text.
    site = f"{settings.SITE_SCHEME}://{settings.ROOT_DOMAIN}:{settings.SITE_PORT}"
    return (
        f"calendar-feed:{feed.pk}:{feed.token_hash[:16]}:{FEED_FORMAT}:{version.tag}:{site}"
        f":{language}"
    )


def feed_body(
    organization: Organization, feed: CalendarFeed, version: FeedVersion, since: datetime
) -> bytes:
    """The feed's text (UTF-8) at ``version`` (read before it, so the text is never older
    than its key): from the cache, or rendered (in its person's language) and cached.
    ``feed`` with its person."""
    language = person_language(feed.person)
    key = _cache_key(feed, version, language)
    body = cache.get(key)
    if body is None:
        sessions = feed_sessions(organization=organization, person=feed.person, since=since)
        with translation.override(language):
            body = feed_calendar(organization, sessions).encode()
        cache.set(key, body, FEED_CACHE_SECONDS)
    return body
