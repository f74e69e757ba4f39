"""The one time-zone fallback: a person's zone, or UTC when it is unknown or empty."""

import zoneinfo

UTC = zoneinfo.ZoneInfo("UTC")


def time_zone_of(name: str | None) -> zoneinfo.ZoneInfo:
    if not name:
        return UTC
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return UTC
