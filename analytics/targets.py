"""Diversification target planner: how much revenue from other clients reaching a target takes.

Works on a :class:`analytics.baseline.Baseline` — each client's monthly run-rate — and answers
"how much more per month, and about how many new clients?" for one of two targets.

Assumptions (stated to the user in the docs, not repeated in every message)
    * Today's clients stay as they are: nobody grows, shrinks or leaves.
    * All new revenue comes from **new** clients, each paying today's **median** run-rate ``m``
      (the median of the positive run-rates; the mean of the two middle ones for an even count).
    Numbers: ``R`` = baseline monthly income (sum of the positive run-rates), ``T`` = the largest
    run-rate, ``S2`` = Σ run-rate², ``k`` = new clients, ``extra`` = revenue needed per month.

:func:`plan_top_share` — "my largest client at most X of my income"
    current = T / R. Reached when current ≤ X. Otherwise the new total must be at least T / X, so
    extra = T / X − R, and k = ⌈extra / m⌉, the smallest k with T / (R + k·m) ≤ X. Adding median
    clients never creates a new largest client (m ≤ T), so the largest stays T.

:func:`plan_effective_clients` — "at least N effective clients" (effective = 1 / HHI)
    current = R² / S2. With k new clients the HHI is (S2 + k·m²) / (R + k·m)², so k is the smallest
    whole number with (R + k·m)² / (S2 + k·m²) ≥ N (effective clients rise with every added median
    client, so the smallest such k is found from the larger root of the quadratic
    m²k² + (2Rm − N·m²)k + (R² − N·S2) ≥ 0 and then checked). extra = k·m.

Rounding
    k is a whole number of clients, rounded up — but a ratio that is a whole number up to float
    noise (e.g. 1400 / 200 computed as 7.000000000000001) counts as that whole number, and every
    k is checked against the target itself (with a relative tolerance of 1e-9) and moved by one if
    the check disagrees.

Out of reach
    A target that would take more than :data:`MAX_NEW_CLIENTS` (100,000) new median-size clients is
    reported as out of reach: ``reachable`` False, ``new_clients`` 0, and a ``message`` saying so
    (``extra_monthly`` still holds the revenue needed for a top-share target; 0 for an effective-
    clients target, whose extra depends on k).
"""

from __future__ import annotations

import functools
import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass

from analytics import formatting
from analytics.baseline import Baseline
from analytics.risk import percent_text

MAX_NEW_CLIENTS = 100_000
_TOLERANCE = 1e-9  # relative: float noise, far below a cent on any realistic income


@dataclass(frozen=True)
class TargetPlan:
    """The answer for one diversification target (rules and assumptions: module docstring).

    Money is per month in the baseline's currency; shares are fractions 0–1.
    """

    kind: str  # "top_share" (top client at most X) or "effective_clients" (at least N)
    target: float
    current: float  # today's top share or effective clients
    reached: bool  # already met today
    extra_monthly: float  # revenue per month needed from other (new) clients; 0 when reached
    new_clients: int  # that revenue in new clients of today's median size, rounded up
    median_client_monthly: float
    baseline_monthly: float
    message: str  # the answer in plain words
    reachable: bool = True  # False when it would take more than MAX_NEW_CLIENTS new clients
    top_client: str = ""  # today's largest client


def _whole_if_close(x: float) -> float:
    """``x`` snapped to the nearest whole number when only float noise separates them."""
    nearest = round(x)
    return float(nearest) if abs(x - nearest) <= _TOLERANCE * max(1.0, abs(x)) else x


def _smallest_k(meets: Callable[[int], bool], estimate: float) -> int | None:
    """The smallest k ≥ 0 with ``meets(k)``, starting from ``estimate``; None beyond MAX_NEW_CLIENTS.

    ``meets`` must be monotone (once true, true for every larger k).
    """
    k = max(0, math.ceil(_whole_if_close(estimate)))
    if k > MAX_NEW_CLIENTS:
        return None
    while k > 0 and meets(k - 1):
        k -= 1
    while not meets(k):
        k += 1
        if k > MAX_NEW_CLIENTS:
            return None
    return k


def _percent(share: float) -> str:
    """A target share in words: whole percent when it is one ("25%"), else one decimal ("12.5%")."""
    return formatting.percent(share, 0 if _whole_if_close(share * 100).is_integer() else 1)


def _count_text(x: float) -> str:
    """A target count as the user wrote it, up to 2 decimals: "4", "4.5", "6.25"."""
    for places in (0, 1):
        if _whole_if_close(x * 10**places).is_integer():
            return formatting.number(x, places)
    return formatting.number(x, 2)


def _current_count_text(current: float, target: float, reached: bool) -> str:
    """Today's effective clients with one decimal, or more when one would misread (2.96 → "2.96", not
    "3.0", against a target of 3 that is not reached)."""
    text = ""
    for places in range(1, 6):
        text = formatting.number(current, places)
        if (float(text.replace(",", "")) >= target) == reached:
            break
    return text


def _clients(k: int) -> str:
    return f"{formatting.number(k)} new client{'' if k == 1 else 's'}"


def _figures(baseline: Baseline) -> tuple[str, float, float, float, float]:
    rates = [c.monthly for c in baseline.clients if c.monthly > 0]
    if not rates:
        raise ValueError("There is no income in the baseline to plan from.")
    top = max(baseline.clients, key=lambda c: c.monthly)
    return top.client, top.monthly, sum(rates), sum(r * r for r in rates), statistics.median(rates)


def _check_number(value: float, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"The {what} must be a number.")


def plan_top_share(baseline: Baseline, max_share: float, currency: str | None = None) -> TargetPlan:
    """What it takes for the largest client to bring at most ``max_share`` (0–1) of monthly income.

    Raises ``ValueError`` unless 0 < max_share ≤ 1. Rules: module docstring.
    """
    _check_number(max_share, "top-client target")
    if not 0 < max_share <= 1:
        raise ValueError("The top-client target must be a share above 0% and at most 100% (e.g. 0.25 for 25%).")
    name, top, total, _, median = _figures(baseline)
    current = top / total
    money = functools.partial(formatting.money, currency=currency)
    target_text = _percent(max_share)
    common = {
        "kind": "top_share", "target": max_share, "current": current, "median_client_monthly": median,
        "baseline_monthly": total, "top_client": name,
    }
    if current <= max_share * (1 + _TOLERANCE):
        message = f"{name} brings {percent_text(current)} of your income: already within your {target_text} target."
        return TargetPlan(reached=True, extra_monthly=0.0, new_clients=0, message=message, **common)
    extra = max(0.0, top / max_share - total)

    def meets(k: int) -> bool:  # the largest client, and (implied by m ≤ T, checked anyway) a median one
        limit = max_share * (total + k * median) * (1 + _TOLERANCE)
        return top <= limit and median <= limit

    k = _smallest_k(meets, extra / median)
    if k is None:
        message = (
            f"Bringing {name} down to {target_text} of your income would take {money(extra)} more per month, "
            f"more than {formatting.number(MAX_NEW_CLIENTS)} new clients of your median size "
            f"({money(median)}/month): out of reach with clients like today's."
        )
        return TargetPlan(reached=False, extra_monthly=extra, new_clients=0, message=message, reachable=False, **common)
    message = (
        f"To bring {name} down to {target_text} of your income you need {money(extra)} more per month "
        f"from other clients — about {_clients(k)} of your median size ({money(median)}/month)."
    )
    return TargetPlan(reached=False, extra_monthly=extra, new_clients=k, message=message, **common)


def plan_effective_clients(baseline: Baseline, min_effective: float, currency: str | None = None) -> TargetPlan:
    """What it takes for income to be spread like at least ``min_effective`` equal clients (1 / HHI).

    Raises ``ValueError`` unless min_effective ≥ 1. Rules: module docstring.
    """
    _check_number(min_effective, "target number of effective clients")
    if min_effective < 1:
        raise ValueError("The target number of effective clients must be at least 1.")
    name, _, total, squares, median = _figures(baseline)
    current = total * total / squares
    money = functools.partial(formatting.money, currency=currency)
    target_text = _count_text(min_effective)
    common = {
        "kind": "effective_clients", "target": min_effective, "current": current,
        "median_client_monthly": median, "baseline_monthly": total, "top_client": name,
    }
    reached = current >= min_effective * (1 - _TOLERANCE)
    current_text = _current_count_text(current, min_effective, reached)
    if reached:
        message = (
            f"Your income is already spread like {current_text} equal clients: "
            f"within your target of {target_text}."
        )
        return TargetPlan(reached=True, extra_monthly=0.0, new_clients=0, message=message, **common)

    def meets(k: int) -> bool:
        new_total = total + k * median
        return new_total * new_total >= min_effective * (squares + k * median * median) * (1 - _TOLERANCE)

    # Larger root of m²k² + (2Rm − N·m²)k + (R² − N·S2) = 0; c < 0 here, so it is real and positive.
    a = median * median
    b = 2 * total * median - min_effective * a
    c = total * total - min_effective * squares
    k = _smallest_k(meets, (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a))
    if k is None:
        message = (
            f"Spreading your income like {target_text} equal clients (today: {current_text}) would take "
            f"more than {formatting.number(MAX_NEW_CLIENTS)} new clients of your median size "
            f"({money(median)}/month): out of reach with clients like today's."
        )
        return TargetPlan(reached=False, extra_monthly=0.0, new_clients=0, message=message, reachable=False, **common)
    extra = k * median
    message = (
        f"To spread your income like {target_text} equal clients (today: {current_text}) you need "
        f"{money(extra)} more per month from new clients — about {_clients(k)} of your median size "
        f"({money(median)}/month)."
    )
    return TargetPlan(reached=False, extra_monthly=extra, new_clients=k, message=message, **common)
