"""Reads of a person's calendar feed: the feed a secret address names, the version of what
it lists, and the sessions themselves. The feed address works without signing in
(calendar programs fetch it), so the token alone finds the feed, on its own
organization's host only, and only while its person is still an active member.

A fetch costs the same queries whatever the number of sessions: the feed, the version
(one aggregate), and, when the calendar text is not cached for that version, the
sessions and their mentorships."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from matching.access import person_filter
from matching.models import Mentorship
from mentoring.tenancy.models import Membership

from ..models import CalendarFeed, Session, SessionStatus

if TYPE_CHECKING:
    from mentoring.people.models import Profile
    from mentoring.tenancy.models import Organization

# How far back the feed reaches: three months (of 31 days at most). Older sessions have
# long been in every subscribed calendar, and a feed that only grows gets slower to fetch.
FEED_PAST = timedelta(days=92)
FINGERPRINT_CHARS = 16
# What an event is made of (``calendar_files.session_event`` without an agenda): the
# notes and everything else written about a session are not even read.
EVENT_FIELDS = (
    "starts_at",
    "duration_minutes",
    "kind",
    "status",
    "location",
    "sequence",
    "updated_at",
    "mentorship_id",
)


def token_hash(token: str) -> str:
    """What a feed is looked up by: the token itself is stored encrypted, never compared
    in SQL."""
    return hashlib.sha256(token.encode()).hexdigest()


def fingerprint(feed: CalendarFeed) -> str:
    """A short name for the feed's current address (not the secret): the "get a new
    address" form sends it back, so that a second click replaces nothing more."""
    return feed.token_hash[:FINGERPRINT_CHARS]


def access_feed(*, organization: Organization, token: str) -> CalendarFeed:
    """The feed whose secret is ``token``, with its person, in the active organization;
    404 for an unknown or replaced token, another organization's, or a person who is no
    longer an active member. One query (the person's organization with it, for the
    language the feed is written in)."""
    active_member = Membership.objects.filter(
        user=OuterRef("person__user"), is_active=True, user__is_active=True
    )
    feed = (
        CalendarFeed.objects.filter(token_hash=token_hash(token))
        .filter(Exists(active_member))
        .select_related("person__organization")
        .first()
    )
    if feed is None:
        raise Http404("No such calendar.")
    return feed


def feed_window_start() -> datetime:
    """The earliest start a feed lists, now."""
    return timezone.now() - FEED_PAST


def _window(person: Profile, since: datetime) -> QuerySet[Session]:
    return Session.objects.filter(person_filter(person, "mentorship__"), starts_at__gte=since)


@dataclass(frozen=True)
class FeedVersion:
    """What the feed's text depends on, summed up: it changes whenever any listed event
    would. ``last_modified``: the newest change of a session (None: no session yet)."""

    tag: str
    last_modified: datetime | None


def feed_version(*, organization: Organization, person: Profile, since: datetime) -> FeedVersion:
    """The version of the person's feed, in one aggregate query. Every row carries an
    ``updated_at`` that PostgreSQL stamps on any write, so the newest stamp of the
    sessions (cancelled ones included: cancelling changes the feed), of their
    mentorships and of the people named, with the number and ids of the sessions (one
    that leaves the window or is deleted changes them), and the organization's name,
    change whenever an event's text would."""
    listed = ~Q(status=SessionStatus.CANCELLED)
    figures = _window(person, since).aggregate(
        listed=Count("pk", filter=listed),
        ids=Sum("pk", filter=listed),
        sessions=Max("updated_at"),
        pairs=Max("mentorship__updated_at"),
        mentees=Max("mentorship__mentee__person__updated_at"),
        mentors=Max("mentorship__mentor__person__updated_at"),
    )
    parts = [organization.pk, organization.slug, organization.name, person.pk]
    parts += [figures[name] for name in ("listed", "ids", "sessions", "pairs", "mentees")]
    parts.append(figures["mentors"])
    tag = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return FeedVersion(tag=tag, last_modified=figures["sessions"])


def _pairs() -> QuerySet[Mentorship]:
    """The sessions' mentorships, each loaded once with the names an event shows (a
    person has a few pairs and many sessions)."""
    return Mentorship.objects.select_related(
        "mentee__person", "mentor__person", "program", "focus_skill"
    ).only(
        "mentee__person__display_name",
        "mentor__person__display_name",
        "program__format",
        "focus_skill__name",
    )


def feed_sessions(*, organization: Organization, person: Profile, since: datetime) -> list[Session]:
    """The person's sessions, as mentor or mentee of any of their mentorships, starting
    at ``since`` or later, soonest first, each with both people of its pair. Two queries.

    Cancelled sessions are left out rather than sent with STATUS:CANCELLED: a subscribed
    calendar replaces all its events at every fetch, so a left-out event disappears, while
    several calendar programs ignore the status of a subscribed event and would keep
    showing the meeting as if it were still on."""
    return list(
        _window(person, since)
        .exclude(status=SessionStatus.CANCELLED)
        .only(*EVENT_FIELDS)
        .prefetch_related(Prefetch("mentorship", queryset=_pairs()))
        .order_by("starts_at", "pk")
    )
