"""Reading an uploaded CSV of people, for every importer: one place that turns a file that
is not a readable list into a message naming the line, never a 500."""

from __future__ import annotations

import csv
import io

from mentoring.request_validation import has_forbidden


class CsvFileError(Exception):
    """The file cannot be read as a list: ``line`` is where, ``message`` what to fix."""

    def __init__(self, line: int, message: str):
        self.line = line
        self.message = message
        super().__init__(f"Line {line}: {message}")


def read_csv_rows(data: bytes) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The lower-cased header names and the (line number, {header: stripped cell}) rows.

    Refused with the line: text that is not UTF-8, a cell longer than the csv module
    reads (128 KB), a NUL character or half of a broken character (nothing can store them).
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CsvFileError(1, "the file is not UTF-8 text; save it as CSV UTF-8.") from error
    reader = csv.DictReader(io.StringIO(text))
    try:
        headers = [(name or "").strip().lower() for name in reader.fieldnames or []]
        reader.fieldnames = headers
        rows = []
        for row in reader:
            line = reader.line_num
            cells = {key: (value or "").strip() for key, value in row.items() if key}
            if any(has_forbidden(value) for value in cells.values()):
                raise CsvFileError(
                    line, "a cell holds a null character or a broken character; retype it."
                )
            rows.append((line, cells))
    except csv.Error as error:  # e.g. a cell longer than the csv module takes
        raise CsvFileError(reader.line_num, f"this is not a list of people ({error}).") from error
    if any(has_forbidden(name) for name in headers):
        raise CsvFileError(1, "the header row holds a null character or a broken character.")
    return headers, rows
