"""Sessions as iCalendar (RFC 5545): the file downloaded from a session's page, the feed a
calendar subscribes to (METHOD:PUBLISH), and the invitations emailed to both people
(iTIP, RFC 5546: METHOD:REQUEST and METHOD:CANCEL, with an organizer and attendees).

Times are written in UTC, except a series' start, which is written on the planner's clock
with a VTIMEZONE, so that its weekly rule keeps the wall time across daylight-saving
changes. Text values are escaped and long lines folded as the RFC asks; parameter values
(people's names) are quoted and escaped as RFC 6868 asks."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.utils.translation import gettext as _

LINE_OCTETS = 75  # without the CRLF
PRODID = "-//Mentoring platform//Sessions//EN"


@dataclass
class Person:
    """An organizer or attendee: a name and an address."""

    name: str
    email: str
    partstat: str = "NEEDS-ACTION"  # ACCEPTED for the person who planned it


@dataclass
class Invite:
    uid: str
    starts_at: datetime
    ends_at: datetime
    stamp: datetime
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""
    is_cancelled: bool = False
    sequence: int = 0
    organizer: Person | None = None
    attendees: list[Person] = field(default_factory=list)
    # A series: its weekly rule ("FREQ=WEEKLY;INTERVAL=2;COUNT=6") and the planner's zone,
    # in which DTSTART and DTEND are written.
    rrule: str = ""
    time_zone: str = ""
    # One occurrence of a series: its start as the series planned it.
    recurrence_id: datetime | None = None


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, every kind of
    line break written as ``\\n``."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def escape_param(value: str) -> str:
    """A parameter value, quoted (a name may hold ``,;:``), with the caret escapes of
    RFC 6868 for what quoting cannot hold: ``^^`` for ``^``, ``^'`` for a double quote and
    ``^n`` for a line break; other control characters become spaces."""
    value = value.replace("^", "^^").replace('"', "^'")
    value = value.replace("\r\n", "^n").replace("\n", "^n").replace("\r", "^n")
    value = "".join(" " if ord(char) < 32 or ord(char) == 127 else char for char in value)
    return f'"{value}"'


def utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def local_stamp(moment: datetime, time_zone: str) -> str:
    return moment.astimezone(zoneinfo.ZoneInfo(time_zone)).strftime("%Y%m%dT%H%M%S")


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets, each continuation starting with
    one space (RFC 5545 3.1); a UTF-8 character is never cut in two."""
    if len(line.encode()) <= LINE_OCTETS:  # most lines: nothing to fold
        return line
    if line.isascii():  # one octet a character: cut by slicing
        rest = line[LINE_OCTETS:]
        pieces = [line[:LINE_OCTETS]]
        pieces += [
            " " + rest[i : i + LINE_OCTETS - 1] for i in range(0, len(rest), LINE_OCTETS - 1)
        ]
        return "\r\n".join(pieces)
    pieces = []
    current: list[str] = []
    size = 0
    for char in line:
        octets = len(char.encode())
        if size + octets > LINE_OCTETS:
            pieces.append("".join(current))
            current, size = [" "], 1
        current.append(char)
        size += octets
    pieces.append("".join(current))
    return "\r\n".join(pieces)


def _moment(name: str, moment: datetime, time_zone: str) -> str:
    if time_zone:
        return f"{name};TZID={time_zone}:{local_stamp(moment, time_zone)}"
    return f"{name}:{utc_stamp(moment)}"


def _person(name: str, person: Person, *, attendee: bool) -> str:
    params = f";CN={escape_param(person.name)}"
    if attendee:
        params += f";CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT={person.partstat}"
        params += ";RSVP=FALSE"
    return f"{name}{params}:mailto:{person.email}"


def event_lines(invite: Invite) -> list[str]:
    zone = invite.time_zone if invite.rrule or invite.recurrence_id else ""
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(invite.uid)}",
        f"DTSTAMP:{utc_stamp(invite.stamp)}",
        f"SEQUENCE:{invite.sequence}",
    ]
    if invite.recurrence_id is not None:
        lines.append(_moment("RECURRENCE-ID", invite.recurrence_id, zone))
        zone = ""  # the occurrence's own times: in UTC, wherever it moved
    lines += [
        _moment("DTSTART", invite.starts_at, zone),
        _moment("DTEND", invite.ends_at, zone),
    ]
    if invite.rrule:
        lines.append(f"RRULE:{invite.rrule}")
    lines.append(f"SUMMARY:{escape_text(invite.summary)}")
    if invite.location:
        lines.append(f"LOCATION:{escape_text(invite.location)}")
    if invite.description:
        lines.append(f"DESCRIPTION:{escape_text(invite.description)}")
    if invite.url:
        lines.append(f"URL:{invite.url}")
    if invite.organizer is not None:
        lines.append(_person("ORGANIZER", invite.organizer, attendee=False))
    lines += [_person("ATTENDEE", person, attendee=True) for person in invite.attendees]
    lines += [
        f"STATUS:{'CANCELLED' if invite.is_cancelled else 'CONFIRMED'}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
    ]
    return lines


def _offset(delta: timedelta | None) -> str:
    minutes = int((delta or timedelta()).total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def _transitions(zone: zoneinfo.ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """The UTC moments in [start, end) at which the zone's offset changes: found day by day,
    then to the second by halving."""
    found = []
    day = start
    while day < end:
        after = day + timedelta(days=1)
        if day.astimezone(zone).utcoffset() != after.astimezone(zone).utcoffset():
            low, high = day, after  # offset(low) differs from offset(high)
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if middle.astimezone(zone).utcoffset() == low.astimezone(zone).utcoffset():
                    low = middle
                else:
                    high = middle
            found.append(high.replace(microsecond=0))
        day = after
    return found


def _observance(zone: zoneinfo.ZoneInfo, moment: datetime, offset_from: str) -> list[str]:
    local = moment.astimezone(zone)
    kind = "DAYLIGHT" if local.dst() else "STANDARD"
    before = moment - timedelta(seconds=1)
    onset = moment + (before.astimezone(zone).utcoffset() or timedelta())
    return [
        f"BEGIN:{kind}",
        f"DTSTART:{onset.replace(tzinfo=None).strftime('%Y%m%dT%H%M%S')}",
        f"TZOFFSETFROM:{offset_from}",
        f"TZOFFSETTO:{_offset(local.utcoffset())}",
        f"TZNAME:{escape_text(local.tzname() or '')}",
        f"END:{kind}",
    ]


def timezone_lines(time_zone: str, first: date, last: date) -> list[str]:
    """A VTIMEZONE for ``time_zone`` from ``first`` to ``last``: its offset at the start,
    then one observance per change, each starting at the local time of the change read on
    the clock before it (RFC 5545 3.6.5), from the same tz database the site converts with."""
    zone = zoneinfo.ZoneInfo(time_zone)
    start = datetime(first.year, first.month, first.day, tzinfo=UTC)
    end = datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=1)
    initial = _offset(start.astimezone(zone).utcoffset())
    lines = ["BEGIN:VTIMEZONE", f"TZID:{time_zone}"]
    lines += _observance(zone, start, initial)
    for moment in _transitions(zone, start, end):
        before = (moment - timedelta(seconds=1)).astimezone(zone).utcoffset()
        lines += _observance(zone, moment, _offset(before))
    lines.append("END:VTIMEZONE")
    return lines


def _zones(invites: list[Invite]) -> list[str]:
    """The VTIMEZONEs the events name, each covering the span of its events."""
    spans: dict[str, tuple[date, date]] = {}
    for invite in invites:
        if not (invite.time_zone and (invite.rrule or invite.recurrence_id)):
            continue
        moments = [invite.starts_at, invite.ends_at, invite.recurrence_id or invite.starts_at]
        first = min(moments).date() - timedelta(days=1)
        last = max(moments).date() + timedelta(days=1)
        if invite.rrule:
            last = max(last, _rule_end(invite))
        known = spans.get(invite.time_zone)
        if known:
            first, last = min(first, known[0]), max(last, known[1])
        spans[invite.time_zone] = (first, last)
    lines: list[str] = []
    for time_zone, (first, last) in sorted(spans.items()):
        lines += timezone_lines(time_zone, first, last)
    return lines


def _rule_end(invite: Invite) -> date:
    parts = dict(part.split("=", 1) for part in invite.rrule.split(";"))
    weeks = int(parts.get("INTERVAL", "1")) * (int(parts.get("COUNT", "1")) - 1)
    return (invite.ends_at + timedelta(weeks=weeks)).date() + timedelta(days=2)


def render_calendar(invites: list[Invite], *, method: str = "PUBLISH", name: str = "") -> str:
    """A VCALENDAR of the events: ``PUBLISH`` for a file or a feed, ``REQUEST`` or
    ``CANCEL`` for an invitation (whose events all share one UID, RFC 5546 2.1.5)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
    ]
    if name:
        lines.append(f"X-WR-CALNAME:{escape_text(name)}")
    lines += _zones(invites)
    for invite in invites:
        lines += event_lines(invite)
    lines.append("END:VCALENDAR")
    return "".join(f"{fold(line)}\r\n" for line in lines)


def render(invite: Invite, *, method: str = "PUBLISH") -> str:
    """One event as a calendar file."""
    return render_calendar([invite], method=method)


def session_description(
    agenda: list[str] | None, url: str, change_note: str = "", place: str = ""
) -> str:
    """The invite's description: the note of the last change, the meeting place, the agenda
    as a numbered list (``None``: no agenda section, as in a feed), then the session's page
    (where the agenda is built)."""
    parts = []
    if change_note:
        parts += [_("Note: %(note)s") % {"note": change_note}, ""]
    if place:
        parts += [_("Where: %(place)s") % {"place": place}, ""]
    if agenda:
        parts.append(_("Agenda:"))
        parts += [f"{number}. {text}" for number, text in enumerate(agenda, start=1)]
        parts.append("")
    elif agenda is not None:
        parts += [_("No agenda yet: add points on the session's page."), ""]
    parts.append(_("Session page and agenda: %(url)s") % {"url": url})
    return "\n".join(parts)
