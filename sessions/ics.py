"""A session as an iCalendar invite (RFC 5545): one VEVENT with UTC times, a UID that stays
the same for the session (a downloaded update replaces the earlier event), and its agenda
in the description. Text values are escaped and long lines folded as the RFC asks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

LINE_OCTETS = 75  # without the CRLF


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


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, every kind of
    line break written as ``\\n``."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets, each continuation starting with
    one space (RFC 5545 3.1); a UTF-8 character is never cut in two."""
    pieces: list[str] = []
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


def render(invite: Invite) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Mentoring platform//Sessions//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{escape_text(invite.uid)}",
        f"DTSTAMP:{utc_stamp(invite.stamp)}",
        f"DTSTART:{utc_stamp(invite.starts_at)}",
        f"DTEND:{utc_stamp(invite.ends_at)}",
        f"SUMMARY:{escape_text(invite.summary)}",
    ]
    if invite.location:
        lines.append(f"LOCATION:{escape_text(invite.location)}")
    if invite.description:
        lines.append(f"DESCRIPTION:{escape_text(invite.description)}")
    if invite.url:
        lines.append(f"URL:{invite.url}")
    lines += [
        f"STATUS:{'CANCELLED' if invite.is_cancelled else 'CONFIRMED'}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(f"{fold(line)}\r\n" for line in lines)


def session_description(agenda: list[str], url: str, change_note: str = "") -> str:
    """The invite's description: the agenda as a numbered list, then the session's page."""
    parts = []
    if change_note:
        parts += [f"Note: {change_note}", ""]
    if agenda:
        parts.append("Agenda:")
        parts += [f"{number}. {text}" for number, text in enumerate(agenda, start=1)]
    else:
        parts.append("No agenda yet: add points on the session's page.")
    parts += ["", f"Session page: {url}"]
    return "\n".join(parts)
