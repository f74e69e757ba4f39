"""A person's calendar feed: the public address calendar programs fetch (no signing in:
the secret token in the address is the key), and the calendar section of the signed-in
person's profile, which shows the address and replaces it on request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import http_date, parse_etags
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST, require_safe

from mentoring.tenancy.access import member_required
from mentoring.tenancy.hosts import organization_link

from ..feed import feed_body, feed_etag
from ..models import CalendarFeed
from ..selectors.feed import access_feed, feed_version, feed_window_start, fingerprint
from ..services.feed import calendar_feed_issue, calendar_feed_revoke

if TYPE_CHECKING:
    from mentoring.tenancy.models import Organization

CONTENT_TYPE = "text/calendar; charset=utf-8"
# Calendar programs and the person's own browser may keep it, shared caches may not; and
# every use asks again (with the ETag), so a change shows at the calendar's next refresh.
CACHE_CONTROL = "private, no-cache"


def _matches(request, etag: str) -> bool:
    """Whether If-None-Match names the feed as it is (weak comparison, RFC 9110 13.1.2: a
    proxy that compresses the feed may have turned the tag into ``W/"…"``)."""
    header = request.headers.get("If-None-Match", "")
    if not header:
        return False
    if header.strip() == "*":
        return True
    return etag in {tag.removeprefix("W/") for tag in parse_etags(header)}


@require_safe
def calendar_feed(request, token: str) -> HttpResponse:
    """The person's sessions as an iCalendar feed, on their organization's host only; an
    unknown or replaced address is a 404. ``If-None-Match`` with the current ETag gets a
    304 (without the sessions being read). ``If-Modified-Since`` is not used: the feed
    also changes when a session leaves its three-month window or a name changes, which
    no session's time of change records, and a wrong 304 would keep old events."""
    organization = request.organization
    feed = access_feed(organization=organization, token=token)
    since = feed_window_start()
    version = feed_version(organization=organization, person=feed.person, since=since)
    etag = feed_etag(version)
    response: HttpResponse
    if _matches(request, etag):
        response = HttpResponseNotModified()
    else:
        body = feed_body(organization, feed, version, since)
        response = HttpResponse(b"" if request.method == "HEAD" else body, CONTENT_TYPE)
        response["Content-Length"] = str(len(body))
    response["ETag"] = etag
    if version.last_modified is not None:
        response["Last-Modified"] = http_date(version.last_modified.timestamp())
    response["Cache-Control"] = CACHE_CONTROL
    response["X-Robots-Tag"] = "noindex"
    return response


def feed_addresses(organization: Organization, feed: CalendarFeed) -> dict[str, str]:
    """The feed's address to paste (``https://…``) and its subscribe link (``webcal://…``,
    which opens the person's calendar program on it)."""
    url = organization_link(organization, "sessions:calendar_feed", token=feed.token)
    return {"feed_url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]}


def _render_section(request, feed: CalendarFeed, *, notice: str = ""):
    context = {
        "feed": feed,
        "feed_fingerprint": fingerprint(feed),
        "notice": notice,
        **feed_addresses(request.organization, feed),
    }
    template = (
        "sessions/partials/calendar_section.html" if request.htmx else "sessions/feed/calendar.html"
    )
    return render(request, template, context)


@member_required
@require_GET
def calendar_section(request) -> HttpResponse:
    """The calendar section of the profile page, which loads it with htmx (the page is
    the core's); without htmx, the same section as a page of its own. The person's feed
    is made on first view: the address is theirs to use or ignore."""
    feed = calendar_feed_issue(organization=request.organization, actor=request.user)
    return _render_section(request, feed)


@member_required
@require_POST
def calendar_renew(request) -> HttpResponse:
    """Replace the feed's address: the old one stops working at once. The form names the
    address it replaces, so a second click (or an old tab) replaces nothing more."""
    feed = calendar_feed_revoke(
        organization=request.organization,
        actor=request.user,
        replacing=request.POST.get("current", "")[:64],
    )
    if request.htmx:
        return _render_section(request, feed, notice=RENEWED)
    messages.success(request, RENEWED)
    return redirect(reverse("sessions:calendar") + "#calendar")


RENEWED = gettext_lazy(
    "Your calendar has a new address, shown below. The old one no longer works: calendars "
    "subscribed to it get no more updates, so subscribe them again with the new one."
)
