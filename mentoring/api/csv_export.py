"""CSV for the HR API: formula-safe cells (OWASP "CSV injection"), nested rows flattened
into columns, and responses streamed in constant memory."""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal

from django.http import StreamingHttpResponse
from rest_framework import renderers
from rest_framework.utils.encoders import JSONEncoder

# A cell starting with one of these is a formula to a spreadsheet (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
CSV_CHUNK = 2000

_encoder = JSONEncoder()


def csv_cell(value) -> str:
    """The CSV text of a JSON value: the same text the JSON carries (dates and times as in
    the JSON, true/false, lists and objects as compact JSON, null as empty), and text a
    spreadsheet would run as a formula neutralized with a leading quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)  # a number is never a formula, even a negative one
    if isinstance(value, Decimal):
        return str(float(value))
    if isinstance(value, datetime.date | datetime.datetime):
        return _encoder.default(value)
    if isinstance(value, list | tuple | dict):
        text = json.dumps(value, cls=JSONEncoder, separators=(",", ":"), ensure_ascii=False)
    else:
        text = str(value)
    if text.startswith(FORMULA_START) or text.lstrip().startswith(FORMULA_START[:4]):
        return "'" + text
    return text


def _flatten(row: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in row.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


class CsvRenderer(renderers.BaseRenderer):
    """``?format=csv`` (or ``Accept: text/csv``). Lists stream their CSV themselves (see
    HrListView); this renders one object (nested objects as dotted columns) or errors."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        rows = data if isinstance(data, list) else [data]
        buffer = io.StringIO()
        if rows and isinstance(rows[0], dict):
            rows = [_flatten(row) for row in rows]
            writer = csv.writer(buffer)
            writer.writerow(list(rows[0]))
            for row in rows:
                writer.writerow([csv_cell(value) for value in row.values()])
        return buffer.getvalue().encode()


def csv_response(header: list[str], chunks, filename: str) -> StreamingHttpResponse:
    """Stream ``chunks`` (an iterable of lists of row dicts) as CSV under ``header``."""

    def lines():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        yield buffer.getvalue()
        for rows in chunks:
            buffer.seek(0)
            buffer.truncate()
            for row in rows:
                writer.writerow([csv_cell(row[key]) for key in header])
            yield buffer.getvalue()

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response
