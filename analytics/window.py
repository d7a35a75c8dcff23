"""The analysis window: which dates of a dataset a concentration report looks at.

A window is two inclusive dates. The user describes it with a short *window spec*:

``12m`` (the default)
    The trailing twelve months ending on the dataset's **last record date** (not today: an export
    from last spring should still show a full year). Rule: ``start = last_date − 12 months + 1 day``,
    ``end = last_date``. "− 12 months" keeps the day of the month and, when that day does not exist
    in the target month, falls back to the month's last day (DuckDB's ``date - INTERVAL 12 MONTH``).
    Examples: last record 2026-10-15 → 2025-10-16 … 2026-10-15; last record 2024-02-29 →
    2023-02-28 + 1 day = 2023-03-01 … 2024-02-29.
``all``
    From the dataset's first to its last record date.
``YYYY-MM-DD:YYYY-MM-DD``
    A custom window, both dates inclusive, taken as given (it may reach past the data).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from analytics.store import Store

TRAILING_12M = "12m"
ALL = "all"
DEFAULT_WINDOW_SPEC = TRAILING_12M

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SPEC_HELP = "use '12m' (the last 12 months of data), 'all', or 'YYYY-MM-DD:YYYY-MM-DD' (both dates included)"


def _day_label(d: date) -> str:
    """``1 Nov 2025``: English month abbreviations, independent of the machine's locale."""
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


@dataclass(frozen=True)
class Window:
    """A period of whole days; ``start`` and ``end`` are both included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(f"Window start {self.start.isoformat()} is after its end {self.end.isoformat()}.")

    @property
    def label(self) -> str:
        """Human-readable period, e.g. ``1 Nov 2025 – 31 Oct 2026``."""
        return f"{_day_label(self.start)} – {_day_label(self.end)}"


@dataclass(frozen=True)
class WindowSpec:
    """A parsed window spec; ``start``/``end`` are set only for ``kind == "custom"``."""

    kind: Literal["trailing_12m", "all", "custom"]
    start: date | None = None
    end: date | None = None


def _parse_iso_date(text: str, which: str) -> date:
    # date.fromisoformat alone also accepts forms like "20250101" or "2025-W01-1"; insist on YYYY-MM-DD.
    if not _ISO_DATE.fullmatch(text):
        raise ValueError(f"Window {which} date '{text}' is not in YYYY-MM-DD form (e.g. 2025-01-31).")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"Window {which} date '{text}' is not a real calendar date.") from None


def parse_window_spec(spec: str) -> WindowSpec:
    """Parse ``12m``, ``all`` or ``YYYY-MM-DD:YYYY-MM-DD`` (case and surrounding spaces ignored).

    Raises ``ValueError`` with a message meant for the user on anything else, on a date that does
    not exist, or on a start after the end. A one-day window (start == end) is allowed.
    """
    text = (spec or "").strip()
    lowered = text.lower()
    if lowered == TRAILING_12M:
        return WindowSpec("trailing_12m")
    if lowered == ALL:
        return WindowSpec("all")
    parts = text.split(":")
    if len(parts) != 2:
        raise ValueError(f"Window '{text}' not understood: {_SPEC_HELP}.")
    start = _parse_iso_date(parts[0].strip(), "start")
    end = _parse_iso_date(parts[1].strip(), "end")
    if start > end:
        raise ValueError(f"Window start {start.isoformat()} is after its end {end.isoformat()}: swap the two dates.")
    return WindowSpec("custom", start, end)


_DATE_RANGE_SQL = """
    SELECT min(date),
           max(date),
           CAST(max(date) - INTERVAL 12 MONTH + INTERVAL 1 DAY AS DATE)
    FROM income
    WHERE dataset_id = ?
"""


def resolve_window(store: Store, dataset_id: int, spec: str | WindowSpec = DEFAULT_WINDOW_SPEC) -> Window | None:
    """The concrete window for ``spec`` on one dataset, or ``None`` when the dataset has no rows.

    See the module docstring for the trailing-12-month rule. A string spec is parsed with
    :func:`parse_window_spec` (so it may raise ``ValueError``).
    """
    parsed = parse_window_spec(spec) if isinstance(spec, str) else spec
    with store.cursor() as cur:
        first, last, trailing_start = cur.execute(_DATE_RANGE_SQL, [dataset_id]).fetchone()
    if last is None:
        return None
    if parsed.kind == "trailing_12m":
        return Window(trailing_start, last)
    if parsed.kind == "all":
        return Window(first, last)
    if parsed.start is None or parsed.end is None:
        raise ValueError("A custom window needs both a start and an end date.")
    return Window(parsed.start, parsed.end)
