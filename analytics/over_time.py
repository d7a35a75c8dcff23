"""How revenue and its concentration change month by month (DuckDB SQL, window functions).

TYPES ONLY FOR NOW — the queries are being written (issue 4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class PeriodRevenue:
    """Revenue of one client (or of the "Other (N clients)" bucket) in one month or quarter.

    ``period`` is the first day of the month/quarter."""

    period: date
    client: str
    revenue: float


@dataclass(frozen=True)
class ConcentrationPoint:
    """Concentration over the 12 calendar months ending with ``month`` (first day of that month)."""

    month: date
    revenue: float  # trailing-12-month net revenue of the positive clients
    top1: float
    top3: float
    hhi: float
    effective_clients: float
    active_clients: int  # clients with a payment in those 12 months
