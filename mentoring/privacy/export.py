"""Building exports: a person's data (JSON, and a ZIP of CSV files) and an organization's
whole data (a ZIP of JSON Lines, one file per model). Reads only; the services record
who exported what."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from mentoring.api.csv_export import csv_cell
from mentoring.tenancy.models import Organization, TenantModel

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet

from .registry import Entry, Subject, installed, organization_entries, person_entries

PERSON_FORMAT = "mentoring-person-export/1"
ORGANIZATION_FORMAT = "mentoring-organization-export/1"
EXPORT_CHUNK = 2000

PERSON_README = """Your data from {organization}'s mentoring platform, exported on {date}.

There is one CSV file per kind of record; data.json holds the same records in one file.
Each file is named after the kind of record it holds; an empty file (a header only)
means there is nothing of that kind about you.

Ids link the files: for example, mentorship_id in a session row is the id of a row in
matching_mentorship.csv. Texts that would start a spreadsheet formula begin with a quote.
"""


def _plain(value):
    """JSON-ready values (dates as ISO text), so that JSON and CSV show the same text."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _person_rows(entry: Entry, subject: Subject) -> list[dict]:
    person_rows = entry.person_rows
    assert person_rows is not None  # every PERSON entry has one (tests/privacy/test_registry)
    rows = entry.read(entry.model._default_manager.filter(person_rows(subject)).order_by("pk"))
    if entry.shape is not None:
        return [entry.shape(row, subject) for row in rows]
    return list(rows)


def person_export(*, organization, profile) -> dict:
    """Everything the platform holds about ``profile`` in ``organization``: one section per
    model the registry classifies as personal, empty sections included."""
    subject = Subject(organization=organization, profile=profile)
    sections = {
        entry.label: {
            "title": str(entry.title),
            "columns": entry.columns,
            "rows": _person_rows(entry, subject),
        }
        for entry in person_entries()
    }
    return _plain(
        {
            "format": PERSON_FORMAT,
            "generated_at": timezone.now(),
            "organization": {"name": organization.name, "slug": organization.slug},
            "person": {"profile_id": profile.pk, "display_name": profile.display_name},
            "sections": sections,
        }
    )


def person_export_json(data: dict) -> bytes:
    return json.dumps(data, indent=2, ensure_ascii=False).encode()


def _csv_text(columns: list[str], rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(column)) for column in columns])
    return buffer.getvalue()


def person_export_zip(data: dict) -> bytes:
    """A ZIP with a README, one CSV per section and the JSON file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            PERSON_README.format(
                organization=data["organization"]["name"], date=data["generated_at"][:10]
            ),
        )
        for label, section in data["sections"].items():
            name = label.lower().replace(".", "_")
            archive.writestr(f"{name}.csv", _csv_text(section["columns"], section["rows"]))
        archive.writestr("data.json", person_export_json(data))
    return buffer.getvalue()


def person_export_filename(data: dict, extension: str) -> str:
    slug = data["organization"]["slug"]
    return f"my-data-{slug}-{data['generated_at'][:10]}.{extension}"


# ------------------------------------------------------------------ the organization


def _organization_queryset(entry: Entry, organization: Organization) -> QuerySet[Model, dict]:
    model = entry.model
    queryset: QuerySet[Model]
    if issubclass(model, TenantModel):
        queryset = model.objects.all()  # the active organization's rows
    else:
        # Every exported model outside tenancy has one (tests/privacy/test_registry).
        assert entry.organization_rows is not None
        queryset = model._default_manager.filter(entry.organization_rows(organization))
    return entry.read(queryset.order_by("pk"))


def organization_export(
    *,
    organization,
    path: Path | IO[bytes],
    progress: Callable[[int, int, str], None] | None = None,
) -> dict[str, int]:
    """Write ``organization``'s data to a ZIP at ``path`` (a file name, or a binary file
    open for writing): ``<app>_<model>.jsonl`` per exported model (one JSON object per
    line) and ``manifest.json`` with the counts and the models left out with their
    reasons. Returns {label: rows}. Run it inside ``activate(organization)``.
    ``progress(done, total, phase)`` is called once per model."""
    counts: dict[str, int] = {}
    entries = list(organization_entries())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, entry in enumerate(entries):
            if progress is not None:
                progress(done, len(entries), f"Exporting {entry.label}")
            count = 0
            with archive.open(f"{entry.file_stem}.jsonl", "w") as stream:
                for row in _organization_queryset(entry, organization).iterator(
                    chunk_size=EXPORT_CHUNK
                ):
                    line = json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False)
                    stream.write(line.encode() + b"\n")
                    count += 1
            counts[entry.label] = count
        manifest = {
            "format": ORGANIZATION_FORMAT,
            "generated_at": timezone.now(),
            "organization": {"id": organization.pk, "slug": organization.slug},
            "files": {
                f"{entry.file_stem}.jsonl": {
                    "model": entry.label,
                    "rows": counts[entry.label],
                    "columns": entry.columns,
                }
                for entry in entries
            },
            "not_exported": {
                entry.label: entry.reason for entry in installed() if entry.label not in counts
            },
        }
        archive.writestr("manifest.json", json.dumps(manifest, cls=DjangoJSONEncoder, indent=2))
    if progress is not None:
        progress(len(entries), len(entries), "Exported")
    return counts
