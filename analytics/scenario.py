"""What happens to your income, cash and concentration if clients leave or cut their spend.

The arithmetic runs on a :class:`~analytics.baseline.Baseline` (per-client run-rates from DuckDB,
cached), so recomputing a scenario after an input changes is plain Python over a few rows.

The model
    Months are counted from month 1 = the month after the dataset's last record ("next month").

    A **loss** removes ``cut`` (0–1; 1 = the client leaves) of one client's run-rate from its
    ``start`` month on (default: next month). Several losses add up.

    **Recovery** (optional): replacement revenue grows linearly until, in the ``recover_months``-th
    month of a loss, it replaces ``recover_share`` of that loss: in the k-th month of a loss
    (k = 1 in its start month) the replacement is ``recover_share × min(k / recover_months, 1) ×
    lost``.

    **Scenario income** in month m = baseline − active losses + replacement so far.
    **Cash**: starts at the reserve, then each month adds scenario income and subtracts expenses.
    **Runway**: months from the start of month 1 until the cash runs out, interpolated within the
    month it crosses zero; cash that never runs out means unlimited (``None``), never zero or a
    division error. Beyond the 24 projected months the steady state (all losses started,
    recovery complete) is extended in closed form.

    **Lost income** is the steady-state loss before recovery: Σ cut × run-rate, per month, per year
    (× 12) and as a share of baseline income.
    **Clients to replace** = lost monthly income ÷ the mean run-rate of the clients that remain
    (after cuts), rounded up; ``None`` when no client remains to compare with.
    **Concentration after**: top-1/top-3 shares, HHI and effective clients among the remaining
    clients at their post-cut run-rates; ``more_concentrated`` says when losing a client makes the
    rest more concentrated than before (it can: the survivors may be unequal).
    **Break-even loss**: the largest share of baseline income that can go before income falls
    below expenses: max(0, (baseline − expenses) / baseline); ``None`` without expenses.
    **Stress table**: losing the top 1…5 clients at once, fully, from next month, no recovery.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .baseline import Baseline

PROJECTION_MONTHS = 24
STRESS_DEPTH = 5


@dataclass(frozen=True)
class Loss:
    """Lose ``cut`` (0–1) of ``client``'s run-rate from month ``start`` ('YYYY-MM'; None = next month)."""

    client: str
    cut: float = 1.0
    start: str | None = None


@dataclass(frozen=True)
class Scenario:
    losses: tuple[Loss, ...]
    expenses: float | None = None
    reserve: float = 0.0
    recover_months: int = 0
    recover_share: float = 0.0


@dataclass(frozen=True)
class MonthProjection:
    month: str
    baseline: float
    scenario: float
    expenses: float | None
    cash: float | None


@dataclass(frozen=True)
class Concentration:
    top_shares: dict[int, float]
    hhi: float
    effective_clients: float
    clients: int


@dataclass(frozen=True)
class LostClient:
    client: str
    monthly: float  # run-rate lost at steady state (cut × run-rate)
    share: float  # of baseline income
    start: str


@dataclass(frozen=True)
class StressRow:
    k: int
    clients: tuple[str, ...]
    lost_share: float
    scenario_monthly: float
    gap_to_expenses: float | None  # scenario − expenses (negative = shortfall); None without expenses
    runway_months: float | None


@dataclass(frozen=True)
class ScenarioResult:
    baseline_monthly: float
    scenario_monthly: float  # steady state, recovery complete
    lost_monthly: float  # steady state, before recovery
    lost_share: float
    recovered_monthly: float
    lost_clients: tuple[LostClient, ...]
    runway_months: float | None
    cash_out_month: str | None  # 'YYYY-MM' in which the cash runs out, within the projection
    clients_to_replace: int | None
    break_even_loss_share: float | None
    before: Concentration
    after: Concentration | None
    projection: tuple[MonthProjection, ...]
    stress: tuple[StressRow, ...] = field(default=())

    @property
    def lost_yearly(self) -> float:
        return self.lost_monthly * 12

    @property
    def more_concentrated(self) -> bool:
        return self.after is not None and self.after.hhi > self.before.hhi + 1e-12

    def to_json_dict(self) -> dict:
        """The CLI's ``simulate --format json`` shape (a public contract: change it only on purpose)."""
        money = lambda x: None if x is None else round(x, 2)  # noqa: E731
        after = None
        if self.after is not None:
            after = {
                "top_shares": {str(k): v for k, v in self.after.top_shares.items()},
                "hhi": self.after.hhi,
                "effective_clients": self.after.effective_clients,
            }
        return {
            "baseline_monthly": money(self.baseline_monthly),
            "scenario_monthly": money(self.scenario_monthly),
            "lost_monthly": money(self.lost_monthly),
            "lost_share": self.lost_share,
            "runway_months": self.runway_months,
            "clients_to_replace": self.clients_to_replace,
            "break_even_loss_share": self.break_even_loss_share,
            "after": after,
            "projection": [
                {"month": p.month, "baseline": money(p.baseline), "scenario": money(p.scenario), "cash": money(p.cash)}
                for p in self.projection
            ],
            "stress": [
                {"k": r.k, "lost_share": r.lost_share, "scenario_monthly": money(r.scenario_monthly),
                 "runway_months": r.runway_months}
                for r in self.stress
            ],
        }


class UnknownClientError(ValueError):
    """A loss names a client the baseline does not have; ``suggestions`` are the closest names."""

    def __init__(self, client: str, suggestions: list[str]):
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"No client named '{client}' in this dataset.{hint}")
        self.client = client
        self.suggestions = suggestions


def month_index(month: str, first: str) -> int:
    """1-based index of 'YYYY-MM' ``month`` counted from ``first`` (= month 1)."""
    y, m = _parse_month(month)
    fy, fm = _parse_month(first)
    return (y - fy) * 12 + (m - fm) + 1


def month_label(first: str, index: int) -> str:
    fy, fm = _parse_month(first)
    total = fy * 12 + (fm - 1) + (index - 1)
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def _parse_month(text: str) -> tuple[int, int]:
    try:
        year, month = (int(part) for part in text.split("-"))
    except ValueError:
        raise ValueError(f"Month '{text}' is not in YYYY-MM form (e.g. 2026-11).") from None
    if not 1 <= month <= 12:
        raise ValueError(f"Month '{text}' is not in YYYY-MM form (e.g. 2026-11).")
    return year, month


def suggest_clients(baseline: Baseline, name: str, limit: int = 3) -> list[str]:
    import difflib

    names = [c.client for c in (*baseline.clients, *baseline.non_positive)]
    by_lower = {n.lower(): n for n in names}
    close = difflib.get_close_matches(name.lower(), list(by_lower), n=limit, cutoff=0.5)
    contains = [n for n in names if name.lower() in n.lower() and n.lower() not in close]
    return ([by_lower[c] for c in close] + contains)[:limit]


def top_losses(baseline: Baseline, k: int, cut: float = 1.0, start: str | None = None) -> tuple[Loss, ...]:
    """Losses of the ``k`` largest clients."""
    return tuple(Loss(c.client, cut, start) for c in baseline.clients[:k])


def simulate(baseline: Baseline, scenario: Scenario, with_stress: bool = True) -> ScenarioResult:
    """Run ``scenario`` against ``baseline``; raises UnknownClientError / ValueError on bad input."""
    _validate(scenario)
    first = baseline.next_month
    rates = {c.client: c.monthly for c in (*baseline.clients, *baseline.non_positive)}
    lowered = {name.lower(): name for name in rates}
    cut_by_client: dict[str, float] = {}
    lost: list[LostClient] = []
    starts: list[tuple[int, float]] = []  # (start index, lost monthly)
    for loss in scenario.losses:
        name = loss.client if loss.client in rates else lowered.get(loss.client.lower())
        if name is None:
            raise UnknownClientError(loss.client, suggest_clients(baseline, loss.client))
        start = loss.start or first
        index = max(1, month_index(start, first))
        already = cut_by_client.get(name, 0.0)
        cut = min(loss.cut, 1.0 - already)  # the same client twice never loses more than all of it
        cut_by_client[name] = already + cut
        amount = cut * rates[name]
        lost.append(LostClient(name, amount, amount / baseline.monthly, month_label(first, index)))
        starts.append((index, amount))

    base = baseline.monthly
    lost_monthly = sum(amount for _, amount in starts)
    recovered = lost_monthly * scenario.recover_share if scenario.recover_months > 0 else 0.0

    def income(month: int) -> float:
        value = base
        for index, amount in starts:
            k = month - index + 1
            if k >= 1:
                value -= amount
                if scenario.recover_months > 0:
                    value += amount * scenario.recover_share * min(k / scenario.recover_months, 1.0)
        return value

    projection, runway, cash_out = _project(first, base, income, scenario)
    if runway is None and scenario.expenses is not None:
        steady_from = max((index for index, _ in starts), default=1) + scenario.recover_months
        runway = _runway_after_projection(projection, income, steady_from, base - lost_monthly + recovered,
                                          scenario.expenses)

    remaining = {c.client: c.monthly * (1 - cut_by_client.get(c.client, 0.0)) for c in baseline.clients}
    remaining = {name: rate for name, rate in remaining.items() if rate > 1e-9}
    mean_remaining = sum(remaining.values()) / len(remaining) if remaining else 0.0
    to_replace = (
        0 if lost_monthly <= 0 else (math.ceil(round(lost_monthly / mean_remaining, 9)) if remaining else None)
    )
    stress = _stress(baseline, scenario) if with_stress else ()
    return ScenarioResult(
        baseline_monthly=base,
        scenario_monthly=base - lost_monthly + recovered,
        lost_monthly=lost_monthly,
        lost_share=lost_monthly / base,
        recovered_monthly=recovered,
        lost_clients=tuple(lost),
        runway_months=runway,
        cash_out_month=cash_out,
        clients_to_replace=to_replace,
        break_even_loss_share=None if scenario.expenses is None else max(0.0, (base - scenario.expenses) / base),
        before=concentration_of([c.monthly for c in baseline.clients]),
        after=concentration_of(list(remaining.values())) if remaining else None,
        projection=projection,
        stress=stress,
    )


def _validate(scenario: Scenario) -> None:
    numbers = [scenario.reserve, scenario.recover_share]
    if scenario.expenses is not None:
        numbers.append(scenario.expenses)
    if not all(math.isfinite(x) for x in numbers):
        raise ValueError("Expenses, reserve and recovery must be finite numbers.")
    for loss in scenario.losses:
        if not 0 <= loss.cut <= 1:
            raise ValueError(f"The cut for {loss.client} must be between 0% and 100%.")
    if scenario.expenses is not None and scenario.expenses < 0:
        raise ValueError("Monthly expenses cannot be negative.")
    if scenario.reserve < 0:
        raise ValueError("The cash reserve cannot be negative.")
    if scenario.recover_months < 0 or not 0 <= scenario.recover_share <= 1:
        raise ValueError("Recovery needs a number of months ≥ 0 and a share between 0% and 100%.")


def _project(first: str, base: float, income, scenario: Scenario):
    rows, runway, cash_out = [], None, None
    cash = scenario.reserve if scenario.expenses is not None else None
    for m in range(1, PROJECTION_MONTHS + 1):
        value = income(m)
        if cash is not None:
            before = cash
            cash = cash + value - scenario.expenses
            if runway is None and cash < 0:
                deficit = before - cash
                runway = (m - 1) + (before / deficit if deficit > 0 else 0.0)
                cash_out = month_label(first, m)
        rows.append(MonthProjection(month_label(first, m), base, value, scenario.expenses, cash))
    return tuple(rows), runway, cash_out


def _runway_after_projection(projection, income, steady_from: int, steady_income: float,
                             expenses: float) -> float | None:
    """Runway when the cash lasts through the projection: keep walking month by month until every
    loss has started and every recovery ramp is complete (month ``steady_from``), then extend the
    steady state in closed form. None when the steady state has no deficit."""
    cash = projection[-1].cash
    month = PROJECTION_MONTHS
    while month < steady_from:
        month += 1
        before, cash = cash, cash + income(month) - expenses
        if cash < 0:
            return (month - 1) + before / (before - cash)
    deficit = expenses - steady_income
    if deficit <= 1e-9:
        return None
    return month + cash / deficit


def concentration_of(rates: list[float]) -> Concentration:
    """Top-1/top-3 share, HHI and effective clients of a set of positive run-rates."""
    total = sum(rates)
    shares = sorted((r / total for r in rates), reverse=True)
    hhi = sum(s * s for s in shares)
    return Concentration({1: sum(shares[:1]), 3: sum(shares[:3])}, hhi, 1 / hhi, len(shares))


def _stress(baseline: Baseline, scenario: Scenario) -> tuple[StressRow, ...]:
    rows = []
    for k in range(1, min(STRESS_DEPTH, len(baseline.clients)) + 1):
        result = simulate(
            baseline,
            Scenario(top_losses(baseline, k), scenario.expenses, scenario.reserve),
            with_stress=False,
        )
        rows.append(
            StressRow(
                k=k,
                clients=tuple(c.client for c in baseline.clients[:k]),
                lost_share=result.lost_share,
                scenario_monthly=result.scenario_monthly,
                gap_to_expenses=None if scenario.expenses is None else result.scenario_monthly - scenario.expenses,
                runway_months=result.runway_months,
            )
        )
    return tuple(rows)
