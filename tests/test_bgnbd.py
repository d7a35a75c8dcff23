"""The BG/NBD model (analytics/bgnbd.py) against published values and second methods.

Independent expectations used here:
* the published CDNOW fit (Fader, Hardie & Lee 2005; tests/data/CDNOW_PROVENANCE.md):
  r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9582.4; and Hardie's BG/NBD spreadsheet's
  first customer (x = 2, t_x = 30.43, T = 38.86) with E[purchases in the next 39 weeks] = 1.226;
* the likelihood and P(alive) written out directly with gamma and beta functions (no log-space);
* numerical integration (scipy.integrate.quad) and a hypergeometric identity for expectations over p;
* an event-by-event simulation of the model written in this file (not sample_population).
"""

from __future__ import annotations

import math

import duckdb
import numpy as np
import pytest
from scipy import integrate, special

from analytics.bgnbd import (
    MIN_CLIENTS_FOR_FIT,
    MIN_REPEAT_CLIENTS_FOR_FIT,
    PRIOR_PARAMS,
    BgNbdParams,
    expected_transactions,
    fit,
    log_likelihood,
    p_alive,
    p_alive_after,
    sample_population,
)
from cdnow_helpers import CALIBRATION_END, CDNOW, PUBLISHED, PUBLISHED_LOG_LIKELIHOOD, PURCHASES_SQL

# x = distinct purchase days − 1, t_x and T in weeks from the first purchase, over the calibration
# period (CDNOW_PROVENANCE.md).
CDNOW_RFM_SQL = f"""
SELECT customer, count(DISTINCT day) - 1 AS x, (max(day) - min(day)) / 7.0 AS t_x,
       (DATE '{CALIBRATION_END}' - min(day)) / 7.0 AS T
FROM ({PURCHASES_SQL}) WHERE day <= DATE '{CALIBRATION_END}'
GROUP BY customer ORDER BY customer
"""


@pytest.fixture(scope="module")
def cdnow():
    """(customer, x, t_x, T) arrays of the CDNOW sample's calibration period."""
    with duckdb.connect() as con:
        cols = con.execute(CDNOW_RFM_SQL, [str(CDNOW)]).fetchnumpy()
    return {k: np.asarray(v, dtype=float) for k, v in cols.items()}


@pytest.fixture(scope="module")
def cdnow_fit(cdnow):
    return fit(cdnow["x"], cdnow["t_x"], cdnow["T"])


# -- CDNOW: the published acceptance values ------------------------------------------------------------


def test_cdnow_calibration_data_as_published(cdnow):
    assert len(cdnow["x"]) == 2357  # FHL: 2,357 customers
    first = cdnow["customer"] == 1  # the first row of Hardie's spreadsheet: 2, 30.43, 38.86
    assert (cdnow["x"][first][0], round(cdnow["t_x"][first][0], 2), round(cdnow["T"][first][0], 2)) == (2, 30.43, 38.86)
    assert np.all(cdnow["T"] <= 39.0) and np.all(cdnow["t_x"] <= cdnow["T"])


def test_cdnow_fit_gives_the_published_parameters_and_log_likelihood(cdnow_fit):
    p = cdnow_fit.params
    assert (round(p.r, 3), round(p.alpha, 3), round(p.a, 3), round(p.b, 3)) == (0.243, 4.414, 0.793, 2.426)
    assert round(cdnow_fit.log_likelihood, 1) == PUBLISHED_LOG_LIKELIHOOD
    assert cdnow_fit.converged and cdnow_fit.n_customers == 2357


def test_the_fit_is_the_maximum_nearby(cdnow, cdnow_fit):
    best = cdnow_fit.log_likelihood
    assert log_likelihood(cdnow_fit.params, cdnow["x"], cdnow["t_x"], cdnow["T"]) == pytest.approx(best, abs=1e-9)
    p = cdnow_fit.params
    for name in ("r", "alpha", "a", "b"):
        for factor in (0.99, 1.01):
            moved = BgNbdParams(**{**p.as_dict(), name: getattr(p, name) * factor})
            assert log_likelihood(moved, cdnow["x"], cdnow["t_x"], cdnow["T"]) < best


def test_expected_transactions_of_hardies_first_customer():
    assert round(float(expected_transactions(PUBLISHED, 39, 2, 30.43, 38.86)), 3) == 1.226


# -- the formulas against direct computations ---------------------------------------------------------


def direct_likelihood(p: BgNbdParams, x: int, t_x: float, T: float) -> tuple[float, float]:
    """FHL's likelihood written out with gamma and beta functions: (alive term, dropped-out term)."""
    rate = special.gamma(p.r + x) * p.alpha ** p.r / special.gamma(p.r)
    alive = special.beta(p.a, p.b + x) / special.beta(p.a, p.b) * rate / (p.alpha + T) ** (p.r + x)
    dropped = 0.0
    if x > 0:
        dropped = special.beta(p.a + 1, p.b + x - 1) / special.beta(p.a, p.b) * rate / (p.alpha + t_x) ** (p.r + x)
    return alive, dropped


CASES = [(0, 0.0, 10.0), (1, 3.0, 10.0), (2, 30.43, 38.86), (7, 20.0, 52.0), (15, 60.0, 61.0), (3, 1.0, 80.0)]


@pytest.mark.parametrize("params", [PUBLISHED, PRIOR_PARAMS, BgNbdParams(2.0, 1.5, 3.0, 0.5)])
def test_likelihood_and_p_alive_match_the_direct_formulas(params):
    x, t_x, T = (np.array(c) for c in zip(*CASES))
    direct = [direct_likelihood(params, *case) for case in CASES]
    assert log_likelihood(params, x, t_x, T) == pytest.approx(sum(math.log(a + d) for a, d in direct), rel=1e-12)
    # P(alive) is the posterior weight of the "still alive" branch.
    assert p_alive(params, x, t_x, T) == pytest.approx([a / (a + d) for a, d in direct], rel=1e-12)


def test_p_alive_is_one_without_repeat_purchases():
    assert np.all(p_alive(PUBLISHED, 0, 0, [0.0, 1.0, 39.0, 500.0]) == 1.0)
    assert np.all(p_alive(PRIOR_PARAMS, [0, 0], [0, 0], [2.0, 200.0]) == 1.0)


def test_p_alive_falls_with_a_long_silence_without_overflow():
    values = p_alive(PUBLISHED, 50, 10.0, [10.0, 20.0, 1e6])
    assert 0.0 <= values[2] < values[1] < values[0] <= 1.0
    assert 0.0 <= values[2] < 1e-200


def quad_expected(p: BgNbdParams, t: float, x: int, t_x: float, T: float) -> float:
    """E[Y(t)] = P(alive) · E_p[(1 − ((α+T)/(α+T+pt))^(r+x)) / p], p ~ Beta(a, b+x): purchases of rate
    λ until a dropout of rate λp, averaged over λ ~ Gamma(r+x, α+T) (independent of eq. 10)."""
    def integrand(q):
        density = q ** (p.a - 1) * (1 - q) ** (p.b + x - 1) / special.beta(p.a, p.b + x)
        return (1 - ((p.alpha + T) / (p.alpha + T + q * t)) ** (p.r + x)) / q * density
    value, _ = integrate.quad(integrand, 0, 1, limit=200)
    return value * float(p_alive(p, x, t_x, T))


@pytest.mark.parametrize("params", [PUBLISHED, PRIOR_PARAMS, BgNbdParams(2.0, 1.5, 3.0, 0.5)])
def test_expected_transactions_match_numerical_integration(params):
    for x, t_x, T in CASES:
        for t in (1.0, 39.0, 104.0):
            assert float(expected_transactions(params, t, x, t_x, T)) == pytest.approx(
                quad_expected(params, t, x, t_x, T), rel=1e-6)


def test_expected_transactions_are_continuous_through_a_equal_to_one():
    # PRIOR_PARAMS has a = 1, where eq. 10 is 0/0; compare with the integral (checked above for
    # PRIOR_PARAMS too) and with a just off 1 on both sides.
    below, above = (BgNbdParams(1.0, 4.0, 1.0 + d, 24.0) for d in (-1e-3, 1e-3))
    for x, t_x, T in CASES:
        at_one = float(expected_transactions(PRIOR_PARAMS, 52.0, x, t_x, T))
        assert at_one == pytest.approx(quad_expected(PRIOR_PARAMS, 52.0, x, t_x, T), rel=1e-7)
        sides = [float(expected_transactions(p, 52.0, x, t_x, T)) for p in (below, above)]
        assert min(sides) - 1e-9 <= at_one <= max(sides) + 1e-9


# -- p_alive_after ------------------------------------------------------------------------------------


def euler_p_alive_after(p: BgNbdParams, t: float, x: int, t_x: float, T: float) -> float:
    """P(alive at T) · ₂F₁(r+x, a; a+b+x; −c), c = t/(α+T): Euler's integral of E_p[(1 + pc)^−(r+x)].

    Evaluated through Pfaff's transformation (1+c)^−a · ₂F₁(a, a+b−r; a+b+x; c/(1+c)), whose
    argument lies in [0, 1): scipy's hyp2f1 is off by up to ~1e-5 for arguments below −1.
    """
    c = t / (p.alpha + T)
    f = (1 + c) ** -p.a * special.hyp2f1(p.a, p.a + p.b - p.r, p.a + p.b + x, c / (1 + c))
    return float(p_alive(p, x, t_x, T)) * f


@pytest.mark.parametrize("params", [PUBLISHED, PRIOR_PARAMS, BgNbdParams(0.5, 0.5, 0.3, 40.0)])
def test_p_alive_after_matches_the_hypergeometric_closed_form(params):
    # The accuracy bgnbd documents for its quadrature: 1e-10 relative while c = t/(α+T) ≤ 30,
    # 1e-5 up to c = 1,000 (here up to c = 208.7: α = 0.5, T = 0, t = 104.36).
    for x, t_x, T in [*CASES, (0, 0.0, 0.0), (40, 100.0, 104.0), (3000, 420.0, 430.0)]:
        for t in (0.5, 13.0, 52.18, 104.36):
            got = float(p_alive_after(params, t, x, t_x, T))
            tol = 1e-10 if t / (params.alpha + T) <= 30 else 1e-5
            assert got == pytest.approx(euler_p_alive_after(params, t, x, t_x, T), rel=tol, abs=1e-300)


def test_p_alive_after_matches_direct_integration_over_p():
    """E_p[(1 + c·p)^−(r+x)] integrated as written (adaptive quadrature of the Beta density in log
    space), independent of the Pfaff transformation the module uses."""
    for params in (PUBLISHED, PRIOR_PARAMS):
        for x, t_x, T in CASES:
            for t in (13.0, 104.36):
                c = t / (params.alpha + T)
                log_beta = special.betaln(params.a, params.b + x)

                def density(p):
                    return math.exp((params.a - 1) * math.log(p) + (params.b + x - 1) * math.log1p(-p)
                                    - log_beta - (params.r + x) * math.log1p(c * p))

                expected, _ = integrate.quad(density, 0, 1, limit=400, epsabs=0, epsrel=1e-11)
                expected *= float(p_alive(params, x, t_x, T))
                assert float(p_alive_after(params, t, x, t_x, T)) == pytest.approx(expected, rel=1e-8)


def test_p_alive_after_zero_time_is_p_alive_and_decreases_with_time():
    x, t_x, T = (np.array(c) for c in zip(*CASES))
    assert np.array_equal(p_alive_after(PUBLISHED, 0.0, x, t_x, T), p_alive(PUBLISHED, x, t_x, T))
    later = [p_alive_after(PUBLISHED, t, x, t_x, T) for t in (0, 10, 52, 520)]
    assert all(np.all(b < a) for a, b in zip(later, later[1:]))


def simulate_events(p: BgNbdParams, n: int, T: float, t: float, rng) -> dict[str, np.ndarray]:
    """The model's story told purchase by purchase: exponential gaps of rate λ, and after each
    purchase a coin of probability p ends the relationship. Returns what is seen in (0, T] and
    whether each customer is still active at T and at T + t."""
    lam = rng.gamma(p.r, 1 / p.alpha, n)
    drop = rng.beta(p.a, p.b, n)
    now = np.zeros(n)
    x = np.zeros(n)
    t_x = np.zeros(n)
    death = np.full(n, np.inf)
    active = np.ones(n, bool)
    while active.any():
        idx = np.flatnonzero(active)
        now[idx] += rng.exponential(1 / lam[idx])
        done = now[idx] > T + t
        active[idx[done]] = False
        idx = idx[~done]
        seen = now[idx] <= T
        x[idx[seen]] += 1
        t_x[idx[seen]] = now[idx[seen]]
        dies = rng.random(idx.size) < drop[idx]
        death[idx[dies]] = now[idx[dies]]
        active[idx[dies]] = False
    return {"x": x, "t_x": t_x, "alive_T": death > T, "alive_Tt": death > T + t}


def within_binomial(predicted: np.ndarray, outcome: np.ndarray, sigmas: float = 4.0) -> bool:
    """Σ outcome vs Σ predicted for independent Bernoulli(predicted_i): within ``sigmas`` SDs."""
    sd = math.sqrt(np.sum(predicted * (1 - predicted)))
    return abs(outcome.sum() - predicted.sum()) <= sigmas * sd


@pytest.mark.parametrize("params", [PUBLISHED, PRIOR_PARAMS])
def test_p_alive_and_p_alive_after_against_an_event_simulation(params):
    """Tolerance: for independent Bernoulli outcomes with the model's probabilities, the number
    alive differs from the sum of probabilities by at most 4 standard deviations (fails by chance
    with probability ~6e-5 per comparison); checked for x = 0, x ≥ 1 and everyone."""
    rng = np.random.default_rng(7)
    T, t = 39.0, 52.18
    sim = simulate_events(params, 30_000, T, t, rng)
    x, t_x = sim["x"], sim["t_x"]
    now = p_alive(params, x, t_x, T)
    later = p_alive_after(params, t, x, t_x, T)
    for rows in (x == 0, x > 0, np.ones_like(x, bool)):
        assert within_binomial(now[rows], sim["alive_T"][rows])
        assert within_binomial(later[rows], sim["alive_Tt"][rows])
    assert np.all(now[x == 0] == 1.0) and np.all(sim["alive_T"][x == 0])


# -- sample_population and recovery ----------------------------------------------------------------------


def fhl_expected_x(p: BgNbdParams, t: float) -> float:
    """FHL's unconditional mean: E[X(t)] = (a+b−1)/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b; a+b−1; t/(α+t))]."""
    return (p.a + p.b - 1) / (p.a - 1) * (
        1 - (p.alpha / (p.alpha + t)) ** p.r * special.hyp2f1(p.r, p.b, p.a + p.b - 1, t / (p.alpha + t)))


def test_sample_population_mean_matches_the_published_expectation():
    rng = np.random.default_rng(11)
    x, t_x, T = sample_population(PUBLISHED, 200_000, 39.0, rng)
    # Standard error of the mean from the sample's own spread; 4 SEs.
    assert abs(x.mean() - fhl_expected_x(PUBLISHED, 39.0)) <= 4 * x.std() / math.sqrt(x.size)
    assert np.all((t_x == 0) == (x == 0)) and np.all(t_x <= T)


def test_sample_population_agrees_with_the_event_simulation_on_recency():
    a = sample_population(PUBLISHED, 40_000, 39.0, np.random.default_rng(1))
    b = simulate_events(PUBLISHED, 40_000, 39.0, 0.0, np.random.default_rng(2))
    for rows_a, rows_b in ((a[0] == 1, b["x"] == 1), (a[0] >= 3, b["x"] >= 3)):
        ta, tb = a[1][rows_a], b["t_x"][rows_b]
        se = math.sqrt(ta.var() / ta.size + tb.var() / tb.size)
        assert abs(ta.mean() - tb.mean()) <= 4 * se


def numerical_standard_errors(params: BgNbdParams, x, t_x, T, step: float = 1e-4) -> np.ndarray:
    """Asymptotic standard errors of (r, α, a, b): inverse observed information (central-difference
    Hessian of −LL in log-parameters), mapped back by the delta method (se(θ) = θ · se(log θ))."""
    theta = np.log([params.r, params.alpha, params.a, params.b])

    def nll(v):
        return -log_likelihood(BgNbdParams(*np.exp(v)), x, t_x, T)

    hess = np.zeros((4, 4))
    for i in range(4):
        for j in range(4):
            ei, ej = np.eye(4)[i] * step, np.eye(4)[j] * step
            hess[i, j] = (nll(theta + ei + ej) - nll(theta + ei - ej) - nll(theta - ei + ej) + nll(theta - ei - ej)) / (4 * step ** 2)
    return np.exp(theta) * np.sqrt(np.diag(np.linalg.inv(hess)))


def test_fit_recovers_known_parameters_from_a_synthetic_population():
    """10,000 customers from known parameters, observed 26–78 weeks: each estimate within 4
    asymptotic standard errors of the truth, and those errors small (< 15% of each value), so the
    check has teeth; and the fitted P(alive) within 0.01 of the true P(alive) on average."""
    truth = BgNbdParams(0.5, 4.0, 0.8, 2.5)
    rng = np.random.default_rng(2024)
    T = rng.uniform(26, 78, 10_000)
    x, t_x, T = sample_population(truth, 10_000, T, rng)
    result = fit(x, t_x, T)
    assert result.converged
    est = np.array([result.params.r, result.params.alpha, result.params.a, result.params.b])
    true = np.array([truth.r, truth.alpha, truth.a, truth.b])
    se = numerical_standard_errors(result.params, x, t_x, T)
    assert np.all(se < 0.15 * true)
    assert np.all(np.abs(est - true) <= 4 * se), (est, se)
    assert np.mean(np.abs(p_alive(result.params, x, t_x, T) - p_alive(truth, x, t_x, T))) < 0.01


def test_fit_without_any_repeat_customer_does_not_converge():
    # With x = 0 everywhere the likelihood ∏ (α/(α+T))^r is largest as r → 0: a boundary optimum.
    T = np.linspace(5, 50, 40)
    assert not fit(np.zeros(40), np.zeros(40), T).converged


def test_small_data_thresholds_are_sane():
    assert MIN_CLIENTS_FOR_FIT >= 4 * 2 and 1 <= MIN_REPEAT_CLIENTS_FOR_FIT <= MIN_CLIENTS_FOR_FIT


# -- bad input ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "t_x", "T", "message"),
    [
        (-1, 0, 5, "whole numbers"),
        (1.5, 1, 5, "whole numbers"),
        (2, 6, 5, "between 0 and T"),
        (0, 1, 5, "must be 0"),
        (1, float("nan"), 5, "finite"),
    ],
)
def test_invalid_customer_data_is_refused(x, t_x, T, message):
    with pytest.raises(ValueError, match=message):
        p_alive(PUBLISHED, x, t_x, T)


@pytest.mark.parametrize("bad", [0.0, -1.0, float("inf"), float("nan")])
def test_parameters_must_be_positive(bad):
    with pytest.raises(ValueError, match="positive"):
        BgNbdParams(bad, 1.0, 1.0, 1.0)


def test_p_alive_after_refuses_negative_time():
    with pytest.raises(ValueError, match="≥ 0"):
        p_alive_after(PUBLISHED, -1.0, 1, 1, 2)


def test_fit_needs_two_customers():
    with pytest.raises(ValueError, match="at least 2"):
        fit([1], [1.0], [2.0])
