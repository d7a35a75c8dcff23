"""Revenue at risk for a stored dataset (analytics/revenue_risk.py): the parts wired together.

Monthly standard deviations are worked out by hand; the simulated figures are made exact by
overrides (a client that surely stays or surely leaves) or compared with the closed-form expected
loss within the Monte Carlo's standard error; the fitted route is checked on CDNOW against the
published parameters.
"""

from __future__ import annotations

import json
import math
from datetime import date

import numpy as np
import pytest

from analytics.baseline import client_baseline
from analytics.clients import set_group
from analytics.montecarlo import MIN_PATHS
from analytics.retention import METHOD_FIT, METHOD_PRIOR
from analytics.revenue_risk import client_monthly_sd, revenue_risk
from analytics.scenario import UnknownClientError
from cdnow_helpers import CALIBRATION_END, PUBLISHED, PUBLISHED_LOG_LIKELIHOOD, insert_cdnow


def monthly_rows(client: str, amount: str, months: range, year: int = 2025, day: int = 10):
    return [(f"{year}-{m:02d}-{day:02d}", client, amount) for m in months]


# Steady: 1000 on the 10th of every month of 2025; Lumpy: 1200 once (March) and a 600 refund-free
# payment in November; the last record is 2025-12-31 (Steady's extra 0.01 cent-less marker below).
STEADY = monthly_rows("Steady", "1000.00", range(1, 13))
LUMPY = [("2025-03-10", "Lumpy", "1200.00"), ("2025-11-10", "Lumpy", "600.00")]
END = [("2025-12-31", "Steady", "0.00")]  # fixes the last record date, adds no revenue
ROWS = STEADY + LUMPY + END


def test_monthly_sd_by_hand(add_dataset, store):
    # Window 2025-01-01 … 2025-12-31, n = 12 months.
    # Steady: 1000 every month → sd 0.
    # Lumpy: 1200 and 600 in two months, 0 in ten; mean 150; Σv² = 1,440,000 + 360,000 = 1,800,000;
    #   variance = (1,800,000 − 12 · 150²) / 11 = 1,530,000 / 11; sd = 372.9399…
    ds = add_dataset(ROWS)
    sd = client_monthly_sd(store, ds, client_baseline(store, ds))
    assert sd["Steady"] == pytest.approx(0.0, abs=1e-9)
    assert sd["Lumpy"] == pytest.approx(math.sqrt(1_530_000 / 11), rel=1e-12)


def test_monthly_sd_uses_the_windows_own_months(add_dataset, store):
    # Last record 2025-12-15 → window 2024-12-16 … 2025-12-15. 2025-01-10 falls in window month 0
    # (12-16 … 01-15), 2025-01-20 in month 1: two months of 600, ten of 0 → mean 100,
    # variance = (720,000 − 12 · 100²) / 11 = 600,000 / 11.
    ds = add_dataset([("2024-12-16", "Other", "1.00"), ("2025-01-10", "A", "600.00"),
                      ("2025-01-20", "A", "600.00"), ("2025-12-15", "Other", "1.00")])
    b = client_baseline(store, ds)
    assert (b.start, b.months) == (date(2024, 12, 16), 12)
    assert client_monthly_sd(store, ds, b)["A"] == pytest.approx(math.sqrt(600_000 / 11), rel=1e-12)


def test_refunds_net_within_their_month(add_dataset, store):
    # 1000 and a 400 refund in the same window month → 600 that month; as in the test above.
    ds = add_dataset([("2024-12-16", "Other", "1.00"), ("2025-01-10", "A", "1000.00"),
                      ("2025-01-12", "A", "-400.00"), ("2025-01-20", "A", "600.00"),
                      ("2025-12-15", "Other", "1.00")])
    assert client_monthly_sd(store, ds, client_baseline(store, ds))["A"] == pytest.approx(math.sqrt(600_000 / 11))


def test_sure_outcomes_give_exact_numbers(add_dataset, store):
    # Overrides: Steady surely stays, Lumpy surely leaves. Steady's sd is 0, so every future is the
    # same: 12 × 1000 = 12,000; baseline_12 = 12 × (1000 + 150) = 13,800; Lumpy's loss 1,800.
    # Lumpy's noise never applies: it pays nothing in any month.
    r = revenue_risk(store, add_dataset(ROWS), overrides={"Steady": 0.0, "Lumpy": 1.0}, paths=MIN_PATHS)
    assert r.baseline_12 == pytest.approx(13_800.0)
    assert (r.p5, r.p50, r.p95) == (pytest.approx(12_000.0),) * 3
    assert r.expected_loss == pytest.approx(1_800.0) and r.revenue_at_risk_95 == pytest.approx(1_800.0)
    lumpy, steady = r.clients
    assert (lumpy.client, lumpy.revenue_at_risk, lumpy.downside_share, lumpy.overridden) == (
        "Lumpy", pytest.approx(1_800.0), 1.0, True)
    assert (steady.client, steady.revenue_at_risk, steady.downside_share, steady.p_leave) == ("Steady", 0.0, 0.0, 0.0)
    assert (lumpy.monthly_baseline, steady.monthly_baseline) == (pytest.approx(150.0), pytest.approx(1000.0))


def test_expected_loss_matches_the_closed_form(add_dataset, store):
    # Steady (sd 0) leaves with probability 1/2 within 12 months (override: a constant hazard
    # h = 1 − 0.5^(1/12)); Lumpy surely leaves (so its noise never applies).
    # Expected loss = 1000 · Σ_{m=1..12} (1 − 0.5^(m/12)) + 12 · 150; MC within 4 standard errors.
    r = revenue_risk(store, add_dataset(ROWS), overrides={"Steady": 0.5, "Lumpy": 1.0}, paths=40_000, seed=1)
    steady_loss = 1000 * sum(1 - 0.5 ** (m / 12) for m in range(1, 13))
    assert [c.revenue_at_risk for c in r.clients] == [pytest.approx(steady_loss, rel=1e-12), pytest.approx(1800.0)]
    se = r.totals_12.std(ddof=1) / math.sqrt(r.paths)
    assert abs(r.expected_loss - (steady_loss + 1800.0)) <= 4 * se


def test_as_of_cuts_records_and_starts_the_fan_after_it(add_dataset, store):
    # As of 2025-06-30: Lumpy's November payment and Steady's payments after June do not exist yet.
    # Window: data starts 2025-01-10 (after the trailing start) → Jan … Jun = 6 months.
    # Steady 6 × 1000 / 6 = 1000; Lumpy 1200 / 6 = 200. A client first seen after the cut-off is absent.
    ds = add_dataset(ROWS + [("2025-09-01", "Later", "5000.00")])
    r = revenue_risk(store, ds, as_of=date(2025, 6, 30), overrides={"Steady": 0.0, "Lumpy": 0.0},
                     horizon=24, paths=MIN_PATHS, expenses=900.0)
    assert r.as_of == date(2025, 6, 30) and r.baseline_12 == pytest.approx(12 * 1200.0)
    assert sorted(c.client for c in r.clients) == ["Lumpy", "Steady"]
    assert list(r.fan.columns) == ["month", "p5", "p25", "p50", "p75", "p95", "expenses"]
    assert list(r.fan["month"])[:3] == ["2025-07", "2025-08", "2025-09"] and len(r.fan) == 24
    assert r.fan["month"].iloc[-1] == "2027-06"
    assert np.all(r.fan["expenses"] == 900.0)
    assert np.all(np.diff(r.fan[["p5", "p25", "p50", "p75", "p95"]].to_numpy(), axis=1) >= 0)


def test_prior_model_is_reported_without_parameters(add_dataset, store):
    r = revenue_risk(store, add_dataset(ROWS), paths=MIN_PATHS)
    assert (r.model.method, r.model.params, r.model.log_likelihood) == (METHOD_PRIOR, None, None)
    assert "fixed typical assumptions" in r.model.note
    assert r.currency == "EUR" and (r.horizon, r.paths, r.seed) == (12, MIN_PATHS, 0)
    assert r.prob_below_expenses is None and np.all(np.isnan(r.fan["expenses"]))
    assert [c.revenue_at_risk for c in r.clients] == sorted((c.revenue_at_risk for c in r.clients), reverse=True)


def test_cdnow_uses_the_fitted_model(store):
    r = revenue_risk(store, insert_cdnow(store), as_of=CALIBRATION_END, paths=MIN_PATHS)
    assert r.model.method == METHOD_FIT and r.currency == "USD"
    assert {k: round(v, 3) for k, v in r.model.params.as_dict().items()} == PUBLISHED.as_dict()
    assert round(r.model.log_likelihood, 1) == PUBLISHED_LOG_LIKELIHOOD
    body = r.to_json_dict()
    assert body["model"]["params"] == r.model.params.as_dict()


def test_the_same_seed_gives_the_same_answer(add_dataset, store):
    ds = add_dataset(ROWS)
    a, b = (revenue_risk(store, ds, seed=5, paths=MIN_PATHS) for _ in range(2))
    c = revenue_risk(store, ds, seed=6, paths=MIN_PATHS)
    assert a.to_json_dict() == b.to_json_dict() and np.array_equal(a.totals_12, b.totals_12)
    assert not np.array_equal(a.totals_12, c.totals_12)


def test_client_groups_count_as_one_client(add_dataset, store):
    ds = add_dataset(ROWS)
    set_group(store, ds, ["Steady", "Lumpy"], "Holding")
    r = revenue_risk(store, ds, by_group=True, paths=MIN_PATHS)
    assert [c.client for c in r.clients] == ["Holding"] and r.baseline_12 == pytest.approx(13_800.0)


def test_json_shape_is_strict_json(add_dataset, store):
    r = revenue_risk(store, add_dataset(ROWS), paths=MIN_PATHS, expenses=500.0)
    body = json.loads(json.dumps(r.to_json_dict(), allow_nan=False))
    assert list(body) == ["currency", "as_of", "horizon", "paths", "seed", "baseline_12", "p5", "p50", "p95",
                          "expected_loss", "revenue_at_risk_95", "expenses", "prob_below_expenses", "model",
                          "clients", "fan"]
    assert list(body["model"]) == ["method", "params", "log_likelihood", "note"]
    assert list(body["clients"][0]) == ["client", "p_alive", "p_leave", "monthly_baseline", "revenue_at_risk",
                                        "downside_share", "overridden"]
    assert body["fan"][0]["month"] == "2026-01" and body["fan"][0]["expenses"] == 500.0
    assert revenue_risk(store, add_dataset(ROWS[:-1] + END, name="b"), paths=MIN_PATHS).to_json_dict()["fan"][0][
        "expenses"] is None


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"overrides": {"Stedy": 0.1}}, UnknownClientError, "Did you mean: Steady"),
        ({"horizon": 36}, ValueError, "12 or 24"),
        ({"paths": 5}, ValueError, "paths"),
        ({"expenses": -3.0}, ValueError, "Expenses"),
        ({"as_of": date(2020, 1, 1)}, ValueError, "no payments on or before"),
    ],
)
def test_bad_input_is_refused(add_dataset, store, kwargs, error, message):
    with pytest.raises(error, match=message):
        revenue_risk(store, add_dataset(ROWS), **kwargs)


def test_unknown_dataset_is_refused(store):
    with pytest.raises(ValueError, match="no dataset 99"):
        revenue_risk(store, 99)
