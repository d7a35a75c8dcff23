"""Where each month's revenue comes from: new vs returning clients, client tenure, cohorts.

Each series is ONE DuckDB statement (window functions over per-client month or quarter totals);
Python only turns rows into dataclasses. Money is summed exactly, as integer cents.

Rules shared by all three
    client        a name after aliases (the ``income_view`` table macro, see
                  :mod:`analytics.clients`); with ``by_group=True`` each client group is one client,
                  whose first month is the earliest of its members'.
    revenue       net: the sum of signed amounts (refunds subtract), so a figure can be negative.
    first month   a client's first month (first quarter) is the month (quarter) of its earliest
                  income row in the whole dataset. That row is normally a payment; a refund dated
                  before any payment (an export that starts mid-relationship) still marks the client
                  as known from then on.
    continuous    every month (quarter) from the dataset's first to its last appears, with 0
                  where nothing happened. A dataset without rows gives ``[]``.

:func:`new_vs_returning` — per month
    new           net revenue of the clients whose first month is this month;
    returning     net revenue of the clients whose first month is earlier;
    new_clients   how many clients have this month as their first month;
    returning_clients  how many clients with an earlier first month made a payment (a row with a
                  positive amount) this month. ``new + returning`` is the month's net revenue.

:func:`revenue_by_tenure` — per month
    tenure        whole calendar months from the client's first month to the month of the row
                  (first month = 0; a client first seen on 31 January has tenure 1 on 1 February).
    first_year    net revenue at tenure 0–11; ``one_to_two_years`` 12–23; ``two_plus_years`` 24+.
                  The three add up to the month's net revenue.

:func:`cohort_revenue` — one cell per (cohort, calendar quarter)
    cohort        the quarter of the clients' first row, labelled "2024-Q1".
    cells         every quarter from the cohort's own quarter to the dataset's last quarter, including
                  quarters where the cohort earns nothing (revenue 0, clients 0, retention 0): a
                  cohort that stops paying shows zero cells, it does not vanish.
    quarters_since  0 for the cohort's own quarter, 1 for the next, …
    revenue       the cohort's net revenue in that quarter.
    retention     revenue / the cohort's revenue in its own quarter (1.0 in quarter 0); 0 for every
                  cell when that first-quarter revenue is ≤ 0 (no base to compare with). Can exceed 1
                  (the cohort grew) or be negative (refunds outweigh payments).
    clients       cohort clients with at least one payment (positive amount) in that quarter;
                  ``cohort_clients`` is the cohort's size (every client whose first row is there).
    order         by cohort, then quarter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from analytics.over_time import CENTS_SQL, MONTH_INDEX_SQL, MONTHLY_CTE, month_start_sql
from analytics.store import INCOME_VIEW, Store, sql_by_group

FIRST_YEAR_MONTHS = 12  # tenure 0–11
TWO_YEARS_MONTHS = 24  # tenure 12–23 is the second year; 24 and more "two plus"


@dataclass(frozen=True)
class NewReturningPoint:
    """One month's net revenue split by whether the client is new that month (rules: module docstring)."""

    month: date  # first day of the month
    new: float  # net revenue from clients whose first row (normally a payment) is in this month
    returning: float  # net revenue from clients first seen in an earlier month
    new_clients: int
    returning_clients: int = 0  # earlier clients with a payment this month


@dataclass(frozen=True)
class TenurePoint:
    """One month's net revenue split by how long the paying client has been with you."""

    month: date
    first_year: float  # net revenue from clients 0–11 months after their first month
    one_to_two_years: float  # 12–23 months
    two_plus_years: float  # 24 months or more


@dataclass(frozen=True)
class CohortCell:
    """Revenue of one first-payment cohort in one calendar quarter (rules: module docstring)."""

    cohort: str  # quarter of the clients' first row (normally a payment), "2024-Q1"
    quarter: str  # quarter the revenue was earned, "2024-Q3"
    quarters_since: int  # 0 for the cohort's own first quarter
    revenue: float
    retention: float  # revenue / the cohort's revenue in its first quarter
    clients: int  # cohort clients paying in that quarter
    cohort_clients: int = 0  # clients in the cohort


# Per client and month (integer month index): net revenue in cents, payment count and the
# client's first month (a window minimum over the client's months).
_MONTHLY = f"""
{MONTHLY_CTE}
tenured AS (
    SELECT *, month - min(month) OVER (PARTITION BY client) AS tenure FROM monthly
),
months AS (
    SELECT unnest(range(min(month), max(month) + 1)) AS month FROM monthly HAVING count(*) > 0
)
"""

_NEW_VS_RETURNING_SQL = (
    _MONTHLY
    + f""",
per_month AS (
    SELECT month,
           sum(net_cents) FILTER (WHERE tenure = 0) AS new_cents,
           sum(net_cents) FILTER (WHERE tenure > 0) AS returning_cents,
           count(*) FILTER (WHERE tenure = 0) AS new_clients,
           count(*) FILTER (WHERE tenure > 0 AND payments > 0) AS returning_clients
    FROM tenured
    GROUP BY month
)
SELECT {month_start_sql("m.month")}, coalesce(p.new_cents, 0), coalesce(p.returning_cents, 0),
       coalesce(p.new_clients, 0), coalesce(p.returning_clients, 0)
FROM months m LEFT JOIN per_month p USING (month)
ORDER BY m.month
"""
)

_TENURE_SQL = (
    _MONTHLY
    + f""",
per_month AS (
    SELECT month,
           sum(net_cents) FILTER (WHERE tenure < $first_year) AS first_year,
           sum(net_cents) FILTER (WHERE tenure >= $first_year AND tenure < $two_years) AS one_to_two,
           sum(net_cents) FILTER (WHERE tenure >= $two_years) AS two_plus
    FROM tenured
    GROUP BY month
)
SELECT {month_start_sql("m.month")}, coalesce(p.first_year, 0), coalesce(p.one_to_two, 0), coalesce(p.two_plus, 0)
FROM months m LEFT JOIN per_month p USING (month)
ORDER BY m.month
"""
)

# Quarters as integer indexes too: quarter index = month index // 3.
_COHORT_SQL = f"""
WITH quarterly AS MATERIALIZED (
    SELECT client,
           {MONTH_INDEX_SQL} // 3 AS quarter,
           sum({CENTS_SQL}) AS net_cents,
           count(*) FILTER (WHERE amount > 0) AS payments
    FROM {INCOME_VIEW}
    GROUP BY ALL
),
with_cohort AS (
    SELECT *, min(quarter) OVER (PARTITION BY client) AS cohort FROM quarterly
),
cohorts AS (
    SELECT cohort, count(DISTINCT client) AS cohort_clients FROM with_cohort GROUP BY cohort
),
grid AS (  -- every quarter from each cohort's own to the dataset's last
    SELECT cohort, cohort_clients,
           unnest(range(cohort, (SELECT max(quarter) FROM quarterly) + 1)) AS quarter
    FROM cohorts
),
cells AS (
    SELECT cohort, quarter, sum(net_cents) AS revenue_cents, count(*) FILTER (WHERE payments > 0) AS clients
    FROM with_cohort
    GROUP BY cohort, quarter
),
filled AS (
    SELECT g.cohort, g.quarter, g.cohort_clients,
           g.quarter - g.cohort AS quarters_since,
           coalesce(c.revenue_cents, 0) AS revenue_cents,
           coalesce(c.clients, 0) AS clients,
           first_value(coalesce(c.revenue_cents, 0)) OVER (PARTITION BY g.cohort ORDER BY g.quarter) AS first_cents,
           {month_start_sql("g.cohort * 3")} AS cohort_start,
           {month_start_sql("g.quarter * 3")} AS quarter_start
    FROM grid g LEFT JOIN cells c USING (cohort, quarter)
)
SELECT year(cohort_start) || '-Q' || quarter(cohort_start) AS cohort_label,
       year(quarter_start) || '-Q' || quarter(quarter_start) AS quarter_label,
       quarters_since,
       revenue_cents,
       CASE WHEN first_cents > 0 THEN revenue_cents::DOUBLE / first_cents::DOUBLE ELSE 0.0 END AS retention,
       clients,
       cohort_clients
FROM filled
ORDER BY cohort, quarter
"""

_NEW_VS_RETURNING = sql_by_group(_NEW_VS_RETURNING_SQL)
_TENURE = sql_by_group(_TENURE_SQL)
_COHORT = sql_by_group(_COHORT_SQL)


def _money(cents: int) -> float:
    return round(int(cents) / 100, 2)


def new_vs_returning(store: Store, dataset_id: int, *, by_group: bool = False) -> list[NewReturningPoint]:
    """Per month, net revenue from clients new that month vs clients seen before (module docstring)."""
    with store.cursor() as cur:
        rows = cur.execute(_NEW_VS_RETURNING[bool(by_group)], {"dataset_id": dataset_id}).fetchall()
    return [
        NewReturningPoint(month, _money(new), _money(returning), int(new_clients), int(returning_clients))
        for month, new, returning, new_clients, returning_clients in rows
    ]


def revenue_by_tenure(store: Store, dataset_id: int, *, by_group: bool = False) -> list[TenurePoint]:
    """Per month, net revenue by client tenure: 0–11, 12–23 and 24+ months (module docstring)."""
    params = {"dataset_id": dataset_id, "first_year": FIRST_YEAR_MONTHS, "two_years": TWO_YEARS_MONTHS}
    with store.cursor() as cur:
        rows = cur.execute(_TENURE[bool(by_group)], params).fetchall()
    return [TenurePoint(month, _money(a), _money(b), _money(c)) for month, a, b, c in rows]


def cohort_revenue(store: Store, dataset_id: int, *, by_group: bool = False) -> list[CohortCell]:
    """Revenue and retention of each first-quarter cohort in every later quarter (module docstring)."""
    with store.cursor() as cur:
        rows = cur.execute(_COHORT[bool(by_group)], {"dataset_id": dataset_id}).fetchall()
    return [
        CohortCell(cohort, quarter, int(since), _money(revenue), float(retention), int(clients), int(size))
        for cohort, quarter, since, revenue, retention, clients, size in rows
    ]
