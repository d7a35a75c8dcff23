"""The line of the user's file each record starts on, as a text editor shows it.

DuckDB's CSV reader numbers *records* (header, skipped and blank lines included; a quoted field that
spans several lines counts once). Rejected rows must point at the *physical* line, so when a file
has blank lines or multi-line records the record numbers are translated here.
"""

from __future__ import annotations

import duckdb

from .dialect import Dialect


def number_lines(
    cur: duckdb.DuckDBPyConnection, path: str, dialect: Dialect, good: int, structural: list[tuple[int, str, str]]
) -> int | None:
    """Give each of the ``good`` well-formed records (``rn`` is their order, 1, 2, …) its file
    line, and put file lines on the ``structural`` (malformed) records too.

    Returns the offset when every record is one line and none was malformed (the usual case): the
    line is then ``rn + offset`` and no table is needed. Otherwise builds ``eb_lines(rn, line)`` and
    returns None. DuckDB reports malformed records by record number; the well-formed records take
    the remaining numbers in order.
    """
    first = dialect.skip + (1 if dialect.has_header else 0) + 1
    bad = {line for line, _, _ in structural}
    starts = _record_starts(path, dialect, first + good + len(bad) - 1)
    if starts is None:  # one record per line, no blank lines: record numbers are line numbers
        good_lines = [n for n in range(first, first + good + len(bad)) if n not in bad] if bad else None
    else:
        good_lines = [phys for record, phys in starts.items() if record >= first and record not in bad]
        structural[:] = [(starts.get(line, line), reason, raw) for line, reason, raw in structural]
    if good_lines is None:
        return first - 1
    cur.execute(
        "CREATE OR REPLACE TABLE eb_lines AS SELECT unnest(range(1, len(l) + 1)) AS rn, unnest(l) AS line "
        "FROM (SELECT ?::BIGINT[] AS l)",
        [good_lines[:good]],
    )
    return None


def _record_starts(path: str, dialect: Dialect, last_record: int) -> dict[int, int] | None:
    """Map DuckDB's record numbers of non-blank records to the physical line each starts on, or None
    when the file has exactly one line per record (checked by counting newlines, which is fast).

    A record continues on the next line while an odd number of quote characters has been seen
    (doubled quotes inside a quoted field count twice, so they keep the parity).
    """
    newlines, size, last_byte = 0, 0, b"\n"
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(4 * 1024 * 1024), b""):
            newlines += block.count(b"\n")
            size += len(block)
            last_byte = block[-1:]
    physical_lines = newlines + (0 if last_byte == b"\n" or size == 0 else 1)
    if physical_lines == last_record:
        return None
    quote = dialect.quote or None
    starts: dict[int, int] = {}
    record, open_quote = 0, False
    with open(path, encoding="utf-8", errors="replace", newline=None) as handle:
        for number, text in enumerate(handle, start=1):
            if not open_quote:
                record += 1
                if text.strip():
                    starts[record] = number
            if quote and text.count(quote) % 2:
                open_quote = not open_quote
    return starts
