"""Monte Carlo revenue at risk: thousands of possible next years, given each client's chance of leaving.

Inputs, one value per client
    ``monthly``      baseline run-rate: what the client pays in a typical month (≥ 0);
    ``p_gone_now``   probability the client has already lapsed (1 − P(alive now));
    ``p_leave``      probability it is gone by the end of the horizon (≥ ``p_gone_now``);
    ``monthly_sd``   optional standard deviation of its month-to-month revenue (≥ 0).
Plus the horizon (12 or 24 months, month 1 = the month after the data), the number of paths, a
seed, and optional monthly expenses.

Departure model
    With probability g = ``p_gone_now`` the client is gone from month 1. Otherwise it leaves in
    each month with a constant hazard h chosen so that the horizon probability is ``p_leave``:
    1 − (1 − g)(1 − h)^H = p_leave, i.e. h = 1 − ((1 − p_leave)/(1 − g))^(1/H). So the client still
    pays in month m with probability S_m = (1 − g)(1 − h)^m, and a client that leaves during month
    m pays nothing from month m on. (Constant hazard is the simplest shape that matches both
    probabilities; the BG/NBD survival curve itself is not constant-hazard, so within the horizon
    this is an approximation, exact at its start and end.)

    Sampling is by inverse CDF, one uniform W per (client, path): the number of months paid is
    K = max{m ≤ H : W ≤ S_m} = clip(floor(log(W/(1 − g)) / log(1 − h)), 0, H). No
    paths × clients × months array is made: each path's income in month m is Σ_i monthly_i · [K_i ≥ m],
    obtained with one ``bincount`` per chunk of clients (bucket K per path) and a reverse cumulative
    sum over months.

Variability
    With ``monthly_sd``, each client's revenue in a month it still pays is monthly + ε, ε ~ N(0, sd²),
    independent across clients and months. The sum over the clients still paying is then exactly
    normal with variance Σ_paying sd_i², so one normal draw per (path, month) replaces one per
    client (the variance is aggregated with the same ``bincount``). The total is clipped at 0
    (income cannot be negative); single clients are not clipped. Where the total can go below 0 (a
    small book of lumpy clients: sd large against the run-rate) the clip raises the mean month,
    E[max(X, 0)] = μΦ(μ/σ) + σφ(μ/σ) > μ, so the simulated expected loss is then below the closed
    form ``client_expected_loss``, which ignores the noise.

Outputs (:class:`MonteCarloResult`)
    ``monthly`` income per path and month (for a fan chart: :data:`FAN_PERCENTILES` per month in
    ``fan``); ``totals_12`` income of months 1–12 per path (for a histogram); ``p5``/``p50``/``p95``
    its percentiles (numpy's default linear interpolation); ``baseline_12`` = 12 × Σ monthly;
    ``expected_loss`` = baseline_12 − mean(totals_12); ``revenue_at_risk_95`` = baseline_12 − P5;
    ``prob_below_expenses`` = share of paths with income below expenses in any month of the
    horizon (None without expenses); per client ``client_expected_loss`` = monthly_i ·
    Σ_{m=1..12} (1 − S_m) (closed form, no sampling), and ``client_downside_share`` = the client's
    mean lost revenue (months 1–12, departures only) in the paths at or below P5, as a share of all
    clients' (zeros when nothing is lost there).

Reproducible: the same inputs and seed give the same numbers (``np.random.default_rng(seed)``,
draws in a fixed order: departures client by client, then the noise).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

HORIZONS = (12, 24)
NEXT_MONTHS = 12  # the "next 12 months" every total, loss and percentile refers to
DEFAULT_PATHS = 10_000
# Fewest paths: P5 then rests on at least 50 paths. Most paths: memory, one byte per (client, path)
# for the months paid (needed again for the downside shares) plus 8 bytes per (path, month) —
# 1,000 clients × 100,000 paths ≈ 100 MB.
MIN_PATHS = 1_000
MAX_PATHS = 100_000
FAN_PERCENTILES = (5, 25, 50, 75, 95)
# Clients per bincount chunk are chosen so one chunk holds about this many (client, path) draws:
# ~16 MB of float64 per temporary array, small enough for any machine, large enough that numpy's
# per-call overhead is negligible.
_CHUNK_DRAWS = 2_000_000


@dataclass(frozen=True)
class RiskSummary:
    """The headline numbers of a simulation: the next 12 months' distribution and what it means
    against the baseline and expenses, in the inputs' currency (definitions in the module docstring)."""

    p5: float
    p50: float
    p95: float
    baseline_12: float
    expected_loss: float
    revenue_at_risk_95: float
    prob_below_expenses: float | None
    expenses: float | None
    horizon: int
    paths: int
    seed: int
    totals_12: np.ndarray  # (paths,) income of months 1–12 per path


@dataclass(frozen=True)
class MonteCarloResult(RiskSummary):
    """The summary plus every path's months and the per-client figures."""

    monthly: np.ndarray  # (paths, horizon)
    fan: np.ndarray  # (len(FAN_PERCENTILES), horizon)
    client_expected_loss: np.ndarray  # (clients,)
    client_downside_share: np.ndarray  # (clients,)


def monthly_hazard(p_gone_now, p_leave, horizon: int) -> np.ndarray:
    """h with 1 − (1 − g)(1 − h)^H = p_leave (0 when g = 1: nothing is left to leave)."""
    g, p = np.asarray(p_gone_now, dtype=float), np.asarray(p_leave, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        keep = np.where(g < 1.0, (1.0 - p) / (1.0 - g), 1.0)
    return 1.0 - np.clip(keep, 0.0, 1.0) ** (1.0 / horizon)


def survival(p_gone_now, p_leave, horizon: int, months: int) -> np.ndarray:
    """S_m = P(still paying in month m) for m = 1..``months``: shape (clients, months)."""
    g = np.asarray(p_gone_now, dtype=float)[:, None]
    h = monthly_hazard(p_gone_now, p_leave, horizon)[:, None]
    return (1.0 - g) * (1.0 - h) ** np.arange(1, months + 1)


def expected_client_loss(monthly, p_gone_now, p_leave, horizon: int) -> np.ndarray:
    """Expected revenue lost per client over months 1–12: monthly_i · Σ_m (1 − S_m) (closed form)."""
    s = survival(p_gone_now, p_leave, horizon, NEXT_MONTHS)
    return np.asarray(monthly, dtype=float) * (NEXT_MONTHS - s.sum(axis=1))


def simulate_revenue(
    monthly,
    p_gone_now,
    p_leave,
    *,
    monthly_sd=None,
    horizon: int = 12,
    paths: int = DEFAULT_PATHS,
    expenses: float | None = None,
    seed: int = 0,
) -> MonteCarloResult:
    """Simulate ``paths`` futures of ``horizon`` months; raises ``ValueError`` with a plain message
    on bad input (rules in :func:`_check`)."""
    monthly, g, p, sd = _check(monthly, p_gone_now, p_leave, monthly_sd, horizon, paths, expenses, seed)
    rng = np.random.default_rng(seed)
    months_paid = _departures(rng, g, p, horizon, paths)
    if sd is not None and np.any(sd > 0):
        income, variance = _aggregate(months_paid, [monthly, sd * sd], horizon, paths)
        income = np.maximum(income + np.sqrt(variance) * rng.standard_normal(income.shape), 0.0)
    else:
        (income,) = _aggregate(months_paid, [monthly], horizon, paths)

    totals = income[:, :NEXT_MONTHS].sum(axis=1)
    p5, p50, p95 = (float(v) for v in np.percentile(totals, [5, 50, 95]))
    baseline_12 = NEXT_MONTHS * float(monthly.sum())
    below = None if expenses is None else float(np.mean(np.any(income < expenses, axis=1)))
    return MonteCarloResult(
        monthly=income,
        totals_12=totals,
        fan=np.percentile(income, FAN_PERCENTILES, axis=0),
        p5=p5,
        p50=p50,
        p95=p95,
        baseline_12=baseline_12,
        expected_loss=baseline_12 - float(totals.mean()),
        revenue_at_risk_95=baseline_12 - p5,
        prob_below_expenses=below,
        client_expected_loss=expected_client_loss(monthly, g, p, horizon),
        client_downside_share=_downside_shares(months_paid, monthly, totals <= p5),
        horizon=horizon,
        paths=paths,
        seed=seed,
        expenses=None if expenses is None else float(expenses),
    )


def _departures(rng: np.random.Generator, g: np.ndarray, p: np.ndarray, horizon: int, paths: int) -> np.ndarray:
    """Months paid K per (client, path), uint8 (clients, paths), by inverse CDF (module docstring).

    In float32, in place: a relative error of ~1e-7 in log(W) moves a draw across a month boundary
    with probability of that order, far below the Monte Carlo error, and halves the time.
    """
    clients = g.size
    log_alive = np.full(clients, -np.inf)
    np.log1p(-g, out=log_alive, where=g < 1.0)
    # log(1 − h) < 0; where h = 0 use a tiny negative number so the ratio below is ±huge (±inf).
    with np.errstate(divide="ignore"):  # h = 1 gives log(0) = −inf: K = 0, as it should
        log_keep = np.minimum(np.log1p(-monthly_hazard(g, p, horizon)), -1e-30)
    log_alive, log_keep = log_alive.astype(np.float32), log_keep.astype(np.float32)
    out = np.empty((clients, paths), dtype=np.uint8)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        for lo, hi in _chunks(clients, paths):
            w = rng.random((hi - lo, paths), dtype=np.float32)
            np.subtract(1.0, w, out=w)  # in (0, 1]: log(w) is finite
            np.log(w, out=w)
            w -= log_alive[lo:hi, None]
            w /= log_keep[lo:hi, None]
            np.floor(w, out=w)
            np.clip(w, 0, horizon, out=w)
            out[lo:hi] = w
    return out


def _aggregate(months_paid: np.ndarray, weights: list[np.ndarray], horizon: int, paths: int) -> list[np.ndarray]:
    """For each weight vector: (paths, horizon) of Σ_i weights_i · [K_i ≥ m] per path and month m."""
    buckets = [np.zeros(paths * (horizon + 1)) for _ in weights]
    offsets = np.arange(paths, dtype=np.int64) * (horizon + 1)
    for lo, hi in _chunks(months_paid.shape[0], paths):
        index = (offsets + months_paid[lo:hi]).ravel()  # bucket = (path, months paid)
        for total, w in zip(buckets, weights):
            total += np.bincount(index, weights=np.repeat(w[lo:hi], paths), minlength=total.size)
    # income in month m = Σ over buckets k ≥ m (k = months paid): a reverse cumulative sum.
    return [np.cumsum(b.reshape(paths, horizon + 1)[:, ::-1], axis=1)[:, ::-1][:, 1:] for b in buckets]


def _chunks(clients: int, paths: int):
    """(lo, hi) client ranges of about :data:`_CHUNK_DRAWS` draws each, in order."""
    step = max(1, _CHUNK_DRAWS // paths)
    return ((lo, min(lo + step, clients)) for lo in range(0, clients, step))


def _downside_shares(months_paid: np.ndarray, monthly: np.ndarray, tail: np.ndarray) -> np.ndarray:
    """Each client's share of the mean months-1–12 departure loss in the ``tail`` paths."""
    lost_months = NEXT_MONTHS - np.minimum(months_paid[:, tail], NEXT_MONTHS)
    loss = monthly * lost_months.mean(axis=1)
    total = loss.sum()
    return loss / total if total > 0 else np.zeros_like(loss)


def _check(monthly, p_gone_now, p_leave, monthly_sd, horizon, paths, expenses, seed):
    """Validated float arrays (monthly, g, p, sd or None); ``ValueError`` naming what is wrong."""
    if horizon not in HORIZONS:
        raise ValueError(f"The horizon must be {' or '.join(map(str, HORIZONS))} months, got {horizon!r}.")
    if isinstance(paths, bool) or not isinstance(paths, (int, np.integer)) or not MIN_PATHS <= paths <= MAX_PATHS:
        raise ValueError(f"The number of paths must be a whole number from {MIN_PATHS:,} to {MAX_PATHS:,}, got {paths!r}.")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"The seed must be a whole number ≥ 0, got {seed!r}.")
    if expenses is not None and not (isinstance(expenses, (int, float)) and math.isfinite(expenses) and expenses >= 0):
        raise ValueError(f"Expenses must be a number ≥ 0, got {expenses!r}.")
    arrays = [_vector(name, v) for name, v in
              (("monthly revenue", monthly), ("p_gone_now", p_gone_now), ("p_leave", p_leave))]
    if monthly_sd is not None:
        arrays.append(_vector("monthly sd", monthly_sd))
    if len({a.size for a in arrays}) != 1:
        raise ValueError("Each client needs one monthly revenue, p_gone_now, p_leave (and sd): the lengths differ.")
    if arrays[0].size == 0:
        raise ValueError("There are no clients to simulate.")
    monthly, g, p = arrays[:3]
    if np.any(monthly < 0) or (monthly_sd is not None and np.any(arrays[3] < 0)):
        raise ValueError("Monthly revenue and its standard deviation must be ≥ 0.")
    if np.any((g < 0) | (g > 1) | (p < 0) | (p > 1)):
        raise ValueError("p_gone_now and p_leave are probabilities: each must be between 0 and 1.")
    if np.any(p < g - 1e-12):
        raise ValueError("p_leave (gone by the end of the horizon) cannot be below p_gone_now (gone already).")
    return monthly, g, np.maximum(p, g), arrays[3] if monthly_sd is not None else None


def _vector(name: str, values) -> np.ndarray:
    try:
        array = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers.") from None
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite numbers (no NaN or infinity).")
    return array
