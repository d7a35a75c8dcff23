"""Find how a CSV file is written (delimiter, quoting, header, columns) with DuckDB's sniffer.

DuckDB's ``sniff_csv`` tries delimiter/quote/escape candidates on a sample and returns the dialect
with the most consistent column count. We run it with ``ignore_errors`` so a few malformed rows do
not derail detection, and fall back to counting candidate delimiters in the first line when the
sniffer sees only one column (it can, for a tiny file).

Lines above the real header (a bank statement's title, account number, period, blank lines) are
found first by :func:`.header.find_header`. When there are such lines, the sniffer and the reader are
told to skip them (``skip``, which ``sniff_csv`` takes like ``read_csv``), to take the next line as
the header (``header = true``) and to use the delimiter the header was found with (unless the user
chose one). Files whose header is the first line, or where no header is found, are sniffed exactly
as before (no ``skip``, ``header`` or ``delim`` is imposed).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import duckdb

from .errors import IngestError
from .header import DELIMITERS, find_header


@dataclass(frozen=True)
class Dialect:
    """How to split the file into records and fields. ``columns`` are the header names (or
    ``column0``… when the file has no header); ``skip`` is the number of lines above the header."""

    delimiter: str
    quote: str
    escape: str
    has_header: bool
    columns: tuple[str, ...]
    skip: int = 0

    @property
    def delimiter_label(self) -> str:
        return {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(self.delimiter, repr(self.delimiter))

    def read_csv_args(self) -> tuple[str, list]:
        """The explicit ``read_csv`` arguments (SQL fragment, bound values) for this dialect."""
        sql = (
            "delim = ?, quote = ?, escape = ?, header = ?, skip = ?, auto_detect = false, "
            "all_varchar = true, columns = ?"
        )
        return sql, [
            self.delimiter,
            self.quote,
            self.escape,
            self.has_header,
            self.skip,
            {name: "VARCHAR" for name in self.columns},
        ]


def sniff(con: duckdb.DuckDBPyConnection, path: str, delimiter: str | None = None) -> Dialect:
    """Detect the dialect of the UTF-8 file at ``path``; ``delimiter`` forces the delimiter."""
    options = "ignore_errors = true, sample_size = 20480"
    params: list = [path]
    header = find_header(path, delimiter)
    skip = header.skip if header else 0
    if skip:
        options += ", skip = ?, header = true"
        params.append(skip)
    sniff_delimiter = delimiter or (header.delimiter if skip else None)
    if sniff_delimiter:
        options += ", delim = ?"
        params.append(sniff_delimiter)
    try:
        row = con.execute(
            f"SELECT Delimiter, Quote, Escape, HasHeader, Columns FROM sniff_csv(?, {options})", params
        ).fetchone()
    except duckdb.Error as exc:
        raise IngestError(f"Could not read the file as CSV: {_first_line(exc)}") from exc
    delim, quote, escape, has_header, columns = row
    dialect = Dialect(
        delimiter=delim,
        quote=_none_if_empty(quote),
        escape=_none_if_empty(escape),
        has_header=bool(has_header),
        columns=tuple(col["name"] for col in columns),
        skip=skip,
    )
    if len(dialect.columns) == 1 and not sniff_delimiter:
        guess = _delimiter_from_first_line(path)
        if guess and guess != dialect.delimiter:
            return sniff(con, path, delimiter=guess)
    return dialect


def with_delimiter(con: duckdb.DuckDBPyConnection, path: str, dialect: Dialect, delimiter: str) -> Dialect:
    """Re-sniff with a user-chosen delimiter, keeping nothing else from the old guess."""
    return sniff(con, path, delimiter=delimiter) if delimiter != dialect.delimiter else replace(dialect)


def _none_if_empty(value: str) -> str:
    # sniff_csv reports "no quote/escape" as '(empty)'; read_csv wants an empty string then.
    return "" if value in ("(empty)", "") else value


def _delimiter_from_first_line(path: str) -> str | None:
    with open(path, encoding="utf-8", errors="replace") as handle:
        first = handle.readline()
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else None


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
