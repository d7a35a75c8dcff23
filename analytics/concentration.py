"""How concentrated one dataset's revenue is across clients in a window, computed in DuckDB SQL.

What each number means
    net revenue       per client, the sum of its signed amounts in the window (refunds subtract).
                      Only clients with a **positive** net take part below; clients whose refunds
                      equal or exceed their payments are listed apart in ``excluded_clients``.
    share             client net / total net of the positive clients (0–1).
    top_shares[k]     combined share of the k largest clients, k in 1, 3, 5, 10 (1.0 when k ≥ clients).
    hhi               Herfindahl–Hirschman index, Σ share² (0–1): 1 for a single client, 1/n for n
                      equal clients. ``hhi_points`` = hhi × 10,000, the scale of the US Merger
                      Guidelines. ``effective_clients`` = 1 / hhi, the number of equal clients that
                      would give the same HHI.
    gini              population Gini coefficient over clients, as R's ``ineq::Gini`` with its
                      default ``corr = FALSE``: with revenues ascending x₁ ≤ … ≤ xₙ,
                      G = Σ (2i − n − 1)·xᵢ / (n·Σx). 0 = all clients equal; (n − 1)/n at most.
    lorenz            n + 1 points (i/n, share of revenue from the i smallest clients), (0,0) to (1,1).
    pareto_80_clients the fewest clients (largest first) whose combined revenue is at least 80% of
                      the total; exactly 80% counts. Compared in exact integer cents, not floats.

Who is a client
    A client is a name as :mod:`analytics.clients` shows it: ``income_view`` replaces a name by its
    alias target, and with ``by_group=True`` also by its group name, so a group of entities under
    common control counts as one client in every figure. No alias and no group: names as imported.

How it is computed
    One SQL statement. Its first, materialised step is the only one that touches ``income`` (through
    the ``income_view`` table macro): one scan filtered on ``dataset_id`` and the date range, grouped
    by client, summed in exact ``DECIMAL`` and turned into integer cents. Everything after works on
    that small per-client result with window functions; Python only assembles the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from analytics.risk import RiskAssessment, assess
from analytics.store import INCOME_VIEW, Store, sql_by_group
from analytics.window import Window

TOP_K = (1, 3, 5, 10)  # the SQL has one top_<k> column for each


class NoRevenueError(ValueError):
    """The window holds no client with positive net revenue, so there is nothing to measure."""


@dataclass(frozen=True)
class ClientShare:
    """One client's net ``revenue`` in the window (base currency, 2 dp) and its ``share`` of the total."""

    client: str
    revenue: float
    share: float


@dataclass(frozen=True)
class ConcentrationReport:
    """Concentration of one dataset's revenue in one window; see the module docstring for each number."""

    window: Window
    total_revenue: float
    clients: int
    top_shares: dict[int, float]
    hhi: float
    hhi_points: float
    effective_clients: float
    gini: float
    pareto_80_clients: int
    clients_table: list[ClientShare]
    lorenz: list[tuple[float, float]]
    excluded_clients: list[ClientShare]
    risk: RiskAssessment

    def to_json_dict(self) -> dict[str, Any]:
        """The report in the CLI's JSON shape (a public contract: change it only on purpose).

        Money is rounded to 2 dp; shares, hhi and gini are unrounded. Excluded clients, the HHI band
        and the row count are not part of this shape (the CLI adds ``rows``).
        """
        return {
            "period": {"start": self.window.start.isoformat(), "end": self.window.end.isoformat()},
            "total_revenue": round(self.total_revenue, 2),
            "clients": self.clients,
            "top_shares": {str(k): self.top_shares[k] for k in TOP_K},
            "hhi": self.hhi,
            "hhi_points": self.hhi_points,
            "effective_clients": self.effective_clients,
            "gini": self.gini,
            "pareto_80_clients": self.pareto_80_clients,
            "risk": {"level": self.risk.level, "reasons": list(self.risk.reasons)},
            "clients_table": [
                {"client": row.client, "revenue": round(row.revenue, 2), "share": row.share}
                for row in self.clients_table
            ],
            "lorenz": [[x, y] for x, y in self.lorenz],
        }


# Bound parameters: $dataset_id, $start, $end. Output: one row per client, positive
# clients first (largest first, ties by name) with the whole-window figures repeated on each, then
# the excluded clients (net <= 0, largest loss first) with NULL figures.
_CONCENTRATION_SQL = f"""
WITH per_client AS MATERIALIZED (
    SELECT client, CAST(sum(amount) * 100 AS HUGEINT) AS net_cents
    FROM {INCOME_VIEW}
    WHERE date BETWEEN $start AND $end
    GROUP BY client
),
ranked AS (
    SELECT client,
           net_cents,
           count(*) OVER () AS n,
           sum(net_cents) OVER () AS total_cents,
           row_number() OVER (ORDER BY net_cents DESC, client ASC) AS rank_desc,
           row_number() OVER (ORDER BY net_cents ASC, client DESC) AS rank_asc
    FROM per_client
    WHERE net_cents > 0
),
cumulative AS (
    SELECT *,
           net_cents::DOUBLE / total_cents::DOUBLE AS share,
           sum(net_cents) OVER (ORDER BY rank_desc ROWS UNBOUNDED PRECEDING) AS cum_desc_cents,
           sum(net_cents) OVER (ORDER BY rank_asc ROWS UNBOUNDED PRECEDING) AS cum_asc_cents
    FROM ranked
),
summary AS (
    SELECT sum(share * share) AS hhi,
           sum((2 * rank_asc - n - 1)::DOUBLE * net_cents::DOUBLE)
               / (any_value(n)::DOUBLE * any_value(total_cents)::DOUBLE) AS gini,
           max(cum_desc_cents) FILTER (WHERE rank_desc <= 1)::DOUBLE / any_value(total_cents)::DOUBLE AS top_1,
           max(cum_desc_cents) FILTER (WHERE rank_desc <= 3)::DOUBLE / any_value(total_cents)::DOUBLE AS top_3,
           max(cum_desc_cents) FILTER (WHERE rank_desc <= 5)::DOUBLE / any_value(total_cents)::DOUBLE AS top_5,
           max(cum_desc_cents) FILTER (WHERE rank_desc <= 10)::DOUBLE / any_value(total_cents)::DOUBLE AS top_10,
           min(rank_desc) FILTER (WHERE cum_desc_cents * 5 >= total_cents * 4) AS pareto_80_clients
    FROM cumulative
)
SELECT * FROM (
    SELECT c.client, c.net_cents, c.share, c.rank_desc,
           c.rank_asc::DOUBLE / c.n::DOUBLE AS lorenz_x,
           c.cum_asc_cents::DOUBLE / c.total_cents::DOUBLE AS lorenz_y,
           c.rank_asc, c.n, c.total_cents,
           s.hhi, s.gini, s.top_1, s.top_3, s.top_5, s.top_10, s.pareto_80_clients
    FROM cumulative c CROSS JOIN summary s
    UNION ALL
    SELECT client, net_cents, 0.0, NULL, NULL, NULL, NULL, NULL, NULL,
           NULL, NULL, NULL, NULL, NULL, NULL, NULL
    FROM per_client
    WHERE net_cents <= 0
)
ORDER BY rank_desc ASC NULLS LAST, net_cents ASC, client ASC
"""
_CONCENTRATION = sql_by_group(_CONCENTRATION_SQL)


def _money(cents: int) -> float:
    return round(int(cents) / 100, 2)


def concentration(store: Store, dataset_id: int, window: Window, *, by_group: bool = False) -> ConcentrationReport:
    """Measure how concentrated ``dataset_id``'s revenue is across clients within ``window``.

    Aliases always apply; ``by_group=True`` counts each client group as one client.
    Raises :class:`NoRevenueError` when no client has positive net revenue in the window.
    """
    params = {"dataset_id": dataset_id, "start": window.start, "end": window.end}
    with store.cursor() as cur:
        result = cur.execute(_CONCENTRATION[bool(by_group)], params)
        columns = [d[0] for d in result.description]
        rows = [dict(zip(columns, values, strict=True)) for values in result.fetchall()]
    included = [r for r in rows if r["rank_desc"] is not None]
    excluded = [ClientShare(r["client"], _money(r["net_cents"]), 0.0) for r in rows if r["rank_desc"] is None]
    if not included:
        raise NoRevenueError(
            f"No positive revenue between {window.start.isoformat()} and {window.end.isoformat()}: "
            "nothing to measure. Pick a wider window or check the import."
        )

    whole = included[0]  # the whole-window figures are repeated on every included row
    clients = int(whole["n"])
    top_shares = {k: whole[f"top_{k}"] for k in TOP_K}
    clients_table = [ClientShare(r["client"], _money(r["net_cents"]), r["share"]) for r in included]
    lorenz = [(0.0, 0.0)] + [(r["lorenz_x"], r["lorenz_y"]) for r in sorted(included, key=lambda r: r["rank_asc"])]
    hhi = whole["hhi"]
    hhi_points = hhi * 10_000
    effective_clients = 1.0 / hhi
    risk = assess(
        top_client=clients_table[0].client,
        top_share=top_shares[1],
        top3_share=top_shares[3],
        hhi_points=hhi_points,
        effective_clients=effective_clients,
        clients=clients,
    )
    return ConcentrationReport(
        window=window,
        total_revenue=_money(whole["total_cents"]),
        clients=clients,
        top_shares=top_shares,
        hhi=hhi,
        hhi_points=hhi_points,
        effective_clients=effective_clients,
        gini=whole["gini"],
        pareto_80_clients=int(whole["pareto_80_clients"]),
        clients_table=clients_table,
        lorenz=lorenz,
        excluded_clients=excluded,
        risk=risk,
    )
