"""Monte Carlo revenue at risk (analytics/montecarlo.py) against closed forms on tiny cases.

Tolerances are stated per test. For a probability estimated from N independent paths the standard
error is √(q(1 − q)/N); for a mean, the sample standard deviation / √N; "within 4 SE" fails by
chance with probability ~6e-5. Everything is seeded, so a passing test passes every time; the
tolerances say how far the numbers may legitimately be from the truth.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from analytics.montecarlo import (
    DEFAULT_PATHS,
    FAN_PERCENTILES,
    MAX_PATHS,
    MIN_PATHS,
    expected_client_loss,
    monthly_hazard,
    simulate_revenue,
    survival,
)


def binomial_ok(observed: float, p: float, n: int, sigmas: float = 4.0) -> bool:
    return abs(observed - p) <= sigmas * math.sqrt(p * (1 - p) / n)


def mean_ok(samples: np.ndarray, expected: float, sigmas: float = 4.0) -> bool:
    return abs(samples.mean() - expected) <= sigmas * samples.std(ddof=1) / math.sqrt(samples.size)


# -- one client ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("p", "horizon"), [(0.1, 12), (0.35, 12), (0.6, 24)])
def test_one_client_is_lost_with_its_leave_probability(p, horizon):
    r = simulate_revenue([1000.0], [0.0], [p], horizon=horizon, paths=20_000, seed=3)
    lost_by_end = np.mean(r.monthly[:, -1] == 0.0)
    assert binomial_ok(lost_by_end, p, 20_000)


def test_one_client_survives_month_by_month_with_the_constant_hazard():
    # g = 0.2 already gone, p_leave = 0.5 over 12 months → (1 − h)^12 = 0.5 / 0.8 = 0.625.
    g, p = 0.2, 0.5
    r = simulate_revenue([500.0], [g], [p], paths=40_000, seed=5)
    h = 1 - 0.625 ** (1 / 12)
    assert monthly_hazard([g], [p], 12)[0] == pytest.approx(h, rel=1e-12)
    for m in (1, 3, 6, 12):
        paying = np.mean(r.monthly[:, m - 1] > 0)
        assert binomial_ok(paying, 0.8 * (1 - h) ** m, 40_000)
    # A departed client never comes back: income per path is non-increasing month to month.
    assert np.all(np.diff(r.monthly, axis=1) <= 0)


def test_a_client_gone_for_sure_pays_nothing_and_one_that_stays_pays_everything():
    r = simulate_revenue([700.0, 300.0], [1.0, 0.0], [1.0, 0.0], paths=MIN_PATHS, seed=1)
    assert np.all(r.monthly == 300.0)
    assert r.expected_loss == pytest.approx(12 * 700.0)
    assert list(r.client_expected_loss) == [12 * 700.0, 0.0]


# -- expected loss ---------------------------------------------------------------------------------------


def test_expected_loss_when_clients_depart_at_the_start():
    # p_gone_now = p_leave: each client is gone for the whole year with probability p_i, so the
    # expected 12-month loss is Σ p_i × 12 × revenue_i = 12 × (0.1·2000 + 0.5·1000 + 0.9·300) = 11,640.
    revenue, p = np.array([2000.0, 1000.0, 300.0]), np.array([0.1, 0.5, 0.9])
    r = simulate_revenue(revenue, p, p, paths=50_000, seed=11)
    assert list(r.client_expected_loss) == pytest.approx([2400.0, 6000.0, 3240.0], rel=1e-12)
    assert r.baseline_12 == 12 * 3300.0
    assert mean_ok(r.baseline_12 - r.totals_12, 11_640.0)


def test_expected_loss_matches_the_closed_form_with_a_monthly_hazard():
    # By hand: g = 0, p_leave = 1 − 2^−12 → h = 1/2, P(gone by month m) = 1 − 2^−m,
    # Σ_{m=1..12} = 12 − (1 − 2^−12) = 11 + 2^−12 months lost, × 100 a month.
    one = expected_client_loss([100.0], [0.0], [1 - 2 ** -12], 12)
    assert one[0] == pytest.approx(100.0 * (11 + 2 ** -12), rel=1e-12)
    rng = np.random.default_rng(0)
    revenue = rng.uniform(100, 5000, 40)
    g = rng.uniform(0, 0.3, 40)
    p = np.minimum(1.0, g + rng.uniform(0, 0.6, 40))
    for horizon in (12, 24):
        r = simulate_revenue(revenue, g, p, horizon=horizon, paths=40_000, seed=horizon)
        closed = expected_client_loss(revenue, g, p, horizon)
        assert np.array_equal(r.client_expected_loss, closed)
        assert mean_ok(r.baseline_12 - r.totals_12, closed.sum())
        assert r.expected_loss == pytest.approx(r.baseline_12 - r.totals_12.mean(), rel=1e-12)


def test_survival_closed_form_by_hand():
    # g = 0.5, p_leave = 0.75 over 12: (1 − h)^12 = 0.5 → S_12 = 0.25, S_6 = 0.5·√0.5.
    s = survival([0.5], [0.75], 12, 12)[0]
    assert (s[11], s[5]) == (pytest.approx(0.25), pytest.approx(0.5 * math.sqrt(0.5)))


# -- percentiles, spread, expenses ------------------------------------------------------------------------


def test_no_risk_means_no_spread():
    r = simulate_revenue([1200.0, 800.0], [0.0, 0.0], [0.0, 0.0], monthly_sd=[0.0, 0.0], paths=MIN_PATHS)
    assert r.p5 == r.p50 == r.p95 == r.baseline_12 == 24_000.0
    assert r.expected_loss == 0.0 and r.revenue_at_risk_95 == 0.0
    assert np.all(r.fan == 2000.0) and r.fan.shape == (len(FAN_PERCENTILES), 12)
    assert list(r.client_downside_share) == [0.0, 0.0]


def test_noise_alone_gives_normal_quantiles():
    # No departures; monthly income = 3000 + N(0, 300² + 400²) = N(3000, 500²) each month, so the
    # 12-month total is N(36,000, 12 · 500²). Quantile tolerance: 4 × the asymptotic SE of a
    # sample quantile, √(q(1 − q)/N) / φ(z_q) × σ.
    n = 40_000
    r = simulate_revenue([1000.0, 2000.0], [0.0, 0.0], [0.0, 0.0], monthly_sd=[300.0, 400.0], paths=n, seed=9)
    sigma12 = 500.0 * math.sqrt(12)
    for q, got in ((0.05, r.p5), (0.5, r.p50), (0.95, r.p95)):
        z = stats.norm.ppf(q)
        tol = 4 * math.sqrt(q * (1 - q) / n) / stats.norm.pdf(z) * sigma12
        assert abs(got - (36_000 + z * sigma12)) <= tol
    month = r.monthly[:, 4]
    assert abs(month.std(ddof=1) - 500.0) <= 4 * 500.0 / math.sqrt(2 * (n - 1))  # SE of an SD
    z5 = stats.norm.ppf(0.05)
    assert abs(r.fan[0, 4] - (3000 + z5 * 500)) <= 4 * math.sqrt(0.05 * 0.95 / n) / stats.norm.pdf(z5) * 500


def test_the_clip_at_zero_raises_the_mean_of_a_lumpy_book():
    # One client of 150 a month with sd 373 that never leaves: each month is max(X, 0) with
    # X ~ N(150, 373²), whose mean is μΦ(μ/σ) + σφ(μ/σ) (the mean of a normal censored at 0);
    # 12 months summed, MC within 4 standard errors.
    mu, sigma = 150.0, 373.0
    r = simulate_revenue([mu], [0.0], [0.0], monthly_sd=[sigma], paths=40_000, seed=13)
    censored = mu * stats.norm.cdf(mu / sigma) + sigma * stats.norm.pdf(mu / sigma)
    assert np.all(r.monthly >= 0)
    assert mean_ok(r.totals_12, 12 * censored)
    assert r.expected_loss < 0  # the clip adds income on average: the "loss" is negative here


def test_revenue_at_risk_is_baseline_minus_p5():
    r = simulate_revenue([1000.0] * 5, [0.1] * 5, [0.4] * 5, paths=DEFAULT_PATHS, seed=2)
    assert r.revenue_at_risk_95 == pytest.approx(r.baseline_12 - np.percentile(r.totals_12, 5))
    assert r.p5 <= r.p50 <= r.p95 <= r.baseline_12
    assert np.all(np.diff(r.fan, axis=0) >= 0)  # P5 ≤ P25 ≤ … ≤ P95 every month


def test_probability_of_falling_below_expenses():
    # One client of 1000 a month leaving with probability 0.3 within 12 months (from a constant
    # hazard), expenses 500: income drops below in some month exactly when the client leaves.
    r = simulate_revenue([1000.0], [0.0], [0.3], expenses=500.0, paths=20_000, seed=4)
    assert binomial_ok(r.prob_below_expenses, 0.3, 20_000)
    # Expenses the income can never cover, and none at all.
    assert simulate_revenue([1000.0], [0.0], [0.3], expenses=1000.01, paths=MIN_PATHS).prob_below_expenses == 1.0
    assert simulate_revenue([1000.0], [0.0], [0.3], paths=MIN_PATHS).prob_below_expenses is None


def test_horizon_24_reports_the_next_12_months():
    r = simulate_revenue([100.0, 200.0], [0.0, 0.1], [0.2, 0.5], horizon=24, paths=MIN_PATHS, seed=8)
    assert r.monthly.shape == (MIN_PATHS, 24) and r.fan.shape == (5, 24)
    assert np.allclose(r.totals_12, r.monthly[:, :12].sum(axis=1))
    assert r.baseline_12 == 3600.0


# -- downside shares ---------------------------------------------------------------------------------------


def test_downside_falls_on_the_risky_client():
    r = simulate_revenue([1000.0, 1000.0], [0.0, 0.0], [0.0, 0.5], paths=DEFAULT_PATHS, seed=6)
    assert list(r.client_downside_share) == [0.0, 1.0]


def test_downside_shares_of_equal_clients_are_about_equal():
    # Four identical clients: by symmetry each carries a quarter of the tail loss. With ~500 tail
    # paths a share estimate varies by a few percent; allow ±0.05.
    r = simulate_revenue([500.0] * 4, [0.05] * 4, [0.5] * 4, paths=DEFAULT_PATHS, seed=10)
    assert r.client_downside_share.sum() == pytest.approx(1.0)
    assert np.all(np.abs(r.client_downside_share - 0.25) <= 0.05)


def test_downside_share_follows_size_when_risk_is_equal():
    r = simulate_revenue([3000.0, 1000.0], [0.0, 0.0], [0.3, 0.3], paths=DEFAULT_PATHS, seed=12)
    big, small = r.client_downside_share
    assert big > 0.7 and big + small == pytest.approx(1.0)


# -- reproducibility ---------------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_futures():
    args = ([900.0, 400.0, 50.0], [0.1, 0.0, 0.3], [0.5, 0.2, 0.9])
    a = simulate_revenue(*args, monthly_sd=[90.0, 0.0, 5.0], seed=42, paths=MIN_PATHS)
    b = simulate_revenue(*args, monthly_sd=[90.0, 0.0, 5.0], seed=42, paths=MIN_PATHS)
    c = simulate_revenue(*args, monthly_sd=[90.0, 0.0, 5.0], seed=43, paths=MIN_PATHS)
    assert np.array_equal(a.monthly, b.monthly) and (a.p5, a.p50, a.p95) == (b.p5, b.p50, b.p95)
    assert not np.array_equal(a.monthly, c.monthly)


# -- bad input ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"monthly": [1.0, 2.0]}, "lengths differ"),
        ({"monthly": [], "p_gone_now": [], "p_leave": []}, "no clients"),
        ({"monthly": [-1.0]}, "≥ 0"),
        ({"monthly": [float("nan")]}, "finite"),
        ({"monthly": ["lots"]}, "must be numbers"),
        ({"p_leave": [1.5]}, "between 0 and 1"),
        ({"p_gone_now": [0.5], "p_leave": [0.2]}, "cannot be below"),
        ({"monthly_sd": [-5.0]}, "≥ 0"),
        ({"horizon": 6}, "12 or 24"),
        ({"paths": 10}, "from 1,000"),
        ({"paths": MAX_PATHS + 1}, "from 1,000"),
        ({"paths": 5000.5}, "whole number"),
        ({"expenses": -1.0}, "Expenses"),
        ({"seed": -1}, "seed"),
    ],
)
def test_bad_input_is_refused_with_a_message(kwargs, message):
    args = {"monthly": [100.0], "p_gone_now": [0.0], "p_leave": [0.2], "paths": MIN_PATHS, **kwargs}
    with pytest.raises(ValueError, match=message):
        simulate_revenue(args.pop("monthly"), args.pop("p_gone_now"), args.pop("p_leave"), **args)
