"""The BG/NBD model: how likely a client is still buying from you, from its payment history alone.

Source: Fader, Hardie & Lee (2005), "'Counting your customers' the easy way: an alternative to the
Pareto/NBD model", Marketing Science 24(2), 275–284 (below "FHL"). Pure numpy/scipy; the time unit
is the caller's (Eggbasket uses weeks, as FHL do).

The model (FHL §3)
    * While active, a customer buys at Poisson rate λ; λ varies across customers as
      Gamma(shape r, rate α).
    * Right after each *repeat* purchase the customer drops out for good with probability p;
      p varies across customers as Beta(a, b).
    * λ and p are independent across customers.

One customer's data (FHL §2)
    ``x``   number of repeat purchases (purchases after the first) in (0, T];
    ``t_x`` time of the last purchase, counted from the first one (0 when x = 0);
    ``T``   time from the first purchase to the end of observation.

Numbers this module returns
    :func:`log_likelihood`   FHL's likelihood, summed over customers, in log space: a log-sum of the
                             "still alive at T" and "dropped out after the last purchase" terms,
                             with every gamma/beta function through ``gammaln``.
    :func:`fit`              maximum likelihood of (r, α, a, b).
    :func:`p_alive`          P(alive at T | x, t_x, T) (= 1 when x = 0: nobody drops
                             out before a repeat purchase).
    :func:`expected_transactions`   E[number of purchases in (T, T + t] | x, t_x, T], FHL eq. 10.
    :func:`p_alive_after`    P(still alive at T + t | x, t_x, T) (derivation in its docstring).
    :func:`sample_population`       (x, t_x, T) drawn from the model, for tests of the fit.

Small datasets
    Four parameters cannot be estimated from a freelancer's eight clients. :data:`MIN_CLIENTS_FOR_FIT`
    and :data:`MIN_REPEAT_CLIENTS_FOR_FIT` say when to try a fit at all, and :data:`PRIOR_PARAMS`
    are the fixed parameters used otherwise (both documented where they are defined).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.optimize import minimize
from scipy.special import eval_jacobi, expit, gammaln, hyp2f1, roots_jacobi

# -- parameters ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BgNbdParams:
    """(r, α): gamma shape and rate of the purchase rate λ (so E[λ] = r / α purchases per time
    unit); (a, b): beta shapes of the dropout probability p (so E[p] = a / (a + b)). All > 0."""

    r: float
    alpha: float
    a: float
    b: float

    def __post_init__(self) -> None:
        for name in ("r", "alpha", "a", "b"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
                raise ValueError(f"BG/NBD parameter {name} must be a positive number, got {value!r}.")

    def as_dict(self) -> dict[str, float]:
        return {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b}


@dataclass(frozen=True)
class BgNbdFit:
    """A maximum-likelihood fit: the parameters, the total log-likelihood at them, how many
    customers it was fitted on, and whether the optimiser converged to an interior optimum."""

    params: BgNbdParams
    log_likelihood: float
    n_customers: int
    converged: bool


# Fixed parameters (time in weeks) used when a dataset is too small to fit. They are assumptions
# about a freelancer's or small firm's B2B clients, not estimates; each client's own history then
# updates them (λ | data ~ Gamma(r + x, α + T), p | alive ~ Beta(a, b + x)):
#   r = 1, α = 4      the purchase rate is exponential with mean r / α = 1 payment per 4 weeks (the
#                     usual monthly invoicing cycle); shape 1 is as vague as a gamma with a mean
#                     gets, worth one pseudo-payment in 4 pseudo-weeks, so a client's own months of
#                     payments dominate its rate after a few payments.
#   a = 1, b = 24     p is Beta(1, 24): mean 4% chance of leaving after each payment. For a = 1,
#                     E[(1 − p)^n] = b / (b + n), so a client paying monthly stays a year with
#                     probability 24/36 = 2/3 and two years with probability 1/2: a median client
#                     relationship of about two years. An assumption, stated as such in the UI.
# With these numbers a client that paid every 4 weeks for a year (x = 11, t_x = 44 weeks) and has
# been quiet for 13 weeks has P(alive) ≈ 0.66, quiet for 26 weeks ≈ 0.16.
PRIOR_PARAMS = BgNbdParams(r=1.0, alpha=4.0, a=1.0, b=24.0)

# When to fit instead of using PRIOR_PARAMS: at least 30 customers, at least 10 of them with a
# repeat purchase. The dropout parameters (a, b) are identified only by repeat customers (a
# customer with x = 0 has P(alive) = 1 whatever a and b are), so the rule asks for ~10 informative
# customers, after the usual "about ten observations per estimated quantity" rule of thumb for
# maximum likelihood, and 30 customers overall for the rate parameters (r, α). Measured by
# bench/bgnbd_small_samples.py (40 simulated books per size, r = 0.8, α = 3, a = 1, b = 10, clients
# observed 1–24 months): the fit converged in 65%, 60%, 80%, 88% and 92% of books of 10, 20, 30, 50
# and 100 clients, and its P(alive) was off the truth by 0.055, 0.038, 0.050, 0.031 and 0.020 on
# average against 0.060 for PRIOR_PARAMS: at 10 clients no better than the prior, from 30 on
# converging four times in five and closer. Below that the optimiser often runs to a boundary
# (b → ∞: nobody ever leaves), which :func:`fit` reports as not converged.
MIN_CLIENTS_FOR_FIT = 30
MIN_REPEAT_CLIENTS_FOR_FIT = 10

# Log-parameter box for the optimiser: each parameter in [e^-9, e^9] ≈ [1.2e-4, 8.1e3]. An optimum
# on the box edge means the likelihood wanted a degenerate model (no dropout, no heterogeneity):
# reported as not converged.
_LOG_BOUND = 9.0
# Starting points (r, α, a, b) for the optimiser; α is scaled by the mean observation time T so the
# start is in the right units whatever the caller's time unit. The first is FHL's CDNOW estimate
# shape (r < 1, a < 1), the second a near-homogeneous one, the third a low-dropout one.
_STARTS = ((0.25, 0.1, 0.8, 2.5), (1.0, 1.0, 1.0, 1.0), (2.0, 0.5, 1.0, 20.0))
# Nelder–Mead tolerances in log-parameters and per-customer log-likelihood: a loose search from
# each start, then a tight polish (1e-10 in log-parameters is far below the 3rd decimal).
_SEARCH = {"xatol": 1e-4, "fatol": 1e-8, "maxiter": 4_000}
_POLISH = {"xatol": 1e-10, "fatol": 1e-14, "maxiter": 10_000}
# A fit counts as converged when, besides being inside the box, no partial derivative of the
# per-customer −log-likelihood with respect to a log-parameter exceeds this: a stationary point to
# well below the 3rd decimal of any parameter. (Optimisers' own "success" flags also fail at true
# optima when the line search runs out of floating-point precision, so they are not used.)
_GRADIENT_TOLERANCE = 1e-5
# expected_transactions near the removable singularity a = 1 (see there).
_A_NEAR_ONE = 1e-4
# Gauss–Jacobi nodes for the Beta expectation in p_alive_after (after Pfaff's transformation, see
# there). Its integrand (1 − w·q)^(r−a−b) is nearly singular at q = 1 when w → 1, i.e. when
# c = t/(α+T) is large (a long horizon against a short history and a small α). Measured against
# the closed ₂F₁: relative error below 1e-11 for c ≤ 30 and below 4e-6 for c ≤ 1,000 (α = 0.1
# weeks, T = 0, t = 104 weeks) with 128 nodes; 64 nodes gave 3e-3 there.
_JACOBI_NODES = 128


# -- data checks ----------------------------------------------------------------------------------------


def _arrays(x, t_x, T) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, t_x, T) as float arrays of one shape, checked against the model's data rules."""
    x, t_x, T = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (x, t_x, T)))
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(t_x)) and np.all(np.isfinite(T))):
        raise ValueError("x, t_x and T must be finite numbers.")
    if np.any(x < 0) or np.any(x != np.round(x)):
        raise ValueError("x (repeat purchases) must be whole numbers ≥ 0.")
    if np.any(t_x < 0) or np.any(t_x > T + 1e-9):
        raise ValueError("Each t_x (time of the last purchase) must lie between 0 and T.")
    if np.any((x == 0) & (t_x != 0)):
        raise ValueError("t_x must be 0 for a customer with no repeat purchase (x = 0).")
    return x, t_x, T


# -- likelihood and fit -------------------------------------------------------------------------------


def _log_likelihoods(params: BgNbdParams, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Per-customer log of FHL's likelihood of (x, t_x, T):

        L = B(a, b+x)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+T)^(r+x))
            + [x > 0] · B(a+1, b+x−1)/B(a, b) · Γ(r+x) α^r / (Γ(r) (α+t_x)^(r+x))

    written as A1 + A2 + log(e^A3 + [x > 0] e^A4) (FHL's appendix, and Fader & Hardie's note 027
    on overflow), using B(a+1, b+x−1)/B(a, b+x) = a/(b+x−1).
    """
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    a1 = gammaln(r + x) - gammaln(r) + r * math.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + T)
    repeat = x > 0
    safe = np.where(repeat, b + x - 1, 1.0)  # b + x − 1 > 0 whenever x ≥ 1 (b > 0)
    a4 = np.where(repeat, math.log(a) - np.log(safe) - (r + x) * np.log(alpha + t_x), -np.inf)
    return a1 + a2 + np.logaddexp(a3, a4)


def log_likelihood(params: BgNbdParams, x, t_x, T) -> float:
    """Total log-likelihood of the customers (x, t_x, T) under ``params`` (FHL's likelihood, summed)."""
    return float(np.sum(_log_likelihoods(params, *_arrays(x, t_x, T))))


def fit(x, t_x, T) -> BgNbdFit:
    """Maximum-likelihood (r, α, a, b) for customers (x, t_x, T).

    Minimises the per-customer −log-likelihood over log-parameters (so every parameter stays
    positive) with Nelder–Mead inside the box of :data:`_LOG_BOUND`, from each of :data:`_STARTS`,
    then restarts from the best point with tight tolerances. Nelder–Mead rather than a gradient
    method: the surface is smooth but four-dimensional, so it needs few evaluations, it is robust
    where the surface is flat, and it makes no BLAS calls (L-BFGS-B's tiny BLAS calls ran 5–10×
    slower under OpenBLAS threading on the shared 2-core machine). ``converged`` is
    true when the optimum is inside the box and is a stationary point (:data:`_GRADIENT_TOLERANCE`).
    Raises ``ValueError`` for invalid data or fewer than 2 customers.
    """
    x, t_x, T = (v.ravel() for v in _arrays(x, t_x, T))
    if x.size < 2:
        raise ValueError("A BG/NBD fit needs at least 2 customers.")
    n = x.size

    def objective(log_params: np.ndarray) -> float:
        if not np.all(np.abs(log_params) <= _LOG_BOUND + 1.0):
            return math.inf
        value = -np.sum(_log_likelihoods(BgNbdParams(*map(float, np.exp(log_params))), x, t_x, T))
        return float(value) / n if np.isfinite(value) else math.inf  # per customer: scale-free tolerances

    bounds = [(-_LOG_BOUND, _LOG_BOUND)] * 4
    scale = max(float(np.mean(T)), 1e-6)
    best = None
    for r, alpha, a, b in _STARTS:
        start = np.log([r, alpha * scale, a, b])
        result = minimize(objective, start, method="Nelder-Mead", bounds=bounds, options=_SEARCH)
        if np.isfinite(result.fun) and (best is None or result.fun < best.fun):
            best = result
    if best is None:
        raise ValueError("The BG/NBD likelihood could not be evaluated on this data.")
    # Restart from the best point: a fresh simplex escapes a collapsed one and polishes the optimum.
    polished = minimize(objective, best.x, method="Nelder-Mead", bounds=bounds, options=_POLISH)
    point = polished.x if polished.fun <= best.fun else best.x
    params = BgNbdParams(*map(float, np.exp(point)))
    interior = bool(np.all(np.abs(point) < _LOG_BOUND - 1e-3))
    converged = interior and _gradient_norm(objective, point) < _GRADIENT_TOLERANCE
    return BgNbdFit(params, -objective(point) * n, n, converged)


def _gradient_norm(objective, point: np.ndarray, step: float = 1e-5) -> float:
    """Largest central-difference partial derivative of ``objective`` at ``point``."""
    grads = []
    for i in range(point.size):
        shift = np.zeros_like(point)
        shift[i] = step
        grads.append((objective(point + shift) - objective(point - shift)) / (2 * step))
    return float(np.max(np.abs(grads)))


# -- per-customer predictions --------------------------------------------------------------------------


def p_alive(params: BgNbdParams, x, t_x, T) -> np.ndarray:
    """P(alive at T | x, t_x, T) = 1 / (1 + [x > 0] · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)).

    The posterior weight of the "still alive" branch of the likelihood (Fader, Hardie & Lee's note
    "Computing P(alive) using the BG/NBD model").

    Equals 1 for x = 0 (in the model a customer can only drop out right after a repeat purchase).
    Computed as a logistic function of the log-odds, so long quiet spells never overflow.
    """
    x, t_x, T = _arrays(x, t_x, T)
    return _p_alive(params, x, t_x, T)


def _p_alive(params: BgNbdParams, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    repeat = x > 0
    safe = np.where(repeat, b + x - 1, 1.0)
    log_odds_dead = math.log(a) - np.log(safe) + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
    return np.where(repeat, expit(-log_odds_dead), 1.0)


def expected_transactions(params: BgNbdParams, t, x, t_x, T) -> np.ndarray:
    """E[purchases in (T, T + t] | x, t_x, T], FHL eq. 10:

        (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))]
        ÷ (1 + [x > 0] · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x))

    and the divisor is 1 / P(alive), so this is P(alive) × the bracketed term. At a = 1 both the
    factor and the bracket are 0/0 (a removable singularity: the expectation is smooth in a); within
    :data:`_A_NEAR_ONE` of 1 the value is the mean of the formula at 1 ± that distance, whose error
    is of the order of its square (~1e-8 relative).
    """
    x, t_x, T = _arrays(x, t_x, T)
    t = _period(t, x.shape)
    if abs(params.a - 1.0) < _A_NEAR_ONE:
        below, above = (BgNbdParams(params.r, params.alpha, 1.0 + d, params.b) for d in (-_A_NEAR_ONE, _A_NEAR_ONE))
        return (_expected_transactions(below, t, x, t_x, T) + _expected_transactions(above, t, x, t_x, T)) / 2
    return _expected_transactions(params, t, x, t_x, T)


def _expected_transactions(params: BgNbdParams, t: np.ndarray, x: np.ndarray, t_x: np.ndarray,
                           T: np.ndarray) -> np.ndarray:
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    z = t / (alpha + T + t)
    ratio = np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + T + t)))
    bracket = 1.0 - ratio * hyp2f1(r + x, b + x, a + b + x - 1, z)
    return (a + b + x - 1) / (a - 1) * bracket * _p_alive(params, x, t_x, T)


def _period(t, shape: tuple[int, ...]) -> np.ndarray:
    """The period ahead as a float array of ``shape``; ``ValueError`` unless every value is ≥ 0."""
    t = np.broadcast_to(np.asarray(t, dtype=float), shape)
    if np.any(~np.isfinite(t)) or np.any(t < 0):
        raise ValueError("t (the period ahead) must be a number ≥ 0.")
    return t


def p_alive_after(params: BgNbdParams, t, x, t_x, T) -> np.ndarray:
    """P(still alive at T + t | x, t_x, T): the chance the customer has not dropped out by then.

    Derivation. Alive at T with probability P(alive) (:func:`p_alive`). Given alive at T, the
    likelihood of the history is λ^x e^(−λT) (1 − p)^x (x purchases, no dropout after any of them),
    which factorises, so the posterior has λ ~ Gamma(r + x, α + T) and p ~ Beta(a, b + x),
    independent. From T on, purchases arrive at rate λ and each ends the relationship with
    probability p, so dropouts form a thinned Poisson process of rate λp and, by memorylessness,
    P(no dropout in (T, T+t] | λ, p) = e^(−λpt). Averaging over λ (the gamma's Laplace transform):
    E_λ[e^(−λpt)] = ((α+T)/(α+T+tp))^(r+x). Hence

        P(alive at T+t | data) = P(alive at T) · E_p[(1 + c·p)^−(r+x)],  p ~ Beta(a, b+x), c = t/(α+T).

    Computing the Beta expectation. By Euler's integral it is ₂F₁(r+x, a; a+b+x; −c), and Pfaff's
    transformation turns that into (1+c)^−a · ₂F₁(a+b−r, a; a+b+x; w), w = c/(1+c) ∈ [0, 1), i.e.
    (Euler again) the expectation over the same Beta(a, b+x) of a much tamer function:

        E_p[(1 + c·p)^−(r+x)] = (1+c)^−a · E_q[(1 − w·q)^(r−a−b)],  q ~ Beta(a, b+x).

    The left integrand falls by a factor e^(−(r+x)) over p ≈ 1/c — a spike near 0 for a long
    horizon or a busy client, which quadrature misses; the right one has an exponent free of x and
    a base between 1/(1+c) and 1. It is computed with :data:`_JACOBI_NODES`-point Gauss–Jacobi
    quadrature, whose weight p^(a−1)(1−p)^(b+x−1) carries the Beta density's endpoint behaviour
    exactly even when a < 1 (:func:`_beta_quadrature`, one node set per distinct x), as
    1 + E[expm1(...)] so that t = 0 gives exactly :func:`p_alive`. The closed ₂F₁ is not used
    directly: scipy's ``hyp2f1`` loses up to ~1e-5 relative accuracy for arguments below −1
    (e.g. ₂F₁(2.5, 0.3; 42.3; −2.41)); the tests compare with both forms.
    """
    x, t_x, T = _arrays(x, t_x, T)
    t = _period(t, x.shape)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    c = t / (alpha + T)
    w = (c / (1.0 + c))[..., None]
    survive = np.empty(x.shape)
    for value in np.unique(x):
        rows = x == value
        q, weights = _beta_quadrature(a, b + float(value))
        inner = 1.0 + np.sum(np.expm1((r - a - b) * np.log1p(-w[rows] * q)) * weights, axis=-1)
        survive[rows] = np.exp(-a * np.log1p(c[rows])) * inner
    return _p_alive(params, x, t_x, T) * survive


@lru_cache(maxsize=4096)
def _beta_quadrature(a: float, b: float) -> tuple[np.ndarray, np.ndarray]:
    """Nodes in (0, 1) and weights summing to 1 with Σ w·f(p) ≈ E[f(p)], p ~ Beta(a, b) (cached;
    read-only arrays).

    Gauss–Jacobi on [−1, 1] with weight (1−u)^(b−1)(1+u)^(a−1), p = (1+u)/2. The nodes come from
    ``roots_jacobi``; its weights are scaled by 2^(a+b−1)·B(a, b), which overflows once a + b
    passes ~1,000 (a client with 1,000 payment days), so the weights are recomputed here from the
    standard formula w_k ∝ 1 / (P_{n−1}(u_k) · P′_n(u_k)) (Jacobi polynomials P of parameters
    (b−1, a−1), P′_n = (n+a+b−1)/2 · P_{n−1} of parameters (b, a)), each factor scaled before the
    product as scipy does, and normalised to sum to 1: no constant is ever formed.
    """
    n, alpha, beta = _JACOBI_NODES, b - 1.0, a - 1.0
    with np.errstate(over="ignore"):  # roots_jacobi's own weight scale may overflow; not used
        u = roots_jacobi(n, alpha, beta)[0]
    previous = eval_jacobi(n - 1, alpha, beta, u)
    slope = 0.5 * (n + alpha + beta + 1) * eval_jacobi(n - 1, alpha + 1, beta + 1, u)
    for values in (previous, slope):
        logs = np.log(np.abs(values))
        values /= np.exp((logs.max() + logs.min()) / 2.0)
    weights = 1.0 / (previous * slope)
    nodes, weights = (1.0 + u) / 2.0, weights / weights.sum()
    nodes.flags.writeable = weights.flags.writeable = False
    return nodes, weights


# -- simulation -----------------------------------------------------------------------------------------


def sample_population(params: BgNbdParams, n: int, T, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw ``n`` customers' (x, t_x, T) from the model, each observed for ``T`` (a number, or one per customer).

    Per customer: λ ~ Gamma(r, rate α), p ~ Beta(a, b); the number of repeat purchases it would make
    before dropping out is J ~ Geometric(p) on {1, 2, …} (dropout right after the J-th); the
    purchases it would make in (0, T] if it never dropped out are N ~ Poisson(λT). It makes
    x = min(J, N) of them. Given N, the Poisson purchase times are N sorted uniforms on (0, T], so
    the x-th is t_x = T · Beta(x, N − x + 1) (0 when x = 0).
    """
    if not (isinstance(n, (int, np.integer)) and n >= 1):
        raise ValueError("n must be a whole number of customers ≥ 1.")
    T = np.broadcast_to(np.asarray(T, dtype=float), (n,)).copy()
    if np.any(~np.isfinite(T)) or np.any(T < 0):
        raise ValueError("T must be a number ≥ 0.")
    lam = rng.gamma(params.r, 1.0 / params.alpha, n)
    p = np.clip(rng.beta(params.a, params.b, n), 1e-12, 1.0)
    dropout_after = rng.geometric(p)
    would_buy = rng.poisson(lam * T)
    x = np.minimum(dropout_after, would_buy)
    order = rng.beta(np.maximum(x, 1), np.maximum(would_buy - x + 1, 1))
    t_x = np.where(x > 0, T * order, 0.0)
    return x.astype(float), t_x, T
