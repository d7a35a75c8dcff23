"""Diversification targets on hand-built baselines: already reached, exact k, float noise, out of reach."""

from __future__ import annotations

import math
from datetime import date

import pytest

from analytics.baseline import Baseline, ClientRate, client_baseline
from analytics.targets import MAX_NEW_CLIENTS, plan_effective_clients, plan_top_share


def baseline(*rates: float) -> Baseline:
    """A 12-month baseline with these monthly run-rates; the first client is called "Big"."""
    names = ["Big"] + [f"Client {i}" for i in range(1, len(rates))]
    clients = tuple(ClientRate(name, rate * 12, rate) for name, rate in zip(names, rates, strict=True))
    return Baseline(date(2025, 1, 1), date(2025, 12, 31), 12, clients, ())


# Big 600, two of 200: R = 1000, median m = 200, S2 = 360,000 + 2 × 40,000 = 440,000.
THREE = baseline(600, 200, 200)


# -- top share ------------------------------------------------------------------------------------


def test_top_share_exact_integer_k():
    plan = plan_top_share(THREE, 0.25, currency="EUR")
    # Today 600 / 1000 = 60%. Needed total 600 / 0.25 = 2400 → extra 1400 = exactly 7 × 200.
    # Check: 600 / (1000 + 7 × 200) = 600 / 2400 = 25% (6 clients: 600 / 2200 = 27.3%, too many).
    assert (plan.kind, plan.current, plan.reached, plan.reachable) == ("top_share", 0.6, False, True)
    assert plan.extra_monthly == 1400.0
    assert plan.new_clients == 7
    assert plan.median_client_monthly == 200.0
    assert plan.baseline_monthly == 1000.0
    assert plan.top_client == "Big"
    assert plan.message == (
        "To bring Big down to 25% of your income you need €1,400.00 more per month from other clients "
        "— about 7 new clients of your median size (€200.00/month)."
    )


def test_top_share_rounds_up_a_fractional_k():
    plan = plan_top_share(THREE, 0.3)
    # 600 / 0.3 = 2000 → extra 1000 = 5 × 200 exactly. With 0.28: 600 / 0.28 = 2142.857… →
    # extra 1142.857… / 200 = 5.71 → 6 clients (600 / 2200 = 27.3% ≤ 28%; 5 give 600 / 2000 = 30%).
    assert (plan.extra_monthly, plan.new_clients) == (pytest.approx(1000.0, abs=1e-9), 5)
    plan = plan_top_share(THREE, 0.28)
    assert plan.extra_monthly == pytest.approx(600 / 0.28 - 1000, rel=1e-12)
    assert plan.new_clients == 6
    assert "28%" in plan.message and "about 6 new clients" in plan.message


def test_top_share_target_with_a_decimal():
    # 600 / 0.125 = 4800 → extra 3800 = 19 × 200; 600 / (1000 + 3800) = 12.5%.
    plan = plan_top_share(THREE, 0.125)
    assert (plan.new_clients, plan.extra_monthly) == (19, 3800.0)
    assert "down to 12.5% of your income" in plan.message and "about 19 new clients" in plan.message


def test_top_share_float_noise_does_not_add_a_client():
    # Big 42, others 7 and 1: R = 50, m = 7. 42 / 0.35 − 50 = 120 − 50 = 70 = exactly 10 × 7, but in
    # floats (42 / 0.35 − 50) / 7 = 10.000000000000002, which a bare ceil would make 11.
    plan = plan_top_share(baseline(42, 7, 1), 0.35)
    assert (42 / 0.35 - 50) / 7 > 10  # the noise this test is about
    assert plan.new_clients == 10
    assert "about 10 new clients" in plan.message and "35%" in plan.message


def test_top_share_already_reached_at_exactly_the_target():
    plan = plan_top_share(THREE, 0.6)  # 600 / 1000 = 60% exactly
    assert (plan.reached, plan.extra_monthly, plan.new_clients) == (True, 0.0, 0)
    assert plan.message == "Big brings 60% of your income: already within your 60% target."
    assert plan_top_share(THREE, 1.0).reached


def test_top_share_single_client():
    # One client of 1000 (median 1000): 25% needs a total of 4000 → 3000 more = 3 clients of 1000.
    plan = plan_top_share(baseline(1000), 0.25)
    assert (plan.current, plan.extra_monthly, plan.new_clients) == (1.0, 3000.0, 3)


def test_top_share_out_of_reach():
    # Big 10,000 and two of 1 (median 1): 0.01% needs a total of 10,000 / 0.0001 = 100,000,000,
    # about 99,989,998 clients of 1 — far beyond the 100,000 limit.
    plan = plan_top_share(baseline(10_000, 1, 1), 0.0001, currency="EUR")
    assert (plan.reached, plan.reachable, plan.new_clients) == (False, False, 0)
    assert plan.extra_monthly == pytest.approx(100_000_000 - 10_002, rel=1e-12)
    assert "more than 100,000 new clients" in plan.message and "out of reach" in plan.message


@pytest.mark.parametrize("bad", [0, -0.1, 1.01, math.nan, math.inf, True, "0.25"])
def test_top_share_rejects_bad_targets(bad):
    with pytest.raises(ValueError, match="top-client target"):
        plan_top_share(THREE, bad)


# -- effective clients ----------------------------------------------------------------------------


def test_effective_clients_rounds_up():
    plan = plan_effective_clients(THREE, 4)
    # Today R² / S2 = 1,000,000 / 440,000 = 2.27. With k clients of 200 (÷ 40,000):
    # (5 + k)² ≥ 4 (11 + k) ⇔ k² + 6k − 19 ≥ 0 ⇔ k ≥ −3 + √28 = 2.29 → k = 3.
    # Check k = 2: 1400² = 1,960,000 < 4 × 520,000 = 2,080,000; k = 3: 2,560,000 ≥ 2,240,000.
    assert plan.current == pytest.approx(1_000_000 / 440_000, rel=1e-15)
    assert (plan.kind, plan.reached, plan.new_clients, plan.extra_monthly) == ("effective_clients", False, 3, 600.0)
    assert plan.message == (  # no currency given: bare amounts
        "To spread your income like 4 equal clients (today: 2.3) you need 600.00 more per month "
        "from new clients — about 3 new clients of your median size (200.00/month)."
    )


def test_effective_clients_today_never_reads_as_the_target():
    # 100, 100, 90: R = 290, S2 = 10,000 + 10,000 + 8,100 = 28,100, today 84,100 / 28,100 = 2.9929,
    # which one decimal would show as "3.0" against a target of 3 that is not met → "2.99".
    # m = 100. k = 0: 84,100 < 3 × 28,100 = 84,300; k = 1: 390² = 152,100 ≥ 3 × 38,100 = 114,300.
    plan = plan_effective_clients(baseline(100, 100, 90), 3)
    assert plan.message == (
        "To spread your income like 3 equal clients (today: 2.99) you need 100.00 more per month "
        "from new clients — about 1 new client of your median size (100.00/month)."
    )


def test_effective_clients_exact_integer_k():
    # N = 6.25: (5 + k)² ≥ 6.25 (11 + k); k = 5 gives 100 = 6.25 × 16 exactly (the quadratic's root),
    # k = 4 gives 81 < 93.75. extra = 5 × 200 = 1000.
    plan = plan_effective_clients(THREE, 6.25, currency="EUR")
    assert (plan.new_clients, plan.extra_monthly) == (5, 1000.0)
    assert plan.message == (
        "To spread your income like 6.25 equal clients (today: 2.3) you need €1,000.00 more per month "
        "from new clients — about 5 new clients of your median size (€200.00/month)."
    )


def test_effective_clients_already_reached():
    plan = plan_effective_clients(THREE, 2)  # 2.27 ≥ 2
    assert (plan.reached, plan.new_clients, plan.extra_monthly) == (True, 0, 0.0)
    assert plan.message == "Your income is already spread like 2.3 equal clients: within your target of 2."
    assert plan_effective_clients(baseline(500), 1).reached  # one client is always 1 effective client


def test_effective_clients_out_of_reach():
    # Each new client of 200 adds about one effective client, so 200,000 needs about 200,000 > 100,000.
    plan = plan_effective_clients(THREE, 200_000)
    assert (plan.reached, plan.reachable, plan.new_clients) == (False, False, 0)
    assert f"more than {MAX_NEW_CLIENTS:,} new clients" in plan.message


def test_effective_clients_just_inside_the_limit():
    # One client of 1000 (m = 1000): effective after k = (1 + k)² / (1 + k) = 1 + k, so
    # N = 100,001 needs exactly k = 100,000, the largest k still reported.
    plan = plan_effective_clients(baseline(1000), 100_001)
    assert (plan.reachable, plan.new_clients, plan.extra_monthly) == (True, 100_000, 100_000_000.0)


@pytest.mark.parametrize("bad", [0.99, 0, -3, math.nan, None])
def test_effective_clients_rejects_bad_targets(bad):
    with pytest.raises(ValueError, match="effective clients"):
        plan_effective_clients(THREE, bad)


# -- from a stored dataset ------------------------------------------------------------------------


def test_plan_from_client_baseline(add_dataset, store):
    # 2025, twelve full months: A 7,200 → 600/month; B and C 2,400 → 200/month each.
    rows = [("2025-01-01", "A", "3600"), ("2025-12-31", "A", "3600"), ("2025-06-01", "B", "2400"),
            ("2025-07-01", "C", "2400")]
    plan = plan_top_share(client_baseline(store, add_dataset(rows)), 0.25, currency="EUR")
    assert (plan.top_client, plan.baseline_monthly, plan.median_client_monthly) == ("A", 1000.0, 200.0)
    assert (plan.new_clients, plan.extra_monthly) == (7, 1400.0)  # as in test_top_share_exact_integer_k
