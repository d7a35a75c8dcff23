"""Find the real header row below a preamble (a title, an account number, a period, blank lines).

Bank and accounting exports often put a few lines above the table::

    Выписка по счёту № 40702810500000012345
    Период: 01.01.2024 - 31.03.2024

    Дата;Контрагент;Сумма
    05.03.2024;ООО «Ромашка»;1 500,50

Only the first :data:`MAX_LINES` lines (at most :data:`_MAX_BYTES` of text) are looked at. Each line
is split into cells with a candidate delimiter (``,`` ``;`` tab ``|``, or the one the user chose),
honouring ``"`` quotes; cells are trimmed; a line with no non-empty cell is blank and ignored. A
line is the **header** when

(a) it has at least 2 cells and the same number of cells as more than half of the non-blank lines
    below it (so a title without the delimiter, or a ``key: value`` line, does not qualify);
(b) it looks like a header: at least 2 non-empty cells, none of which is a number (``1 500,50``,
    ``$1,200``, ``2024``) or a date (``05.03.2024``, ``2024-03-05 10:00``); at least 3/4 as many
    non-empty cells as the median line of the same width below it (so ``Konto;DE12…;;`` above a
    four-column table does not qualify, as in a workbook where every row is padded to one width);
    and more than half of the lines of the same width below it hold a number or a date (data
    follows).

Among the lines that qualify, the first one whose cells name at least two different roles (date,
client, amount… by :func:`header_matches`) wins; when no line does, the first line that qualifies.
That weaker choice is dropped (no header found) when a line above it has the header's width, at
least 3/4 of the median fill and a number or date in it: that is a data row of a file without a
header, not a preamble.

Between delimiters the one whose header names most roles wins, then the one with the most lines of
the header's width below it, then the widest header; ties keep the order ``,`` ``;`` tab ``|``.

:func:`find_header` returns the header's position as the number of **physical** lines above it
(blank lines included), which is what DuckDB's ``read_csv(skip = …)`` skips; 0 for the usual file
whose first line is the header. (Leading blank lines alone count too: without ``skip`` DuckDB's
reader took the header of such a file for a data row.)
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

from .mapping import SYNONYMS, normalise_header

#: The delimiters tried, in order of preference on ties.
DELIMITERS = (",", ";", "\t", "|")
#: How many lines from the top of the file can hold the preamble and the header.
MAX_LINES = 60
_MAX_BYTES = 1024 * 1024

_SPACES = re.compile(r"[\s\u00a0\u2007\u2009\u202f]+")
# An optional currency code or symbol before/after, a sign, digits with thousands separators, an
# accounting negative in parentheses, a trailing minus or percent sign.
_CURRENCY = r"(?:[A-Za-z]{3}|US\$|[$€£¥₽₴₹]|zł|руб\.?|р\.|Fr\.)"
_NUMBER = re.compile(
    rf"^{_CURRENCY}?[-−+]?\(?{_CURRENCY}?[-−+]?[0-9][0-9.,'’]*\)?{_CURRENCY}?-?%?\)?$"
)
_DATE = re.compile(r"^[0-9]{1,4}[./-][0-9]{1,2}[./-][0-9]{1,4}(?:[ T,].*)?$")


@dataclass(frozen=True)
class HeaderRow:
    """Where the header is: ``index`` is its 0-based row (= the number of lines above it);
    ``width`` its number of cells; ``roles`` how many roles its names match; ``support`` how many
    lines of the same width follow it in the sample; ``delimiter`` the delimiter it was split with
    (None for rows handed over already split, as from a workbook)."""

    index: int
    width: int
    roles: int
    support: int
    delimiter: str | None = None

    @property
    def skip(self) -> int:
        return self.index


def find_header(path: str, delimiter: str | None = None) -> HeaderRow | None:
    """The header row of the UTF-8 text file at ``path`` (see the module rules), or None when no
    line qualifies. ``delimiter`` forces the delimiter; by default each of :data:`DELIMITERS` is
    tried."""
    lines = _first_lines(path)
    best: HeaderRow | None = None
    for delim in (delimiter,) if delimiter else DELIMITERS:
        found = find_header_row([_split(line, delim) for line in lines])
        if found is None:
            continue
        found = HeaderRow(found.index, found.width, found.roles, found.support, delim)
        if best is None or _rank(found) > _rank(best):
            best = found
    return best


def find_header_row(rows: Sequence[Sequence[str]]) -> HeaderRow | None:
    """The header among ``rows`` (cells already split; only the first :data:`MAX_LINES` count),
    by rules (a) and (b) of the module docstring, or None."""
    cells = [[_clean(c) for c in row] for row in rows[:MAX_LINES]]
    lines = [(i, row) for i, row in enumerate(cells) if any(row)]
    candidates: list[HeaderRow] = []
    for k, (index, row) in enumerate(lines):
        width = len(row)
        if width < 2:
            continue
        below = [r for _, r in lines[k + 1 :]]
        same = [r for r in below if len(r) == width]
        if 2 * len(same) <= len(below):  # (a): also false when nothing follows
            continue
        if _looks_like_header(row, same):
            candidates.append(HeaderRow(index, width, _roles(row), len(same)))
    strong = [c for c in candidates if c.roles >= 2]
    if strong:
        return strong[0]
    if not candidates:
        return None
    chosen = candidates[0]
    fill = _typical_fill(cells, chosen)
    if any(
        len(row) == chosen.width and _filled(row) >= fill and _has_value(row)
        for index, row in lines
        if index < chosen.index
    ):
        return None  # data rows above it: a file without a header, not a preamble
    return chosen


def _rank(found: HeaderRow) -> tuple[int, int, int]:
    return (found.roles, found.support, found.width)


def _first_lines(path: str) -> list[str]:
    """The first :data:`MAX_LINES` lines (``\\n``, ``\\r\\n`` and ``\\r`` all end a line, as in
    DuckDB), without their line breaks, reading at most :data:`_MAX_BYTES` characters."""
    lines: list[str] = []
    read = 0
    with open(path, encoding="utf-8", errors="replace", newline=None) as handle:
        while len(lines) < MAX_LINES and read < _MAX_BYTES:
            line = handle.readline(_MAX_BYTES - read)
            if not line:
                break
            read += len(line)
            lines.append(line.rstrip("\n"))
    return lines


def _split(line: str, delimiter: str) -> list[str]:
    """The cells of one line; a field over the csv module's size limit (128 KB) splits plainly."""
    try:
        return next(csv.reader([line], delimiter=delimiter, quotechar='"', strict=False), [])
    except csv.Error:
        return line.split(delimiter)


def _clean(cell: str) -> str:
    return cell.replace("\ufeff", "").strip()


def _filled(row: Sequence[str]) -> int:
    return sum(1 for c in row if c)


def _is_value(cell: str) -> bool:
    """True for a number or a date (an amount or a date of a data row), never for a header name."""
    return bool(_DATE.match(cell) or _NUMBER.match(_SPACES.sub("", cell)))


def _has_value(row: Sequence[str]) -> bool:
    return any(c and _is_value(c) for c in row)


def _looks_like_header(row: Sequence[str], same: list[Sequence[str]]) -> bool:
    """Rule (b): names only, about as many as the data has, and data below."""
    filled = _filled(row)
    if filled < 2 or _has_value(row):
        return False
    if filled < 0.75 * median(_filled(r) for r in same):
        return False
    return 2 * sum(1 for r in same if _has_value(r)) > len(same)


def _typical_fill(cells: list[list[str]], header: HeaderRow) -> float:
    """3/4 of the median number of non-empty cells of the lines of the header's width below it."""
    same = [r for r in cells[header.index + 1 :] if any(r) and len(r) == header.width]
    return 0.75 * median(_filled(r) for r in same)


def _roles(row: Sequence[str]) -> int:
    """How many different roles the names in ``row`` match (see :func:`header_matches`)."""
    return len({role for cell in row if cell for role in SYNONYMS if header_matches(cell, role)})


#: Synonyms that name a role only as the whole name: inside a longer one ("Customer data", "Paid
#: from") they say nothing about it.
_WHOLE_NAME_ONLY = frozenset(
    {"data", "created", "name", "from", "paid", "value", "contact", "invoice", "payment", "firma"}
)


def header_matches(name: str, role: str) -> bool:
    """True when the column name ``name`` is a synonym of ``role`` by :data:`.mapping.SYNONYMS`
    (after :func:`.mapping.normalise_header`): the whole name, or a whole word of it for synonyms
    longer than 3 letters that are not in :data:`_WHOLE_NAME_ONLY`."""
    norm = normalise_header(name)
    synonyms = SYNONYMS[role]
    return bool(norm) and (
        norm in synonyms
        or any(
            len(s) > 3 and s not in _WHOLE_NAME_ONLY and re.search(rf"(?<!\w){re.escape(s)}(?!\w)", norm)
            for s in synonyms
        )
    )
