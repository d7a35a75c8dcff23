"""The loss-scenario model (analytics/scenario.py), every expected number worked out by hand.

Most tests run on FIVE, a baseline built directly (the arithmetic is plain Python over run-rates):

    client     run-rate   share of 7000
    Acme         3000       3/7
    Globex       2000       2/7
    Initech      1000       1/7
    Hooli         500       1/14
    Umbrella      500       1/14      (Hooli before Umbrella: equal rates, ordered by name)
    Wayne           0       non_positive (net −500: refunds exceed revenue)
    baseline    7000 a month; last record 2025-12-31 → month 1 = 2026-01, month 24 = 2027-12.

    before-concentration: top-1 3/7; top-3 (3000+2000+1000)/7000 = 6/7;
        HHI = (9 + 4 + 1)/49 + 2 · (1/14)² = 14/49 + 2/196 = 29/98 ≈ 0.2959; effective 98/29.

One test checks that the SQL baseline of the matching CSV rows is exactly FIVE.
"""

from __future__ import annotations

import math

import pytest

from analytics.baseline import client_baseline
from analytics.scenario import (
    PROJECTION_MONTHS,
    LostClient,
    Loss,
    Scenario,
    UnknownClientError,
    concentration_of,
    month_index,
    month_label,
    simulate,
    top_losses,
)
from scenario_helpers import EXACT, FIVE, MONTHS_24, baseline_of, cash_values, run, scenario_values


# -- the baseline the model runs on -------------------------------------------------------------------


def test_sql_baseline_of_the_five_client_rows_is_five(add_dataset, store):
    rows = [
        ("2024-12-31", "Acme", "99999.99"),  # outside the window 2025-01-01 … 2025-12-31
        ("2025-01-01", "Acme", "18000"),
        ("2025-03-15", "Globex", "24000"),
        ("2025-06-15", "Initech", "12000"),
        ("2025-09-15", "Hooli", "6000"),
        ("2025-10-15", "Umbrella", "6000"),
        ("2025-11-20", "Wayne", "1000"),
        ("2025-12-01", "Wayne", "-1500"),
        ("2025-12-31", "Acme", "18000"),
    ]
    assert client_baseline(store, add_dataset(rows)) == FIVE


def test_month_helpers():
    assert month_index("2026-01", "2026-01") == 1
    assert month_index("2027-01", "2026-01") == 13  # 12 months later
    assert month_index("2025-06", "2026-01") == -6
    assert month_label("2026-01", 1) == "2026-01"
    assert month_label("2026-11", 3) == "2027-01"  # Nov, Dec, Jan
    assert month_label("2026-01", 24) == "2027-12"


# -- full loss, partial cut, two clients ----------------------------------------------------------------


def test_full_loss_of_top_client():
    # Lose Acme (3000) from 2026-01; expenses 6000, reserve 9000.
    #   lost 3000 a month, 36000 a year, share 3000/7000 = 3/7; scenario 7000 − 3000 = 4000.
    #   deficit 6000 − 4000 = 2000 from month 1: cash 7000, 5000, 3000, 1000, −1000 (month 5)
    #       → runway 4 + 1000/2000 = 4.5; cash runs out in month 5 = 2026-05; cash_m = 9000 − 2000·m.
    #   remaining 2000, 1000, 500, 500 (sum 4000, mean 1000): clients to replace 3000/1000 = 3 exactly.
    #   after: shares .5, .25, .125, .125 → top-1 .5, top-3 .875,
    #       HHI .25 + .0625 + .015625 + .015625 = .34375 > 29/98 → more concentrated; effective 32/11.
    #   break-even (7000 − 6000)/7000 = 1/7.
    r = run(Loss("Acme"), expenses=6000, reserve=9000)
    assert r.baseline_monthly == 7000
    assert r.lost_monthly == 3000
    assert r.lost_yearly == 36000
    assert r.lost_share == pytest.approx(3 / 7, **EXACT)
    assert r.scenario_monthly == 4000
    assert r.recovered_monthly == 0
    assert r.lost_clients == (LostClient("Acme", 3000.0, pytest.approx(3 / 7, **EXACT), "2026-01"),)
    assert r.runway_months == pytest.approx(4.5, **EXACT)
    assert r.cash_out_month == "2026-05"
    assert r.clients_to_replace == 3
    assert r.break_even_loss_share == pytest.approx(1 / 7, **EXACT)
    assert r.before.top_shares == {1: pytest.approx(3 / 7, **EXACT), 3: pytest.approx(6 / 7, **EXACT)}
    assert r.before.hhi == pytest.approx(29 / 98, **EXACT)
    assert r.before.effective_clients == pytest.approx(98 / 29, **EXACT)
    assert r.before.clients == 5
    assert r.after.top_shares == {1: pytest.approx(0.5, **EXACT), 3: pytest.approx(0.875, **EXACT)}
    assert r.after.hhi == pytest.approx(0.34375, **EXACT)
    assert r.after.effective_clients == pytest.approx(32 / 11, **EXACT)
    assert r.after.clients == 4
    assert r.more_concentrated is True
    assert len(r.projection) == PROJECTION_MONTHS == 24
    assert [p.month for p in r.projection] == MONTHS_24
    assert all(p.baseline == 7000 and p.expenses == 6000 for p in r.projection)
    assert scenario_values(r) == [4000] * 24
    assert cash_values(r) == [pytest.approx(9000 - 2000 * m) for m in range(1, 25)]


def test_top_losses_names_the_largest_clients():
    assert top_losses(FIVE, 1) == (Loss("Acme", 1.0, None),)
    assert top_losses(FIVE, 2, 0.5, "2026-03") == (Loss("Acme", 0.5, "2026-03"), Loss("Globex", 0.5, "2026-03"))
    assert [loss.client for loss in top_losses(FIVE, 9)] == ["Acme", "Globex", "Initech", "Hooli", "Umbrella"]
    assert run(*top_losses(FIVE, 1), expenses=6000, reserve=9000) == run(Loss("Acme"), expenses=6000, reserve=9000)


def test_partial_cut_of_thirty_percent():
    # Acme cuts 30%: lost .3 × 3000 = 900; share 900/7000 = 9/70; scenario 6100.
    #   expenses 6000, reserve 0: surplus 100 a month → cash 100·m, never runs out → runway None.
    #   remaining at post-cut rates: Acme 2100, Globex 2000, Initech 1000, Hooli 500, Umbrella 500
    #       (sum 6100, 5 clients, mean 1220): to replace 900/1220 = 0.74 → 1.
    #   after: top-1 2100/6100 = 21/61; top-3 (2100+2000+1000)/6100 = 51/61;
    #       HHI (2.1² + 2² + 1² + .5² + .5²)/6.1² = 9.91/37.21 = 991/3721 ≈ .2663 < 29/98 ≈ .2959
    #       → less concentrated; effective 3721/991.
    r = run(Loss("Acme", 0.3), expenses=6000, reserve=0)
    assert r.lost_monthly == pytest.approx(900, **EXACT)
    assert r.lost_share == pytest.approx(9 / 70, **EXACT)
    assert r.scenario_monthly == pytest.approx(6100, **EXACT)
    assert r.runway_months is None and r.cash_out_month is None
    assert cash_values(r) == [pytest.approx(100 * m) for m in range(1, 25)]
    assert r.clients_to_replace == 1
    assert r.after.clients == 5
    assert r.after.top_shares[1] == pytest.approx(21 / 61, **EXACT)
    assert r.after.top_shares[3] == pytest.approx(51 / 61, **EXACT)
    assert r.after.hhi == pytest.approx(991 / 3721, **EXACT)
    assert r.after.effective_clients == pytest.approx(3721 / 991, **EXACT)
    assert r.more_concentrated is False
    assert r.break_even_loss_share == pytest.approx(1 / 7, **EXACT)


def test_two_clients():
    # Lose Acme and Globex: lost 5000, share 5/7, scenario 2000.
    #   expenses 3000, reserve 4500: deficit 1000 → cash 3500, 2500, 1500, 500, −500 → runway 4 + 500/1000 = 4.5.
    #   remaining 1000, 500, 500 (mean 2000/3): to replace 5000 ÷ 666.67 = 7.5 → 8.
    #   after: .5, .25, .25 → top-1 .5, top-3 1, HHI .375, effective 8/3.
    r = run(Loss("Acme"), Loss("Globex"), expenses=3000, reserve=4500)
    assert r.lost_monthly == 5000
    assert r.lost_share == pytest.approx(5 / 7, **EXACT)
    assert r.scenario_monthly == 2000
    assert [(c.client, c.monthly, c.start) for c in r.lost_clients] == [
        ("Acme", 3000, "2026-01"),
        ("Globex", 2000, "2026-01"),
    ]
    assert [c.share for c in r.lost_clients] == [pytest.approx(3 / 7, **EXACT), pytest.approx(2 / 7, **EXACT)]
    assert r.runway_months == pytest.approx(4.5, **EXACT)
    assert r.cash_out_month == "2026-05"
    assert r.clients_to_replace == 8
    assert r.after.top_shares == {1: pytest.approx(0.5), 3: pytest.approx(1.0)}
    assert r.after.hhi == pytest.approx(0.375, **EXACT)
    assert r.after.effective_clients == pytest.approx(8 / 3, **EXACT)
    assert r.break_even_loss_share == pytest.approx(4 / 7, **EXACT)  # (7000 − 3000)/7000


# -- when the loss starts ---------------------------------------------------------------------------


def test_start_month_in_the_future():
    # Acme leaves from 2026-04 (month 4). Expenses 6000, reserve 0.
    #   months 1–3 at baseline 7000: cash 1000, 2000, 3000.
    #   month 4: 4000 → cash 1000; month 5: cash −1000 → runway 4 + 1000/2000 = 4.5, cash out 2026-05.
    #   month 24: 3000 − 2000 · 21 = −39000.
    #   Steady-state figures are those of an immediate loss.
    later = run(Loss("Acme", 1.0, "2026-04"), expenses=6000, reserve=0)
    now = run(Loss("Acme"), expenses=6000, reserve=0)
    assert scenario_values(later) == [7000] * 3 + [4000] * 21
    assert cash_values(later)[:6] == [1000, 2000, 3000, 1000, -1000, -3000]
    assert cash_values(later)[-1] == -39000
    assert later.runway_months == pytest.approx(4.5, **EXACT)
    assert later.cash_out_month == "2026-05"
    assert later.lost_clients == (LostClient("Acme", 3000.0, pytest.approx(3 / 7), "2026-04"),)
    for name in ("baseline_monthly", "scenario_monthly", "lost_monthly", "lost_share", "clients_to_replace",
                 "break_even_loss_share", "before", "after"):
        assert getattr(later, name) == getattr(now, name), name
    assert now.runway_months == 0  # immediate loss, reserve 0, deficit 2000 from month 1


def test_start_month_in_the_past_counts_from_next_month():
    # A start before month 1 is clamped to month 1 (index = max(1, …)).
    r = run(Loss("Acme", 1.0, "2025-06"))
    assert r.lost_clients[0].start == "2026-01"
    assert scenario_values(r) == [4000] * 24


def test_deficit_that_starts_later_is_interpolated_in_the_crossing_month():
    # Acme leaves from 2026-03; expenses 6500, reserve 0.
    #   month 1: +500 → 500; month 2: +500 → 1000; month 3: 4000 − 6500 = −2500 → −1500.
    #   runway 2 + 1000/2500 = 2.4; cash out 2026-03.
    r = run(Loss("Acme", 1.0, "2026-03"), expenses=6500, reserve=0)
    assert cash_values(r)[:3] == [500, 1000, -1500]
    assert r.runway_months == pytest.approx(2.4, **EXACT)
    assert r.cash_out_month == "2026-03"


# -- recovery ---------------------------------------------------------------------------------------


def test_recovery_ramp_four_months_half():
    # Acme (3000) leaves; replacement reaches 50% of it in the 4th month, linearly:
    #   month k replacement = .5 · min(k/4, 1) · 3000 = 375, 750, 1125, 1500, 1500 …
    #   scenario = 4000 + that = 4375, 4750, 5125, 5500, then 5500.
    #   steady scenario 5500, recovered 1500, lost (before recovery) 3000.
    #   expenses 6000, reserve 5000: cash 5000 + 4375 − 6000 = 3375; 3375 + 4750 − 6000 = 2125;
    #       2125 + 5125 − 6000 = 1250; 1250 − 500 = 750; 250; −250 (month 6)
    #       → runway 5 + 250/500 = 5.5, cash out 2026-06.
    #   clients to replace still counts the lost 3000 (÷ mean 1000 = 3).
    r = run(Loss("Acme"), expenses=6000, reserve=5000, recover_months=4, recover_share=0.5)
    assert scenario_values(r) == [4375, 4750, 5125, 5500] + [5500] * 20
    assert cash_values(r)[:6] == [3375, 2125, 1250, 750, 250, -250]
    assert r.scenario_monthly == 5500
    assert r.recovered_monthly == 1500
    assert r.lost_monthly == 3000
    assert r.lost_share == pytest.approx(3 / 7, **EXACT)
    assert r.runway_months == pytest.approx(5.5, **EXACT)
    assert r.cash_out_month == "2026-06"
    assert r.clients_to_replace == 3


def test_recovery_ramps_per_loss_from_its_own_start():
    # Acme from month 1, Globex from month 3; recovery 100% over 2 months.
    #   m1: 7000 − 3000 + 3000·½ = 5500
    #   m2: 7000 − 3000 + 3000 = 7000
    #   m3: 7000 − 3000 + 3000 − 2000 + 2000·½ = 6000
    #   m4…: 7000 − 5000 + 5000 = 7000. Steady: lost 5000, recovered 5000, scenario 7000.
    r = run(Loss("Acme"), Loss("Globex", 1.0, "2026-03"), recover_months=2, recover_share=1.0)
    assert scenario_values(r) == [5500, 7000, 6000] + [7000] * 21
    assert (r.lost_monthly, r.recovered_monthly, r.scenario_monthly) == (5000, 5000, 7000)


def test_recovery_in_one_month():
    # recover_months 1: month k = 1 already replaces the full share: 4000 + .5 · 3000 = 5500 every month.
    r = run(Loss("Acme"), recover_months=1, recover_share=0.5)
    assert scenario_values(r) == [5500] * 24


def test_recover_share_without_months_recovers_nothing():
    # recover_months 0 switches recovery off, whatever the share (see the report: silently ignored).
    r = run(Loss("Acme"), recover_months=0, recover_share=0.5)
    assert r.recovered_monthly == 0
    assert scenario_values(r) == [4000] * 24


# -- odd losses -------------------------------------------------------------------------------------


def test_losing_a_client_whose_refunds_exceed_revenue_changes_nothing():
    # Wayne's run-rate is 0: nothing to lose.
    r = run(Loss("Wayne"), expenses=6000, reserve=0)
    assert r.lost_clients == (LostClient("Wayne", 0.0, 0.0, "2026-01"),)
    assert (r.lost_monthly, r.lost_share, r.scenario_monthly) == (0, 0, 7000)
    assert r.clients_to_replace == 0
    assert r.after == r.before
    assert r.more_concentrated is False
    assert scenario_values(r) == [7000] * 24
    assert r.runway_months is None


def test_the_same_client_twice_never_loses_more_than_all_of_it():
    # 60% then 60% of Acme: the second is capped at the remaining 40% → 1800 + 1200 = 3000.
    r = run(Loss("Acme", 0.6), Loss("Acme", 0.6))
    assert [c.monthly for c in r.lost_clients] == [pytest.approx(1800), pytest.approx(1200)]
    assert r.lost_monthly == pytest.approx(3000)
    assert r.scenario_monthly == pytest.approx(4000)
    assert r.after.clients == 4  # Acme is gone entirely
    assert r.clients_to_replace == 3
    # 100% twice (once by another spelling): the second loses nothing.
    twice = run(Loss("Acme"), Loss("acme"))
    assert [c.monthly for c in twice.lost_clients] == [3000, 0]
    assert twice.lost_monthly == 3000
    assert scenario_values(twice) == [4000] * 24


def test_half_and_half_removes_the_client():
    # 50% + 50% = 100%: Acme no longer counts among the remaining clients.
    r = run(Loss("Acme", 0.5), Loss("Acme", 0.5))
    assert r.lost_monthly == 3000
    assert r.after.clients == 4
    assert r.after.hhi == pytest.approx(0.34375, **EXACT)


def test_client_names_match_case_insensitively():
    r = run(Loss("aCmE"))
    assert r.lost_clients[0].client == "Acme"
    assert r.lost_monthly == 3000


def test_unknown_client_suggests_the_closest_name():
    with pytest.raises(UnknownClientError) as info:
        run(Loss("Globx"))
    assert info.value.client == "Globx"
    assert info.value.suggestions == ["Globex"]
    assert str(info.value) == "No client named 'Globx' in this dataset. Did you mean: Globex?"
    assert isinstance(info.value, ValueError)


def test_unknown_client_suggestions_include_non_positive_and_substrings():
    with pytest.raises(UnknownClientError) as info:
        run(Loss("Wayn"))
    assert info.value.suggestions == ["Wayne"]
    with pytest.raises(UnknownClientError) as info:
        run(Loss("ini"))  # a substring of Initech
    assert info.value.suggestions == ["Initech"]


def test_unknown_client_with_nothing_close():
    with pytest.raises(UnknownClientError) as info:
        run(Loss("Zzyzx"))
    assert info.value.suggestions == []
    assert str(info.value) == "No client named 'Zzyzx' in this dataset."


# -- clients to replace -------------------------------------------------------------------------------


def test_clients_to_replace_exact_ratio_is_not_rounded_up():
    # Acme 3000 ÷ mean of the rest (4000/4 = 1000) = 3 exactly → 3, not 4.
    assert run(Loss("Acme")).clients_to_replace == 3
    # Hooli 500 ÷ mean of the rest (6500/4 = 1625) = 0.31 → 1.
    assert run(Loss("Hooli")).clients_to_replace == 1


def test_clients_to_replace_float_noise_is_not_rounded_up(add_dataset, store):
    # SQL baseline: Big 2500/12, Small A and Small B 500/12 each.
    #   lost 2500/12 ÷ mean(500/12, 500/12) = 5 exactly, but in floats the ratio is 5.000000000000001;
    #   a bare ceil would say 6. Expected 5.
    rows = [("2025-01-01", "Big", "2500"), ("2025-06-01", "Small A", "500"), ("2025-12-31", "Small B", "500")]
    b = client_baseline(store, add_dataset(rows))
    r = simulate(b, Scenario((Loss("Big"),)))
    assert math.ceil(r.lost_monthly / (sum(c.monthly for c in b.clients[1:]) / 2)) == 6  # the float trap
    assert r.clients_to_replace == 5


def test_losing_every_client():
    # All five gone: scenario 0, share 1; no remaining client → after None, clients to replace None.
    #   expenses 1000, reserve 2500 → deficit 1000 → runway 2.5.
    r = run(*top_losses(FIVE, 5), expenses=1000, reserve=2500)
    assert r.scenario_monthly == 0
    assert r.lost_share == 1.0
    assert r.after is None
    assert r.clients_to_replace is None
    assert r.more_concentrated is False
    assert r.runway_months == pytest.approx(2.5, **EXACT)


# -- concentration after --------------------------------------------------------------------------


def test_losing_the_top_client_can_leave_the_rest_more_concentrated():
    # 50 / 45 / 5: before HHI .25 + .2025 + .0025 = .455, top-1 .5, top-3 1.
    #   lose the 50: survivors 45/50 = .9 and 5/50 = .1 → HHI .81 + .01 = .82 > .455; effective 1/.82.
    b = baseline_of([("Big", 50), ("Mid", 45), ("Small", 5)])
    r = simulate(b, Scenario((Loss("Big"),)))
    assert r.before.hhi == pytest.approx(0.455, **EXACT)
    assert r.before.top_shares == {1: pytest.approx(0.5), 3: pytest.approx(1.0)}
    assert r.after.top_shares == {1: pytest.approx(0.9, **EXACT), 3: pytest.approx(1.0, **EXACT)}
    assert r.after.hhi == pytest.approx(0.82, **EXACT)
    assert r.after.effective_clients == pytest.approx(1 / 0.82, **EXACT)
    assert r.after.clients == 2
    assert r.more_concentrated is True
    # clients to replace: 50 ÷ mean(45, 5) = 50/25 = 2 exactly.
    assert r.clients_to_replace == 2


def test_losing_the_top_client_can_leave_the_rest_less_concentrated():
    # 80 / 10 / 10: before HHI .64 + .01 + .01 = .66; after .5/.5 → HHI .5 < .66; effective 2.
    b = baseline_of([("Big", 80), ("One", 10), ("Two", 10)])
    r = simulate(b, Scenario((Loss("Big"),)))
    assert r.before.hhi == pytest.approx(0.66, **EXACT)
    assert r.after.top_shares == {1: pytest.approx(0.5), 3: pytest.approx(1.0)}
    assert r.after.hhi == pytest.approx(0.5, **EXACT)
    assert r.after.effective_clients == pytest.approx(2.0, **EXACT)
    assert r.more_concentrated is False
    # 80 ÷ mean(10, 10) = 8 exactly.
    assert r.clients_to_replace == 8


def test_concentration_of_single_client_and_fewer_than_three():
    one = concentration_of([123.0])
    assert (one.top_shares, one.hhi, one.effective_clients, one.clients) == ({1: 1.0, 3: 1.0}, 1.0, 1.0, 1)
    two = concentration_of([1.0, 3.0])  # .75 / .25 → HHI .625
    assert two.top_shares == {1: 0.75, 3: 1.0}
    assert two.hhi == pytest.approx(0.625, **EXACT)
