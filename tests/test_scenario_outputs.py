"""The loss-scenario model's runway, break-even, stress table and input validation, every expected
number worked out by hand on the FIVE baseline described in test_scenario.py."""

from __future__ import annotations

import pytest

from analytics.scenario import STRESS_DEPTH, Loss, Scenario, UnknownClientError, simulate
from scenario_helpers import EXACT, FIVE, baseline_of, cash_values, run


# -- runway -----------------------------------------------------------------------------------------


def test_no_expenses_means_unlimited_runway_and_no_cash():
    r = run(Loss("Acme"), Loss("Globex"), reserve=1000)
    assert r.runway_months is None
    assert r.cash_out_month is None
    assert r.break_even_loss_share is None
    assert all(p.cash is None and p.expenses is None for p in r.projection)
    assert all(row.gap_to_expenses is None and row.runway_months is None for row in r.stress)


def test_expenses_above_baseline_income_runway_from_month_one():
    # Lose Hooli (500): scenario 6500; expenses 8000 → deficit 1500 from month 1, reserve 5000:
    #   cash 3500, 2000, 500, −1000 → runway 3 + 500/1500 = 10/3 = reserve / deficit; cash out 2026-04.
    #   break-even: (7000 − 8000)/7000 < 0 → 0.
    r = run(Loss("Hooli"), expenses=8000, reserve=5000)
    assert cash_values(r)[:4] == [3500, 2000, 500, -1000]
    assert r.runway_months == pytest.approx(10 / 3, **EXACT)
    assert r.runway_months == pytest.approx(5000 / 1500, **EXACT)
    assert r.cash_out_month == "2026-04"
    assert r.break_even_loss_share == 0.0


def test_no_loss_at_all_with_expenses_above_income():
    # No losses: income 7000, expenses 8000, reserve 5000 → deficit 1000:
    #   cash 4000, 3000, 2000, 1000, 0 (month 5, not yet below zero), −1000 → runway 5 + 0/1000 = 5.0,
    #   cash out 2026-06. Nothing lost: clients to replace 0, after = before.
    r = run(expenses=8000, reserve=5000)
    assert r.lost_monthly == 0 and r.lost_share == 0
    assert r.runway_months == pytest.approx(5.0, **EXACT)
    assert r.cash_out_month == "2026-06"
    assert r.clients_to_replace == 0
    assert r.after == r.before
    assert r.more_concentrated is False


def test_reserve_zero_with_a_deficit_is_zero_runway():
    # Acme leaves, expenses 5000, reserve 0: month 1 cash 0 + 4000 − 5000 = −1000 → runway 0 + 0/1000 = 0.
    r = run(Loss("Acme"), expenses=5000, reserve=0)
    assert r.runway_months == 0.0
    assert r.cash_out_month == "2026-01"


def test_income_equal_to_expenses_never_runs_out():
    # 7000 in, 7000 out, reserve 0: cash stays 0, never below → unlimited; break-even share 0.
    r = run(expenses=7000, reserve=0)
    assert r.runway_months is None
    assert cash_values(r) == [0] * 24
    assert r.break_even_loss_share == 0.0


def test_runway_beyond_the_projection_in_closed_form():
    # Lose Hooli (500): scenario 6500; expenses 7000 → deficit 500; reserve 15000.
    #   cash_24 = 15000 − 24 · 500 = 3000 (still positive, no crossing inside the projection)
    #   → runway 24 + 3000/500 = 30; no cash-out month inside the projection.
    r = run(Loss("Hooli"), expenses=7000, reserve=15000)
    assert r.projection[-1].cash == 3000
    assert r.runway_months == pytest.approx(30.0, **EXACT)
    assert r.cash_out_month is None


def test_runway_beyond_the_projection_after_a_completed_ramp():
    # Acme leaves, recovery 50% over 4 months (scenario 4375, 4750, 5125, 5500, then 5500);
    # expenses 5600, reserve 10000:
    #   months 1–4 deficits 1225, 850, 475, 100 (sum 2650) → cash_4 = 7350;
    #   months 5–24: −100 each (20 months) → cash_24 = 5350; steady deficit 100
    #   → runway 24 + 5350/100 = 77.5.
    r = run(Loss("Acme"), expenses=5600, reserve=10000, recover_months=4, recover_share=0.5)
    assert r.projection[3].cash == pytest.approx(7350)
    assert r.projection[-1].cash == pytest.approx(5350)
    assert r.runway_months == pytest.approx(77.5, **EXACT)


def test_runway_when_the_loss_starts_after_the_projection():
    # Acme leaves from 2028-07 = month 31. Expenses 7000 = baseline, reserve 12000.
    #   months 1–30: income 7000 = expenses → cash stays 12000.
    #   from month 31: 4000 − 7000 = −3000 a month → 12000 / 3000 = 4 more months → runway 30 + 4 = 34.
    #   The code returns 24 + 12000/3000 = 28: the cash "runs out" before the loss even starts.
    r = run(Loss("Acme", 1.0, "2028-07"), expenses=7000, reserve=12000)
    assert r.projection[-1].cash == 12000
    assert r.runway_months == pytest.approx(34.0)


def test_runway_when_recovery_is_still_ramping_after_the_projection():
    # Acme (3000) leaves in month 1; recovery 100% over 48 months; expenses 7000, reserve 60000.
    #   month k income = 4000 + 3000 · k/48 → deficit 3000 · (1 − k/48) (positive until month 48).
    #   cash_m = 60000 − 3000·m + 3000/48 · m(m+1)/2 = 60000 − 3000·m + 31.25·m(m+1)
    #   cash_24 = 60000 − 72000 + 18750 = 6750 (positive: no crossing inside the projection)
    #   cash_29 = 60000 − 87000 + 27187.5 = 187.5; cash_30 = 60000 − 90000 + 29062.5 = −937.5
    #   month-30 deficit 3000 · 18/48 = 1125 → runway 29 + 187.5/1125 = 29 + 1/6.
    #   The code sees no steady-state deficit (recovery assumed complete) and returns None (unlimited).
    r = run(Loss("Acme"), expenses=7000, reserve=60000, recover_months=48, recover_share=1.0)
    assert r.projection[-1].cash == pytest.approx(6750)
    assert r.runway_months == pytest.approx(29 + 1 / 6)


# -- break-even -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expenses", "expected"),
    [
        (5600, 0.2),  # (7000 − 5600)/7000
        (0, 1.0),  # no expenses to cover: everything can go
        (7000, 0.0),
        (8000, 0.0),  # already below: max(0, …)
        (None, None),
    ],
)
def test_break_even_loss_share(expenses, expected):
    r = run(Loss("Hooli"), expenses=expenses)
    if expected is None:
        assert r.break_even_loss_share is None
    else:
        assert r.break_even_loss_share == pytest.approx(expected, **EXACT)


# -- stress table -------------------------------------------------------------------------------------


def test_stress_table_top_one_to_five():
    # Expenses 6000, reserve 9000; losing the top k fully from next month:
    #   k  lost                    share   scenario  gap     runway (reserve / deficit)
    #   1  3000                    3/7     4000      −2000   9000/2000 = 4.5
    #   2  5000                    5/7     2000      −4000   9000/4000 = 2.25
    #   3  6000                    6/7     1000      −5000   9000/5000 = 1.8
    #   4  6500 (Hooli by name)    13/14    500      −5500   9000/5500 = 18/11
    #   5  7000                    1          0      −6000   9000/6000 = 1.5
    r = run(Loss("Acme"), expenses=6000, reserve=9000)
    assert [row.k for row in r.stress] == [1, 2, 3, 4, 5]
    assert [row.clients for row in r.stress] == [
        ("Acme",),
        ("Acme", "Globex"),
        ("Acme", "Globex", "Initech"),
        ("Acme", "Globex", "Initech", "Hooli"),
        ("Acme", "Globex", "Initech", "Hooli", "Umbrella"),
    ]
    assert [row.lost_share for row in r.stress] == [
        pytest.approx(x, **EXACT) for x in (3 / 7, 5 / 7, 6 / 7, 13 / 14, 1.0)
    ]
    assert [row.scenario_monthly for row in r.stress] == [4000, 2000, 1000, 500, 0]
    assert [row.gap_to_expenses for row in r.stress] == [-2000, -4000, -5000, -5500, -6000]
    assert [row.runway_months for row in r.stress] == [
        pytest.approx(x, **EXACT) for x in (4.5, 2.25, 1.8, 18 / 11, 1.5)
    ]


def test_stress_ignores_the_scenarios_own_losses_start_and_recovery():
    # The stress rows depend only on the baseline, expenses and reserve.
    plain = run(Loss("Acme"), expenses=6000, reserve=9000)
    other = run(Loss("Hooli", 0.3, "2026-06"), expenses=6000, reserve=9000, recover_months=3, recover_share=0.9)
    assert other.stress == plain.stress


def test_stress_gap_positive_when_income_still_covers_expenses():
    # Expenses 1500, reserve 0: k=1 → 4000 − 1500 = +2500 (runway None), k=3 → 1000 − 1500 = −500,
    #   reserve 0 → runway 0.
    r = run(Loss("Acme"), expenses=1500, reserve=0)
    assert [row.gap_to_expenses for row in r.stress] == [2500, 500, -500, -1000, -1500]
    assert [row.runway_months for row in r.stress] == [None, None, 0.0, 0.0, 0.0]


def test_stress_has_fewer_rows_with_fewer_clients():
    three = baseline_of([("A", 300), ("B", 200), ("C", 100)])
    r = simulate(three, Scenario((Loss("C"),)))
    assert [row.k for row in r.stress] == [1, 2, 3]
    assert [row.scenario_monthly for row in r.stress] == [300, 100, 0]
    assert [row.lost_share for row in r.stress] == [pytest.approx(0.5), pytest.approx(5 / 6), pytest.approx(1.0)]


def test_stress_stops_at_five_and_can_be_skipped():
    six = baseline_of([(f"C{i}", 100) for i in range(6)])
    assert STRESS_DEPTH == 5
    assert [row.k for row in simulate(six, Scenario((Loss("C0"),))).stress] == [1, 2, 3, 4, 5]
    assert simulate(six, Scenario((Loss("C0"),)), with_stress=False).stress == ()


# -- validation -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scenario", "message"),
    [
        (Scenario((Loss("Acme", -0.01),)), "cut for Acme must be between 0% and 100%"),
        (Scenario((Loss("Acme", 1.01),)), "cut for Acme must be between 0% and 100%"),
        (Scenario((Loss("Acme", float("nan")),)), "cut for Acme"),
        (Scenario((Loss("Acme"),), expenses=-1), "expenses cannot be negative"),
        (Scenario((Loss("Acme"),), reserve=-0.01), "reserve cannot be negative"),
        (Scenario((Loss("Acme"),), recover_months=-1, recover_share=0.5), "Recovery"),
        (Scenario((Loss("Acme"),), recover_months=3, recover_share=1.5), "Recovery"),
        (Scenario((Loss("Acme"),), recover_months=3, recover_share=-0.1), "Recovery"),
        (Scenario((Loss("Acme", 1.0, "2026-13"),)), "YYYY-MM"),
        (Scenario((Loss("Acme", 1.0, "2026/03"),)), "YYYY-MM"),
        (Scenario((Loss("Acme", 1.0, "2026-03-01"),)), "YYYY-MM"),
    ],
)
def test_invalid_inputs_raise(scenario, message):
    with pytest.raises(ValueError, match=message):
        simulate(FIVE, scenario)


def test_validation_runs_before_the_client_lookup():
    # A bad cut is reported even for an unknown client (not as UnknownClientError).
    with pytest.raises(ValueError, match="cut for Nobody") as info:
        simulate(FIVE, Scenario((Loss("Nobody", 2.0),)))
    assert not isinstance(info.value, UnknownClientError)


def test_boundary_inputs_are_accepted():
    r = run(Loss("Acme", 0.0), Loss("Globex", 1.0), expenses=0, reserve=0, recover_months=0, recover_share=1.0)
    assert r.lost_monthly == 2000
    assert r.runway_months is None


@pytest.mark.parametrize("field", ["expenses", "reserve"])
def test_nan_expenses_or_reserve_are_rejected(field):
    kwargs = {"expenses": 6000.0, "reserve": 0.0, field: float("nan")}
    with pytest.raises(ValueError):
        run(Loss("Acme"), **kwargs)
