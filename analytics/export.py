"""Files the user downloads (e.g. the rejected rows), safe to open in a spreadsheet.

Spreadsheet formula injection (OWASP "CSV Injection"): a cell starting with ``=``, ``+``, ``-``,
``@``, tab or carriage return may be run as a formula by Excel/LibreOffice. Text cells that start
so are prefixed with a single quote, which spreadsheets show as text. Numbers are left alone.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """``value`` with a leading ``'`` when it is text a spreadsheet would treat as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 CSV with a BOM (so Excel detects the encoding), every text cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def rejected_rows_csv(rows: Iterable[tuple[int, str, str | None]]) -> bytes:
    """The rejected-rows download from (line, reason, original record) tuples."""
    return to_csv_bytes(["line", "reason", "original record"], rows)
