"""How revenue and its concentration change month by month (DuckDB SQL, window functions).

Two series, each computed by ONE SQL statement (never one query per month); Python only turns the
rows into dataclasses. Money is summed exactly, as integer cents. A client is a name after aliases
(the ``income_view`` table macro, see :mod:`analytics.clients`); with ``by_group=True`` each client
group counts as one client throughout.

:func:`revenue_by_period` — who the revenue came from, per month or quarter
    ``revenue``   net revenue of one client in one period: the sum of its signed amounts (refunds
                  subtract), so a period where refunds outweigh payments is negative.
    named         the ``top_n`` clients with the largest **positive** net revenue over the whole
                  window (ties by name) are shown by name; rank 1 is the largest.
    Other         every other client (a smaller one, or one whose net over the window is zero or
                  negative) is summed into one bucket per period, called "Other (N clients)" where
                  N is how many distinct clients the bucket holds over the whole window ("Other
                  (1 client)" for one). It has ``other_clients == N``; named rows have 0.
    periods       every month/quarter from the first to the last appears, in order: those of the
                  window when one is given (a period cut by the window's edge holds only the
                  window's days), else those of the data. A period with at least one income row
                  has one row per bucket that has rows in it (a bucket whose rows cancel shows 0);
                  a period without any income row has exactly one row, revenue 0, for the
                  rank-1 client (for "Other" when nobody is named), so the series never skips a
                  period. ``period`` is the first day of the month or quarter.
    order         by period, then by rank (named clients largest first, Other last).
    size          at most periods × (top_n + 1) rows, whatever the number of clients.
    empty         no income row in the window (or in the dataset) → ``[]``: nothing to chart.

:func:`concentration_over_time` — how concentrated the trailing year was, month by month
    For EACH calendar month M from the dataset's first month to its last, over the 12 calendar
    months ending with M (M − 11 … M, whole months, all days of each):
    net           per client, the sum of its signed amounts in those 12 months (refunds subtract).
                  Only clients with a positive net take part in the figures below, as in
                  :mod:`analytics.concentration`.
    revenue       the sum of the positive nets (base currency).
    top1 / top3   share of the largest client / of the 3 largest combined (1.0 with ≤ 3 clients).
    hhi           Σ share² over the positive clients (0–1); ``effective_clients`` = 1 / hhi.
    active_clients  clients with at least one **payment** (a row with a positive amount) in those
                  12 months, whatever their net: a client stays active for the 12 months starting
                  with its last payment's month and drops out in the 13th (last payment in
                  January 2025 → active through December 2025, not in January 2026). A client
                  with only refunds is never active; one whose refunds cancel its payments is
                  active but has no share.
    months_covered  how many of the 12 months lie inside the data (from the first data month):
                  the first 11 points of every dataset use fewer months of data (1, 2, …, 11),
                  as does every point of a dataset shorter than 12 months. They are computed the
                  same way, over the months that exist, and are not scaled up.
    no revenue    a month where no client has a positive trailing net is kept (so the series is
                  continuous) with revenue, top1, top3, hhi and effective_clients all 0 — never a
                  division by zero. ``active_clients`` may still be above 0 there.
    How           a dense client × month grid, limited per client to its first month … 11 months
                  after its last month (later months can hold nothing of it), and
                  ``sum(...) OVER (PARTITION BY client ORDER BY month ROWS 11 PRECEDING)``,
                  then one ``GROUP BY month`` (sum, max, ``max(net, 3)`` for the top three, Σ net²).
                  Shares are ratios of exact integer cents, so the figures equal
                  :func:`analytics.concentration.concentration` on the same 12 months.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from analytics.store import INCOME_VIEW, Store, sql_by_group
from analytics.window import Window

GRAINS = {"month": 1, "quarter": 3}  # grain -> months per period
DEFAULT_TOP_N = 8
TRAILING_MONTHS = 12


@dataclass(frozen=True)
class PeriodRevenue:
    """Net revenue of one client (or of the "Other (N clients)" bucket) in one month or quarter.

    ``period`` is the first day of the month/quarter; ``revenue`` the net in base currency (2 dp);
    ``other_clients`` is N for the Other bucket and 0 for a named client. Rules: module docstring.
    """

    period: date
    client: str
    revenue: float
    other_clients: int = 0

    @property
    def is_other(self) -> bool:
        return self.other_clients > 0


@dataclass(frozen=True)
class ConcentrationPoint:
    """Concentration over the 12 calendar months ending with ``month`` (first day of that month).

    ``revenue`` is the trailing-12-month net revenue of the positive clients; ``top1``/``top3``/
    ``hhi`` are fractions 0–1; ``effective_clients`` = 1 / hhi (0 when nobody is positive);
    ``active_clients`` counts clients with a payment in those 12 months; ``months_covered`` how
    many of the 12 months lie inside the data. Rules: module docstring.
    """

    month: date
    revenue: float
    top1: float
    top3: float
    hhi: float
    effective_clients: float
    active_clients: int
    months_covered: int = TRAILING_MONTHS


def other_label(clients: int) -> str:
    """The Other bucket's name: "Other (12 clients)", "Other (1 client)"."""
    return f"Other ({clients} client{'' if clients == 1 else 's'})"


# SQL fragments (fixed text, never user values) shared with analytics.client_mix. Months are
# integer indexes while grouping — about twice as fast as date_trunc on millions of rows — and
# amounts are summed as exact integer cents (BIGINT rows, HUGEINT sums).
MONTH_INDEX_SQL = "(year(date) * 12 + month(date) - 1)"  # months since year 0: Jan 2025 → 24300
CENTS_SQL = "CAST(amount * 100 AS BIGINT)"  # amount is DECIMAL(18,2): exact


def month_start_sql(index: str) -> str:
    """SQL for the first day of the month with month index ``index`` (an SQL expression)."""
    return f"make_date(CAST(({index}) // 12 AS BIGINT), CAST(({index}) % 12 + 1 AS BIGINT), 1)"


def _money(cents: int) -> float:
    return round(int(cents) / 100, 2)


# Bound parameters: $dataset_id, $step (months per period), $top_n, $start/$end (DATE or NULL for
# the whole dataset). One row per (period, bucket); see the module docstring.
_REVENUE_BY_PERIOD_SQL = f"""
WITH base AS MATERIALIZED (
    SELECT {MONTH_INDEX_SQL} // $step AS period, client, sum({CENTS_SQL}) AS net_cents
    FROM {INCOME_VIEW}
    WHERE ($start::DATE IS NULL OR date >= $start::DATE)
      AND ($end::DATE IS NULL OR date <= $end::DATE)
    GROUP BY ALL
),
named AS (
    SELECT client, row_number() OVER (ORDER BY sum(net_cents) DESC, client) AS rank
    FROM base
    GROUP BY client
    HAVING sum(net_cents) > 0
    QUALIFY rank <= $top_n
),
bucketed AS (
    SELECT b.period, coalesce(n.rank, $top_n + 1) AS rank, n.client AS named, b.client, b.net_cents
    FROM base b LEFT JOIN named n USING (client)
),
other AS (
    SELECT count(DISTINCT client) AS other_clients FROM bucketed WHERE named IS NULL
),
cells AS (
    SELECT period, rank, any_value(named) AS client, sum(net_cents) AS net_cents
    FROM bucketed
    GROUP BY period, rank
),
bounds AS (
    SELECT coalesce((year($start::DATE) * 12 + month($start::DATE) - 1) // $step, min(period)) AS first,
           coalesce((year($end::DATE) * 12 + month($end::DATE) - 1) // $step, max(period)) AS last
    FROM base
    HAVING count(*) > 0
),
periods AS (
    SELECT unnest(range(first, last + 1)) AS period FROM bounds
),
filler AS (  -- the bucket an empty period is shown under: rank 1, or Other when nobody is named
    SELECT coalesce(min(rank), $top_n + 1) AS rank, min(client) FILTER (WHERE rank = 1) AS client FROM named
)
SELECT {month_start_sql("p.period * $step")} AS period_start,
       coalesce(c.rank, f.rank) AS rank,
       CASE WHEN c.rank IS NULL THEN f.client ELSE c.client END AS client,
       coalesce(c.net_cents, 0) AS net_cents,
       o.other_clients
FROM periods p
LEFT JOIN cells c USING (period)
CROSS JOIN filler f
CROSS JOIN other o
ORDER BY p.period, rank
"""
_REVENUE_BY_PERIOD = sql_by_group(_REVENUE_BY_PERIOD_SQL)


def revenue_by_period(
    store: Store,
    dataset_id: int,
    grain: str = "month",
    top_n: int = DEFAULT_TOP_N,
    window: Window | None = None,
    *,
    by_group: bool = False,
) -> list[PeriodRevenue]:
    """Net revenue per period for the ``top_n`` largest clients plus one "Other (N clients)" bucket.

    ``grain`` is ``"month"`` or ``"quarter"``; ``window`` limits the dates (default: the whole
    dataset); ``by_group=True`` names client groups instead of their members. Every rule — who is
    named, the Other bucket, zero rows — is in the module docstring. Raises ``ValueError`` for an
    unknown grain or a negative ``top_n``.
    """
    if grain not in GRAINS:
        raise ValueError(f"Unknown period '{grain}': use 'month' or 'quarter'.")
    if isinstance(top_n, bool) or not isinstance(top_n, int) or top_n < 0:
        raise ValueError("The number of clients to name must be a whole number, 0 or more.")
    params = {
        "dataset_id": dataset_id,
        "step": GRAINS[grain],
        "top_n": top_n,
        "start": window.start if window else None,
        "end": window.end if window else None,
    }
    with store.cursor() as cur:
        rows = cur.execute(_REVENUE_BY_PERIOD[bool(by_group)], params).fetchall()
    result = []
    for period, _rank, client, net_cents, other_clients in rows:
        if client is None:
            result.append(PeriodRevenue(period, other_label(other_clients), _money(net_cents), int(other_clients)))
        else:
            result.append(PeriodRevenue(period, client, _money(net_cents)))
    return result


# The first step of every month-by-month series: per client and integer month index, net revenue
# in cents and the number of payments. Shared with analytics.client_mix.
MONTHLY_CTE = f"""WITH monthly AS MATERIALIZED (
    SELECT client,
           {MONTH_INDEX_SQL} AS month,
           sum({CENTS_SQL}) AS net_cents,
           count(*) FILTER (WHERE amount > 0) AS payments
    FROM {INCOME_VIEW}
    GROUP BY ALL
),"""

# Bound parameter: $dataset_id. One row per month from the first data month to the last.
_CONCENTRATION_OVER_TIME_SQL = f"""
{MONTHLY_CTE}
bounds AS (
    SELECT min(month) AS first, max(month) AS last FROM monthly HAVING count(*) > 0
),
spans AS (  -- the months in which a client can have trailing revenue or be active
    SELECT m.client, min(m.month) AS from_month, least(max(m.month) + 11, any_value(b.last)) AS to_month
    FROM monthly m CROSS JOIN bounds b
    GROUP BY m.client
),
grid AS (  -- dense: every month of every client's span, 0 where it has no row
    SELECT g.client, g.month, coalesce(x.net_cents, 0) AS net_cents, coalesce(x.payments, 0) AS payments
    FROM (SELECT client, unnest(range(from_month, to_month + 1)) AS month FROM spans) g
    LEFT JOIN monthly x USING (client, month)
),
rolling AS (
    SELECT month,
           sum(net_cents) OVER last12 AS net_cents,
           sum(payments) OVER last12 AS payments
    FROM grid
    WINDOW last12 AS (PARTITION BY client ORDER BY month ROWS BETWEEN 11 PRECEDING AND CURRENT ROW)
),
stats AS (
    SELECT month,
           sum(net_cents) FILTER (WHERE net_cents > 0) AS total_cents,
           max(net_cents) FILTER (WHERE net_cents > 0) AS top1_cents,
           list_sum(max(net_cents, 3) FILTER (WHERE net_cents > 0)) AS top3_cents,
           sum(net_cents::DOUBLE * net_cents::DOUBLE) FILTER (WHERE net_cents > 0) AS squares,
           count(*) FILTER (WHERE payments > 0) AS active_clients
    FROM rolling
    GROUP BY month
)
SELECT {month_start_sql("ms.month")} AS month_start,
       coalesce(s.total_cents, 0) AS total_cents,
       coalesce(s.top1_cents::DOUBLE / s.total_cents::DOUBLE, 0.0) AS top1,
       coalesce(s.top3_cents::DOUBLE / s.total_cents::DOUBLE, 0.0) AS top3,
       coalesce(s.squares / (s.total_cents::DOUBLE * s.total_cents::DOUBLE), 0.0) AS hhi,
       coalesce(s.active_clients, 0) AS active_clients,
       least(ms.month - b.first + 1, 12) AS months_covered
FROM (SELECT unnest(range(first, last + 1)) AS month FROM bounds) ms
CROSS JOIN bounds b
LEFT JOIN stats s USING (month)
ORDER BY ms.month
"""
_CONCENTRATION_OVER_TIME = sql_by_group(_CONCENTRATION_OVER_TIME_SQL)

def concentration_over_time(store: Store, dataset_id: int, *, by_group: bool = False) -> list[ConcentrationPoint]:
    """Trailing-12-month concentration for every month of the dataset, oldest first (client groups
    as one client each with ``by_group=True``).

    One point per calendar month from the first data month to the last; ``[]`` for a dataset
    without rows. Every rule — refunds, who is active, short data, months without revenue — is in
    the module docstring.
    """
    with store.cursor() as cur:
        rows = cur.execute(_CONCENTRATION_OVER_TIME[bool(by_group)], {"dataset_id": dataset_id}).fetchall()
    return [
        ConcentrationPoint(
            month=month,
            revenue=_money(total_cents),
            top1=float(top1),
            top3=float(top3),
            hhi=float(hhi),
            effective_clients=1.0 / hhi if hhi > 0 else 0.0,
            active_clients=int(active),
            months_covered=int(covered),
        )
        for month, total_cents, top1, top3, hhi, active, covered in rows
    ]
