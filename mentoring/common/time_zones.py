"""Time zones: the one fallback (a person's zone, or UTC when it is unknown or empty), the
curated list people choose from, and the canonical name of an older alias.

The list is the tz database's own list of canonical zones (``zone1970.tab``, one line per
zone with the countries it covers), plus UTC: no backward-compatible aliases such as
``US/Eastern``, ``Asia/Calcutta`` or ``Etc/GMT+5``. Aliases still work wherever a zone is
read (``time_zone_of``) and are shown under their canonical name (``canonical_zone``): the
links of ``tzdata.zi``, or, for a country's own name of a shared zone (``Europe/Zagreb``),
the canonical zone of that country with the same offset (``zone.tab``). Without those files
(no system tz database) the list falls back to every known zone minus the legacy families.
"""

from __future__ import annotations

import unicodedata
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

UTC = zoneinfo.ZoneInfo("UTC")
DEFAULT_TIME_ZONE = "UTC"

# When no tz database files can be read: the families that are only aliases.
_LEGACY_PREFIXES = ("Etc/", "US/", "Canada/", "Brazil/", "Chile/", "Mexico/", "SystemV/")


def time_zone_of(name: str | None) -> zoneinfo.ZoneInfo:
    if not name:
        return UTC
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return UTC


@dataclass(frozen=True)
class _Database:
    canonical: dict[str, tuple[str, ...]]  # zone -> the country codes it covers
    links: dict[str, str]  # alias -> target
    country_zones: dict[str, str]  # a zone.tab name -> its country code
    countries: dict[str, str]  # country code -> name


def _tab_lines(path: Path) -> list[list[str]]:
    return [
        line.split("\t")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ]


@lru_cache(maxsize=1)
def _database() -> _Database:
    known = zoneinfo.available_timezones()
    for folder in map(Path, zoneinfo.TZPATH):
        if not (folder / "zone1970.tab").is_file():
            continue
        canonical = {
            row[2]: tuple(row[0].split(","))
            for row in _tab_lines(folder / "zone1970.tab")
            if len(row) >= 3 and row[2] in known
        }
        links: dict[str, str] = {}
        if (folder / "tzdata.zi").is_file():
            for line in (folder / "tzdata.zi").read_text(encoding="utf-8").splitlines():
                if line.startswith("L "):
                    _, target, alias = line.split()[:3]
                    links[alias] = target
        country_zones = (
            {row[2]: row[0] for row in _tab_lines(folder / "zone.tab") if len(row) >= 3}
            if (folder / "zone.tab").is_file()
            else {}
        )
        countries = (
            {row[0]: row[1] for row in _tab_lines(folder / "iso3166.tab") if len(row) >= 2}
            if (folder / "iso3166.tab").is_file()
            else {}
        )
        return _Database(canonical, links, country_zones, countries)
    fallback: dict[str, tuple[str, ...]] = {
        name: ()
        for name in known
        if "/" in name and not name.startswith(_LEGACY_PREFIXES) and not name.startswith("posix")
    }
    return _Database(fallback, {}, {}, {})


def _offset_now(name: str, now: datetime) -> timedelta:
    return now.astimezone(zoneinfo.ZoneInfo(name)).utcoffset() or timedelta(0)


def canonical_zone(name: str | None, now: datetime | None = None) -> str | None:
    """The canonical zone of the list for ``name`` (itself when canonical), or None when
    it is unknown or has no equivalent in the list."""
    if not name:
        return None
    database = _database()
    if name == DEFAULT_TIME_ZONE or name in database.canonical:
        return name
    target = database.links.get(name)
    if target is not None and (target in database.canonical or target == "Etc/UTC"):
        return DEFAULT_TIME_ZONE if target in ("Etc/UTC", "Etc/GMT") else target
    if name in ("Etc/UTC", "Etc/GMT", "Etc/Universal", "Etc/Zulu", "GMT", "Zulu", "Universal"):
        return DEFAULT_TIME_ZONE
    country = database.country_zones.get(name)
    if country is None or name not in zoneinfo.available_timezones():
        return None
    now = now or datetime.now(UTC)
    offset = _offset_now(name, now)
    same_country = [zone for zone, codes in database.canonical.items() if country in codes]
    for zone in same_country:
        if _offset_now(zone, now) == offset:
            return zone
    return None


def _format_offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{rest:02d}"


def _label(name: str, database: _Database, now: datetime) -> str:
    city = name.rsplit("/", 1)[-1].replace("_", " ")
    if "/" in name[name.index("/") + 1 :]:  # America/Argentina/Salta: "Salta, Argentina"
        city = f"{city}, {name.split('/')[1].replace('_', ' ')}"
    countries = [database.countries.get(code, code) for code in database.canonical.get(name, ())]
    where = ""
    if countries and countries != [city]:
        shown = ", ".join(countries[:6]) + (" …" if len(countries) > 6 else "")
        where = f" — {shown}"
    return f"{city}{where} ({_format_offset(_offset_now(name, now))})"


@lru_cache(maxsize=2)
def _choices_at(hour: datetime) -> list:
    database = _database()
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in database.canonical:
        region = name.split("/", 1)[0]
        groups.setdefault(region, []).append((name, _label(name, database, hour)))
    universal = [(DEFAULT_TIME_ZONE, "UTC, Coordinated Universal Time (UTC+00:00)")]
    return [("Universal", universal)] + [
        (region, sorted(zones, key=lambda choice: choice[1]))
        for region, zones in sorted(groups.items())
    ]


def time_zone_choices(now: datetime | None = None) -> list:
    """The curated zones grouped by region, each labelled with its city, the countries it
    covers and its offset now: ``[(region, [(name, label), ...]), ...]``."""
    now = now or datetime.now(UTC)
    return _choices_at(now.astimezone(UTC).replace(minute=0, second=0, microsecond=0))


def names_of(name: str) -> list[str]:
    """``name`` and every older alias with the same canonical zone (a browser may report
    either: Chromium says ``Asia/Calcutta`` for ``Asia/Kolkata``)."""
    canonical = canonical_zone(name) or name
    aliases = [alias for alias in _database().links if canonical_zone(alias) == canonical]
    return sorted({name, canonical, *aliases})


def is_listed(name: str) -> bool:
    return name == DEFAULT_TIME_ZONE or name in _database().canonical


@dataclass(frozen=True)
class ZoneMatches:
    """A search of the list: up to ``limit`` ``(name, label)`` pairs, best first, and how
    many zones matched in all."""

    choices: list[tuple[str, str]]
    total: int


def _folded(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in plain if not unicodedata.combining(char))
    return plain.replace("_", " ").replace("/", " ").replace("−", "-")


def _offset_words(offset: timedelta) -> str:
    """Every way people write an offset: ``+05:30 +5:30 +530 utc+5:30 gmt+5:30``."""
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    short = f"{sign}{hours}" + (f":{rest:02d}" if rest else "")
    forms = {f"{sign}{hours:02d}:{rest:02d}", f"{sign}{hours}:{rest:02d}", short}
    return " ".join(forms | {f"utc{form}" for form in forms} | {f"gmt{form}" for form in forms})


@lru_cache(maxsize=1)
def _aliases() -> dict[str, tuple[str, ...]]:
    """Canonical zone -> its older names (so "Calcutta" or "Kiev" finds today's zone)."""
    found: dict[str, list[str]] = {}
    for alias in _database().links:
        canonical = canonical_zone(alias)
        if canonical and canonical != alias:
            found.setdefault(canonical, []).append(alias)
    return {zone: tuple(names) for zone, names in found.items()}


@lru_cache(maxsize=2)
def _search_index(hour: datetime) -> list[tuple[str, str, str, str]]:
    """``(name, label, city, haystack)`` for every zone of the list, in list order."""
    aliases = _aliases()
    index = []
    for _region, zones in _choices_at(hour):
        for name, label in zones:
            city = _folded(name.rsplit("/", 1)[-1])
            words = [name, label, *aliases.get(name, ())]
            haystack = " ".join(_folded(word) for word in words)
            index.append(
                (name, label, city, f"{haystack} {_offset_words(_offset_now(name, hour))}")
            )
    return index


def time_zone_search(term: str, *, limit: int = 20, now: datetime | None = None) -> ZoneMatches:
    """The zones of the list whose name, city, countries, older names or offset today
    contain every word of ``term`` (case and accents ignored), cities starting with the
    term first."""
    words = _folded(term).split()
    if not words:
        return ZoneMatches([], 0)
    now = now or datetime.now(UTC)
    hour = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    found = [
        (not city.startswith(words[0]), label.casefold(), name, label)
        for name, label, city, haystack in _search_index(hour)
        if all(word in haystack for word in words)
    ]
    found.sort()
    return ZoneMatches([(name, label) for *_key, name, label in found[:limit]], len(found))


def time_zone_label(name: str, now: datetime | None = None) -> str | None:
    """The list's label of ``name``, or None when it is not in the list."""
    for _region, zones in time_zone_choices(now):
        for zone, label in zones:
            if zone == name:
                return label
    return None
