"""Revenue at risk: the odds of a bad year, from each client's run-rate and chance of leaving.

:func:`revenue_risk` puts three parts together for one dataset, as of a cut-off date:

1. **Run-rates**: :func:`analytics.baseline.client_baseline` with the default 12-month trailing
   window ending on ``as_of`` (the dataset's last record date by default), records after it
   ignored. Only clients with a positive run-rate take part (the others have nothing to lose).
2. **Month-to-month variability** (SQL, :func:`client_monthly_sd`): each client's sample standard
   deviation of its net revenue over the months of that same window, months without payments
   counting as 0, so a client paying 3,000 once a quarter has a run-rate of 1,000 and a large sd.
   Month k of the window runs from ``start + k months`` (the window's own months, not calendar
   months); a window of n months gives n values; with n = 1 the sd is 0 (it cannot be estimated).
3. **Chances of leaving**: :func:`analytics.retention.retention` (BG/NBD fit or prior, manual
   overrides first).

then runs :func:`analytics.montecarlo.simulate_revenue` over the horizon (month 1 = the month after
``as_of``). Every number of :class:`RevenueRisk` is defined in :mod:`analytics.montecarlo`; per
client, ``revenue_at_risk`` is its expected revenue lost over the next 12 months (closed form) and
``downside_share`` its share of the loss in the worst 5% of futures.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date

import pandas as pd

from .baseline import Baseline, client_baseline
from .bgnbd import BgNbdParams
from .montecarlo import DEFAULT_PATHS, FAN_PERCENTILES, RiskSummary, simulate_revenue
from .retention import METHOD_FIT, retention
from .scenario import month_label
from .store import INCOME_VIEW, Store, sql_by_group

_MONTHLY_SD_SQL = f"""
WITH months AS (  -- net revenue per client and window month k = 0 … n − 1 (months without rows: 0)
    SELECT client, least(date_sub('month', CAST($start AS DATE), date), $n - 1) AS k,
           CAST(sum(amount) AS DOUBLE) AS revenue
    FROM {INCOME_VIEW}
    WHERE date BETWEEN $start AND $end
    GROUP BY ALL
)
-- sample variance over all n months, the unpaid ones included: (Σ v² − n · mean²) / (n − 1)
SELECT client,
       CASE WHEN $n < 2 THEN 0.0
            ELSE sqrt(greatest((sum(revenue * revenue) - pow(sum(revenue), 2) / $n) / ($n - 1), 0.0)) END AS sd
FROM months
GROUP BY client
"""
_MONTHLY_SD = sql_by_group(_MONTHLY_SD_SQL)


@dataclass(frozen=True)
class RiskModel:
    """Which method produced the chances: ``method`` ("bgnbd-fit" or "bgnbd-prior"), the fitted
    ``params`` (weeks) and ``log_likelihood`` (both None when the fixed prior was used), ``note``
    in plain words for the UI."""

    method: str
    params: BgNbdParams | None
    log_likelihood: float | None
    note: str


@dataclass(frozen=True)
class ClientRisk:
    client: str
    p_alive: float  # P(still a client at as_of), from the model (also when overridden)
    p_leave: float  # P(gone by the end of the horizon): the model's, or the user's override
    monthly_baseline: float  # run-rate
    revenue_at_risk: float  # expected revenue lost from this client over the next 12 months
    downside_share: float  # share of the loss in the worst 5% of futures
    overridden: bool


@dataclass(frozen=True)
class RevenueRisk(RiskSummary):
    """The simulated next 12 months (and the horizon's monthly income) of one dataset: the
    summary (p5, p50, p95, baseline_12, expected_loss, revenue_at_risk_95, prob_below_expenses,
    expenses, horizon, paths, seed, totals_12 for a histogram) plus where it comes from."""

    currency: str
    as_of: date
    model: RiskModel
    clients: list[ClientRisk]  # by revenue at risk, largest first
    fan: pd.DataFrame  # month 'YYYY-MM', p5, p25, p50, p75, p95, expenses (NaN without)

    def to_json_dict(self) -> dict:
        """The CLI's ``risk --format json`` shape (a public contract: change it only on purpose)."""
        money = lambda x: None if x is None or math.isnan(x) else round(float(x), 2)  # noqa: E731
        return {
            "currency": self.currency,
            "as_of": self.as_of.isoformat(),
            "horizon": self.horizon,
            "paths": self.paths,
            "seed": self.seed,
            "baseline_12": money(self.baseline_12),
            "p5": money(self.p5),
            "p50": money(self.p50),
            "p95": money(self.p95),
            "expected_loss": money(self.expected_loss),
            "revenue_at_risk_95": money(self.revenue_at_risk_95),
            "expenses": money(self.expenses),
            "prob_below_expenses": self.prob_below_expenses,
            "model": {
                "method": self.model.method,
                "params": None if self.model.params is None else self.model.params.as_dict(),
                "log_likelihood": self.model.log_likelihood,
                "note": self.model.note,
            },
            "clients": [
                {"client": c.client, "p_alive": c.p_alive, "p_leave": c.p_leave,
                 "monthly_baseline": money(c.monthly_baseline), "revenue_at_risk": money(c.revenue_at_risk),
                 "downside_share": c.downside_share, "overridden": c.overridden}
                for c in self.clients
            ],
            "fan": [{"month": row.month, **{f"p{q}": money(getattr(row, f"p{q}")) for q in FAN_PERCENTILES},
                     "expenses": money(row.expenses)} for row in self.fan.itertuples()],
        }


def client_monthly_sd(store: Store, dataset_id: int, baseline: Baseline, *, by_group: bool = False) -> dict[str, float]:
    """Each client's standard deviation of monthly net revenue over ``baseline``'s window (module docstring)."""
    params = {"dataset_id": dataset_id, "start": baseline.start, "end": baseline.end, "n": baseline.months}
    with store.cursor() as cur:
        return {client: float(sd) for client, sd in cur.execute(_MONTHLY_SD[bool(by_group)], params).fetchall()}


def revenue_risk(
    store: Store,
    dataset_id: int,
    *,
    as_of: date | None = None,
    horizon: int = 12,
    paths: int = DEFAULT_PATHS,
    expenses: float | None = None,
    seed: int = 0,
    overrides: Mapping[str, float] | None = None,
    by_group: bool = False,
) -> RevenueRisk:
    """Simulate the next ``horizon`` months of one dataset's income (module docstring).

    Raises ``ValueError`` with a plain message on bad input (``NoBaselineError`` when there is no
    income to simulate, ``UnknownClientError`` for an override naming no client).
    """
    dataset = store.dataset(dataset_id)
    if dataset is None:
        raise ValueError(f"There is no dataset {dataset_id}.")
    kept = retention(store, dataset_id, as_of=as_of, horizon=horizon, overrides=overrides, by_group=by_group)
    baseline = client_baseline(store, dataset_id, by_group=by_group, as_of=kept.as_of)
    sd = client_monthly_sd(store, dataset_id, baseline, by_group=by_group)
    rates = baseline.clients
    odds = [kept.client(c.client) for c in rates]  # every paying client has a history
    result = simulate_revenue(
        [c.monthly for c in rates],
        [o.p_gone_now for o in odds],
        [o.p_leave for o in odds],
        monthly_sd=[sd.get(c.client, 0.0) for c in rates],
        horizon=horizon,
        paths=paths,
        expenses=expenses,
        seed=seed,
    )
    clients = sorted(
        (ClientRisk(c.client, o.p_alive, o.p_leave, c.monthly, float(loss), float(share), o.overridden)
         for c, o, loss, share in zip(rates, odds, result.client_expected_loss, result.client_downside_share)),
        key=lambda c: (-c.revenue_at_risk, c.client),
    )
    fitted = kept.model.method == METHOD_FIT
    model = RiskModel(
        kept.model.method,
        kept.model.params if fitted else None,
        kept.model.fit.log_likelihood if fitted else None,
        kept.model.note,
    )
    fan = pd.DataFrame({"month": [month_label(baseline.next_month, m) for m in range(1, horizon + 1)]})
    for q, row in zip(FAN_PERCENTILES, result.fan):
        fan[f"p{q}"] = row
    fan["expenses"] = math.nan if expenses is None else float(expenses)
    summary = {f.name: getattr(result, f.name) for f in fields(RiskSummary)}
    return RevenueRisk(**summary, currency=dataset.base_currency, as_of=kept.as_of, model=model, clients=clients,
                       fan=fan)
