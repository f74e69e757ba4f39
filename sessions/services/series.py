"""Planning a series of sessions: "every 2 weeks on Tuesday at 09:00, 6 times", on the
planner's clock. Each occurrence is a Session of its own (moved or cancelled alone with
``sessions.services.schedule``); both people get one invitation of one repeating event."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from matching.models import Mentorship
from mentoring.common.guards import check_same_organization
from mentoring.common.locks import refuse_repeat
from mentoring.people.models import validate_time_zone

from .. import notices
from ..members import member_people, who_meets
from ..models import (
    SERIES_MAX_COUNT,
    SERIES_MAX_INTERVAL_WEEKS,
    Session,
    SessionKind,
    SessionSeries,
    SessionStatus,
)
from ..selectors.busy import planned_sessions_between
from .places import check_place
from .plan_prefill import sessions_plan_prefill
from .rules import pair_member
from .schedule import _add_follow_ups, _check_when, default_place

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from mentoring.tenancy.models import Organization

CLASHES_NAMED = 5  # more than that is a series at the wrong time, not a few clashes


def series_occurrences(
    starts_at: datetime, *, interval_weeks: int, count: int, time_zone: str
) -> list[datetime]:
    """The starts of a series, in UTC: the first one's wall time on the ``time_zone``
    clock, every ``interval_weeks`` weeks, ``count`` times. The wall time stays across
    daylight-saving changes, so the UTC time shifts by the change. A wall time the clocks
    skip that day (the spring-forward gap) moves forward by the gap, 02:30 becoming 03:30,
    and a wall time they repeat (autumn) is its first passing: what calendar programs do
    with the same repeating event (RFC 5545, 3.3.5)."""
    zone = zoneinfo.ZoneInfo(time_zone)
    wall = starts_at.astimezone(zone).replace(tzinfo=None, fold=0)
    return [
        # fold=0 reads a skipped wall time with the offset before the gap: forward by it
        (wall + timedelta(weeks=number * interval_weeks)).replace(tzinfo=zone).astimezone(UTC)
        for number in range(count)
    ]


def series_in_words(starts_at: datetime, *, interval_weeks: int, count: int, time_zone: str) -> str:
    """A series in one sentence, for the form's preview and the success message: "Every
    2 weeks on Tuesday at 09:00 (Europe/Berlin), 6 times, from 8 December to 16 February"
    (the years only when they are needed)."""
    zone = zoneinfo.ZoneInfo(time_zone)
    starts = series_occurrences(
        starts_at, interval_weeks=interval_weeks, count=count, time_zone=time_zone
    )
    first, last = starts[0].astimezone(zone), starts[-1].astimezone(zone)
    if interval_weeks == 1:
        every = _("Every week")
    else:
        every = _("Every %(weeks)s weeks") % {"weeks": interval_weeks}
    this_year = datetime.now(zone).year
    # Translators: a day of a series, without and with its year (Django date formats).
    day, day_and_year = pgettext("date format", "j F"), pgettext("date format", "j F Y")
    first_day = dateformat.format(first, day if first.year == last.year else day_and_year)
    last_day = dateformat.format(last, day if last.year == this_year else day_and_year)
    return _(
        "%(every)s on %(weekday)s at %(time)s (%(zone)s), "
        "%(count)s times, from %(first)s to %(last)s"
    ) % {
        "every": every,
        "weekday": dateformat.format(first, "l"),
        "time": f"{first:%H:%M}",
        "zone": time_zone.replace("_", " "),
        "count": count,
        "first": first_day,
        "last": last_day,
    }


def _check_shape(
    starts_at: datetime,
    duration_minutes: int,
    *,
    interval_weeks: int,
    count: int,
    time_zone: str,
    kind: str,
) -> list[datetime]:
    """Every rule of a series at once (so a form shows them all), then the occurrences."""
    errors: dict[str, str] = {}
    try:
        validate_time_zone(time_zone)
    except ValidationError:
        errors["time_zone"] = _(
            "“%(zone)s” is not a time zone we know. Choose yours in your profile "
            "(a city such as Europe/Berlin or America/Chicago)."
        ) % {"zone": time_zone[:60]}
    if not 2 <= count <= SERIES_MAX_COUNT:
        errors["count"] = _(
            "A series has between 2 and %(max)s sessions. For a single meeting, plan one session."
        ) % {"max": SERIES_MAX_COUNT}
    if not 1 <= interval_weeks <= SERIES_MAX_INTERVAL_WEEKS:
        errors["interval_weeks"] = _(
            "Repeat every 1 to %(max)s weeks: further apart, plan the sessions one by one."
        ) % {"max": SERIES_MAX_INTERVAL_WEEKS}
    if kind not in SessionKind.values:
        errors["kind"] = _("Choose a kind of session.")
    try:
        _check_when(starts_at, duration_minutes)
    except ValidationError as error:
        errors.update({key: " ".join(messages) for key, messages in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    starts = series_occurrences(
        starts_at, interval_weeks=interval_weeks, count=count, time_zone=time_zone
    )
    zone = zoneinfo.ZoneInfo(time_zone)
    for number, moment in enumerate(starts[1:], start=2):
        try:
            _check_when(moment, duration_minutes)
        except ValidationError as error:
            reason = " ".join(error.messages)
            raise ValidationError(
                {
                    "count": _(
                        "Session %(number)s of %(count)s would be on %(day)s. %(reason)s "
                        "Plan fewer sessions, or closer together."
                    )
                    % {
                        "number": number,
                        "count": count,
                        "day": dateformat.format(moment.astimezone(zone), "j F Y"),
                        "reason": reason,
                    }
                }
            ) from None
    return starts


def _check_clashes(
    mentorship: Mentorship, starts: list[datetime], duration_minutes: int, time_zone: str
) -> None:
    """Refuse, with code ``overlap``, a series of which any session overlaps another
    planned session of either of the pair (one query for the whole series), naming the
    clashing dates on the planner's clock."""
    length = timedelta(minutes=duration_minutes)
    people = member_people(mentorship)
    busy = planned_sessions_between(people, starts[0], starts[-1] + length)
    clashes = [
        (number, start, other)
        for number, start in enumerate(starts, start=1)
        for other in busy
        if other.starts_at < start + length
        and start < other.starts_at + timedelta(minutes=other.duration_minutes)
    ]
    if not clashes:
        return
    zone = zoneinfo.ZoneInfo(time_zone)
    named = "; ".join(
        _("session %(number)s on %(when)s overlaps %(time)s with %(who)s")
        % {
            "number": number,
            "when": dateformat.format(start.astimezone(zone), "D j M H:i"),
            "time": f"{other.starts_at.astimezone(zone):%H:%M}",
            "who": who_meets(other.mentorship),
        }
        for number, start, other in clashes[:CLASHES_NAMED]
    )
    more = len(clashes) - CLASHES_NAMED
    raise ValidationError(
        {
            "starts_at": ValidationError(
                (
                    _(
                        "Some sessions of this series overlap other planned sessions: "
                        "%(named)s (and %(more)s more). "
                        "Choose another time, or confirm that you want both."
                    )
                    if more > 0
                    else _(
                        "Some sessions of this series overlap other planned sessions: "
                        "%(named)s. Choose another time, or confirm that you want both."
                    )
                )
                % {"named": named, "more": more},
                code="overlap",
            )
        }
    )


def series_plan(
    *,
    organization: Organization,
    actor: User,
    mentorship: Mentorship,
    starts_at: datetime,
    duration_minutes: int = 60,
    interval_weeks: int,
    count: int,
    kind: str = SessionKind.CHECK_IN,
    location: str | None = None,
    time_zone: str,
    allow_overlap: bool = False,
) -> SessionSeries:
    """Plan ``count`` sessions every ``interval_weeks`` weeks from ``starts_at`` (the first
    one), at its wall time on the planner's ``time_zone`` clock (``series_occurrences``:
    the gap rule is there). Every session obeys the rules of a single one; the pair's open
    experiments join the first one's agenda; both people get one invitation of the whole
    series. A second request for the same first start is a repeat and refused. Without a
    ``location``, the pair's usual meeting place."""
    check_same_organization(organization, mentorship)
    person = pair_member(actor, mentorship)
    if not mentorship.is_open:
        raise ValidationError(_("This mentorship has ended: no new sessions."))
    starts = _check_shape(
        starts_at,
        duration_minutes,
        interval_weeks=interval_weeks,
        count=count,
        time_zone=time_zone,
        kind=kind,
    )
    location = default_place(mentorship) if location is None else check_place(location)
    with transaction.atomic():
        refuse_repeat(
            Mentorship.objects.filter(pk=mentorship.pk),
            Session.objects.filter(
                mentorship=mentorship, starts_at=starts[0], status=SessionStatus.PLANNED
            ),
            {
                "starts_at": _(
                    "A session of yours is already planned at that first time: "
                    "this series may be planned already (look at your sessions), or start it "
                    "at another time."
                )
            },
        )
        # under the pair's lock, so that two requests cannot both find the time free
        if not allow_overlap:
            _check_clashes(mentorship, starts, duration_minutes, time_zone)
        series = SessionSeries.objects.create(
            organization=organization,
            mentorship=mentorship,
            starts_at=starts[0],
            duration_minutes=duration_minutes,
            interval_weeks=interval_weeks,
            count=count,
            time_zone=time_zone,
            created_by=person,
        )
        sessions = Session.objects.bulk_create(
            Session(
                organization=organization,
                mentorship=mentorship,
                kind=kind,
                starts_at=start,
                duration_minutes=duration_minutes,
                location=location,
                created_by=person,
                series=series,
                series_start=start,
            )
            for start in starts
        )
        _add_follow_ups(organization, sessions[0])
        sessions_plan_prefill(organization=organization, sessions=sessions)
        notices.series_planned(organization, series, actor=person)
    return series
