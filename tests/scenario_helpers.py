"""Hand-built baselines and small helpers shared by the scenario tests (see test_scenario.py's
docstring for the FIVE baseline worked out by hand)."""

from __future__ import annotations

from datetime import date

from analytics.baseline import Baseline, ClientRate
from analytics.scenario import Scenario, simulate

EXACT = dict(rel=1e-12, abs=1e-9)
MONTHS_24 = [f"2026-{m:02d}" for m in range(1, 13)] + [f"2027-{m:02d}" for m in range(1, 13)]


def baseline_of(rates, non_positive=(), end=date(2025, 12, 31)) -> Baseline:
    """A 12-month baseline with the given (client, run-rate) pairs, largest first."""
    return Baseline(
        start=date(end.year, 1, 1),
        end=end,
        months=12,
        clients=tuple(ClientRate(name, rate * 12.0, float(rate)) for name, rate in rates),
        non_positive=tuple(ClientRate(name, float(net), 0.0) for name, net in non_positive),
    )


FIVE = baseline_of(
    [("Acme", 3000), ("Globex", 2000), ("Initech", 1000), ("Hooli", 500), ("Umbrella", 500)],
    non_positive=[("Wayne", -500)],
)


def run(*losses, baseline=FIVE, **kwargs):
    return simulate(baseline, Scenario(tuple(losses), **kwargs))


def scenario_values(result):
    return [p.scenario for p in result.projection]


def cash_values(result):
    return [p.cash for p in result.projection]
