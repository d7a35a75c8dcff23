"""Each client's baseline run-rate: what it pays you in a typical month, as of the dataset's end.

Rule (computed in one DuckDB query)
    The baseline window is the trailing ``months`` (3, 6 or 12; default 12) ending at the dataset's
    last record date: from ``last − months + 1 day`` to ``last``. A client's run-rate is its net
    revenue in that window divided by ``months``.

    When the data covers less than ``months``, the whole span is used instead and divided by the
    number of months it covers, counted as calendar months from the first record's month to the
    last record's month inclusive (January 5 to March 20 covers 3 months).

    Clients are names after aliases (``income_view``, see :mod:`analytics.clients`); with
    ``by_group=True`` each client group is one client, so a scenario can lose a whole group
    (``Loss("Group name")``). The window's dates come from all rows of the dataset.

    With a cut-off date ``as_of`` (revenue at risk "as of" a date) only the records up to it
    count, and the window ends on ``as_of`` itself instead of the last record.

    Clients whose net revenue in the window is zero or negative (refunds equal or exceed payments)
    have no income to lose: their run-rate is 0 and they are listed apart (``non_positive``).
    Baseline income is the sum of the positive run-rates, the same population as the
    concentration figures.

The result is small (one row per client) and is what the scenario arithmetic works on, so the app
caches it per dataset and baseline length: changing a scenario input never re-reads ``income``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from datetime import date

from .store import INCOME_VIEW, Store, sql_by_group

BASELINE_MONTHS = (3, 6, 12)
DEFAULT_BASELINE_MONTHS = 12

_BASELINE_SQL = f"""
WITH cut AS (  -- the records up to as_of (all of them when it is NULL); the window ends at as_of
    SELECT min(date) AS first, coalesce(CAST($as_of AS DATE), max(date)) AS last
    FROM income WHERE dataset_id = $dataset_id AND date <= coalesce(CAST($as_of AS DATE), date)
), bounds AS (
    SELECT first, last, CAST(last - to_months($months) + INTERVAL 1 DAY AS DATE) AS trailing_start FROM cut
), span AS (
    SELECT first, last,
           (year(last) - year(first)) * 12 + month(last) - month(first) + 1 AS months_covered,
           trailing_start
    FROM bounds
), basis AS (
    SELECT last,
           CASE WHEN first <= trailing_start THEN trailing_start ELSE first END AS start,
           CASE WHEN first <= trailing_start THEN $months ELSE least(months_covered, $months) END AS divisor
    FROM span
)
SELECT i.client, CAST(sum(i.amount) AS DECIMAL(18,2)) AS net, any_value(b.start), any_value(b.last),
       any_value(b.divisor)
FROM {INCOME_VIEW} i, basis b
WHERE i.date BETWEEN b.start AND b.last
GROUP BY i.client
ORDER BY net DESC, i.client
"""
_BASELINE = sql_by_group(_BASELINE_SQL)


@dataclass(frozen=True)
class ClientRate:
    """One client's baseline: ``net`` revenue in the window and ``monthly`` run-rate (net / months)."""

    client: str
    net: float
    monthly: float


@dataclass(frozen=True)
class Baseline:
    """Run-rates of every client with positive net revenue, largest first, plus the window used."""

    start: date
    end: date
    months: int  # the divisor: the baseline length, or fewer months when the data is shorter
    clients: tuple[ClientRate, ...]
    non_positive: tuple[ClientRate, ...]

    @cached_property  # read for every client the scenario page lists: computed once
    def monthly(self) -> float:
        """Baseline monthly income: the sum of the positive run-rates."""
        return sum(c.monthly for c in self.clients)

    def rate(self, client: str) -> ClientRate | None:
        for c in (*self.clients, *self.non_positive):
            if c.client == client:
                return c
        return None

    @property
    def next_month(self) -> str:
        """'YYYY-MM' of the month after the last record: where projections start."""
        year, month = (self.end.year + 1, 1) if self.end.month == 12 else (self.end.year, self.end.month + 1)
        return f"{year:04d}-{month:02d}"


class NoBaselineError(ValueError):
    """The dataset has no client with positive net revenue in the baseline window."""


def client_baseline(
    store: Store, dataset_id: int, months: int = DEFAULT_BASELINE_MONTHS, *, by_group: bool = False,
    as_of: date | None = None,
) -> Baseline:
    """Run-rates per client (per client group with ``by_group=True``) for one dataset; rules in
    the module docstring. With ``as_of`` only the records up to that date count and the window
    ends on it (not on the last record before it), as if the data had been exported that day."""
    if months not in BASELINE_MONTHS:
        raise ValueError(f"Baseline length must be one of {', '.join(map(str, BASELINE_MONTHS))} months.")
    with store.cursor() as cur:
        rows = cur.execute(_BASELINE[bool(by_group)],
                           {"dataset_id": dataset_id, "months": months, "as_of": as_of}).fetchall()
    if not rows:
        if as_of is not None:
            raise NoBaselineError(f"This dataset has no income rows on or before {as_of:%d %b %Y}.")
        raise NoBaselineError("This dataset has no income rows to build a baseline from.")
    _, _, start, end, divisor = rows[0]
    positive, other = [], []
    for client, net, *_ in rows:
        net = float(net)
        (positive if net > 0 else other).append(ClientRate(client, net, net / divisor if net > 0 else 0.0))
    if not positive:
        raise NoBaselineError(
            f"No client has positive net revenue between {start:%d %b %Y} and {end:%d %b %Y}: "
            "there is no income to simulate losing."
        )
    return Baseline(start, end, int(divisor), tuple(positive), tuple(other))
