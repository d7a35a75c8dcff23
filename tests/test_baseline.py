"""Per-client baseline run-rates (analytics/baseline.py), every expected number worked out by hand.

The rule under test (module docstring of analytics/baseline.py): the window is the trailing
``months`` ending at the last record date, ``last − months + 1 day`` … ``last``; a client's run-rate
is its net revenue in the window ÷ ``months``; shorter data uses the whole span ÷ the calendar
months it covers; clients with net ≤ 0 get run-rate 0, are listed in ``non_positive`` and are not
part of baseline income.
"""

from __future__ import annotations

from datetime import date

import pytest

from analytics.baseline import (
    BASELINE_MONTHS,
    DEFAULT_BASELINE_MONTHS,
    Baseline,
    ClientRate,
    NoBaselineError,
    client_baseline,
)

# -- the five-client fixture shared in spirit with test_scenario / test_cli_simulate ---------------

FIVE_CLIENTS = [
    ("2024-12-31", "Acme", "99999.99"),  # the day before the 12-month window: excluded
    ("2025-01-01", "Acme", "18000.00"),  # first day of the window: included
    ("2025-03-15", "Globex", "24000.00"),
    ("2025-06-15", "Initech", "12000.00"),
    ("2025-09-15", "Hooli", "6000.00"),
    ("2025-10-15", "Umbrella", "6000.00"),
    ("2025-11-20", "Wayne", "1000.00"),
    ("2025-12-01", "Wayne", "-1500.00"),  # refund larger than the payment
    ("2025-12-31", "Acme", "18000.00"),  # the last record: window end
]
# By hand (12 months):
#   last = 2025-12-31; start = 2025-12-31 − 12 months + 1 day = 2025-01-01.
#   Acme 18000 + 18000 = 36000 (the 99999.99 on 2024-12-31 is outside) → 36000 / 12 = 3000
#   Globex 24000 / 12 = 2000; Initech 12000 / 12 = 1000; Hooli 6000 / 12 = 500; Umbrella 500
#   Wayne 1000 − 1500 = −500 → run-rate 0, non_positive, not in baseline income
#   baseline = 3000 + 2000 + 1000 + 500 + 500 = 7000
#   order: net descending, ties by name → Acme, Globex, Initech, Hooli, Umbrella
#   the data starts 2024-12-31 ≤ window start, so the divisor is the full 12.


def test_twelve_month_baseline_of_the_five_client_fixture(add_dataset, store):
    b = client_baseline(store, add_dataset(FIVE_CLIENTS))
    assert (b.start, b.end, b.months) == (date(2025, 1, 1), date(2025, 12, 31), 12)
    assert [(c.client, c.net, c.monthly) for c in b.clients] == [
        ("Acme", 36000.0, 3000.0),
        ("Globex", 24000.0, 2000.0),
        ("Initech", 12000.0, 1000.0),
        ("Hooli", 6000.0, 500.0),
        ("Umbrella", 6000.0, 500.0),
    ]
    assert b.monthly == 7000.0
    assert b.non_positive == (ClientRate("Wayne", -500.0, 0.0),)
    assert b.next_month == "2026-01"


def test_default_is_twelve_months_and_the_lengths_on_offer():
    assert DEFAULT_BASELINE_MONTHS == 12
    assert BASELINE_MONTHS == (3, 6, 12)


# -- exact window boundaries for 12, 6 and 3 months --------------------------------------------------

BOUNDARIES = [
    ("2024-12-31", "A", "5000.00"),  # day before the 12-month window
    *[(f"2025-{m:02d}-01", "A", "1000.00") for m in range(1, 12)],  # Jan 1 … Nov 1
    ("2025-12-31", "A", "1000.00"),  # last record
    ("2025-06-30", "B", "1200.00"),  # day before the 6-month window
    ("2025-07-01", "B", "6000.00"),  # first day of the 6-month window
    ("2025-09-30", "B", "600.00"),  # day before the 3-month window
    ("2025-10-01", "B", "3000.00"),  # first day of the 3-month window
]
# By hand, last = 2025-12-31:
#   12 months: start 2024-12-31 − … = 2025-01-01.
#       A: Jan 1 … Nov 1 (11 × 1000) + Dec 31 1000 = 12000 (the 5000 on 2024-12-31 excluded) → 1000
#       B: 1200 + 6000 + 600 + 3000 = 10800 → 900.  Baseline 1900.  Order A (1000), B (900).
#   6 months: start 2025-12-31 − 6 months + 1 day = 2025-07-01.
#       A: Jul 1 … Nov 1 (5 × 1000) + Dec 31 = 6000 → 1000
#       B: 6000 + 600 + 3000 = 9600 (the 1200 on Jun 30 excluded) → 1600.  Baseline 2600.  Order B, A.
#   3 months: start 2025-12-31 − 3 months + 1 day = 2025-10-01.
#       A: Oct 1, Nov 1, Dec 31 = 3000 → 1000
#       B: 3000 (the 600 on Sep 30 excluded) → 1000.  Baseline 2000.  Tie → by name: A, B.


@pytest.mark.parametrize(
    ("months", "start", "rates"),
    [
        (12, date(2025, 1, 1), [("A", 12000.0, 1000.0), ("B", 10800.0, 900.0)]),
        (6, date(2025, 7, 1), [("B", 9600.0, 1600.0), ("A", 6000.0, 1000.0)]),
        (3, date(2025, 10, 1), [("A", 3000.0, 1000.0), ("B", 3000.0, 1000.0)]),
    ],
)
def test_trailing_window_boundaries(add_dataset, store, months, start, rates):
    b = client_baseline(store, add_dataset(BOUNDARIES), months)
    assert (b.start, b.end, b.months) == (start, date(2025, 12, 31), months)
    assert [(c.client, c.net, c.monthly) for c in b.clients] == rates
    assert b.monthly == sum(r[2] for r in rates)  # 1900, 2600, 2000
    assert b.non_positive == ()


def test_leap_day_window_start(add_dataset, store):
    # last = 2025-02-28; 2025-02-28 − 12 months = 2024-02-28, + 1 day = 2024-02-29 (a leap day):
    # the 1 on 2024-02-28 is outside, the 10 on 2024-02-29 inside → (10 + 100) / 12.
    b = client_baseline(store, add_dataset([("2024-02-28", "A", "1"), ("2024-02-29", "A", "10"), ("2025-02-28", "A", "100")]))
    assert (b.start, b.end, b.months) == (date(2024, 2, 29), date(2025, 2, 28), 12)
    assert b.clients[0].net == 110.0
    assert b.clients[0].monthly == pytest.approx(110 / 12)


# -- data shorter than the window -------------------------------------------------------------------


@pytest.mark.parametrize("months", [3, 6, 12])
def test_data_shorter_than_window_is_divided_by_months_covered(add_dataset, store, months):
    # Jan 5 … Mar 20 2025 covers January, February, March = 3 calendar months.
    # 12 and 6 months: the window start (Mar 20 − 12 months + 1 day = 2024-03-21; − 6 months → 2024-09-21)
    #   is before the first record, so the whole span is used ÷ 3.
    # 3 months: window start 2024-12-21, still before Jan 5 → span ÷ min(3, 3) = 3.
    # X: 3000 + 1500 = 4500 → 1500; Y: 600 → 200.  Baseline 1700.
    rows = [("2025-01-05", "X", "3000"), ("2025-02-10", "Y", "600"), ("2025-03-20", "X", "1500")]
    b = client_baseline(store, add_dataset(rows), months)
    assert (b.start, b.end, b.months) == (date(2025, 1, 5), date(2025, 3, 20), 3)
    assert [(c.client, c.monthly) for c in b.clients] == [("X", 1500.0), ("Y", 200.0)]
    assert b.monthly == 1700.0


def test_short_span_counts_calendar_months_not_elapsed_time(add_dataset, store):
    # Documented rule: months covered = calendar months from the first record's month to the last's,
    # inclusive. Jan 31 → Feb 1 is two days but "covers" 2 months: (100 + 100) / 2 = 100.
    b = client_baseline(store, add_dataset([("2025-01-31", "X", "100"), ("2025-02-01", "X", "100")]))
    assert b.months == 2
    assert b.clients[0].monthly == 100.0


def test_span_longer_than_short_window_divides_by_the_window(add_dataset, store):
    # Dec 25 2024 … Mar 20 2025 covers 4 calendar months.
    #   12 months: window start 2024-03-21 < first → span ÷ min(4, 12) = 4 → (400 + 800) / 4 = 300.
    #   3 months: window start 2024-12-21 < first (Dec 25) → span ÷ min(4, 3) = 3 → 1200 / 3 = 400.
    rows = [("2024-12-25", "X", "400"), ("2025-03-20", "X", "800")]
    twelve = client_baseline(store, add_dataset(rows), 12)
    assert (twelve.start, twelve.months, twelve.clients[0].monthly) == (date(2024, 12, 25), 4, 300.0)
    three = client_baseline(store, add_dataset(rows), 3)
    assert (three.start, three.months, three.clients[0].monthly) == (date(2024, 12, 25), 3, 400.0)


# -- refunds, errors, helpers -----------------------------------------------------------------------


def test_client_whose_refunds_exceed_revenue(add_dataset, store):
    # A: 1200 → 100 a month. R: 300 − 500 = −200 → run-rate 0, non_positive. Z: 100 − 100 = 0 → also
    # non_positive (zero counts as "no income to lose"). Baseline = 100 only.
    rows = [
        ("2025-01-01", "A", "1200"),
        ("2025-03-01", "R", "300"),
        ("2025-04-01", "R", "-500"),
        ("2025-05-01", "Z", "100"),
        ("2025-06-01", "Z", "-100"),
        ("2025-12-31", "A", "0"),
    ]
    b = client_baseline(store, add_dataset(rows))
    assert [(c.client, c.monthly) for c in b.clients] == [("A", 100.0)]
    assert b.monthly == 100.0
    # ordered by net descending: Z (0) before R (−200)
    assert b.non_positive == (ClientRate("Z", 0.0, 0.0), ClientRate("R", -200.0, 0.0))
    assert b.rate("R") == ClientRate("R", -200.0, 0.0)
    assert b.rate("A") == ClientRate("A", 1200.0, 100.0)
    assert b.rate("nobody") is None


def test_no_positive_client_raises(add_dataset, store):
    rows = [("2025-01-01", "A", "100"), ("2025-02-01", "A", "-100"), ("2025-03-01", "B", "-5")]
    with pytest.raises(NoBaselineError, match="No client has positive net revenue"):
        client_baseline(store, add_dataset(rows))


def test_empty_dataset_raises(add_dataset, store):
    with pytest.raises(NoBaselineError):
        client_baseline(store, add_dataset([]))


def test_unknown_dataset_raises(store):
    with pytest.raises(NoBaselineError):
        client_baseline(store, 12345)


def test_no_baseline_error_is_a_value_error():
    assert issubclass(NoBaselineError, ValueError)


@pytest.mark.parametrize("months", [0, 1, 2, 4, 9, 24, -12])
def test_invalid_baseline_length_raises(add_dataset, store, months):
    dataset = add_dataset([("2025-01-01", "A", "100")])
    with pytest.raises(ValueError, match="3, 6, 12"):
        client_baseline(store, dataset, months)


def test_datasets_do_not_mix(add_dataset, store):
    first = add_dataset([("2025-01-01", "A", "1200"), ("2025-12-31", "A", "1200")], name="one")
    add_dataset([("2025-06-01", "A", "999999"), ("2026-06-01", "B", "5")], name="two")
    b = client_baseline(store, first)
    assert [(c.client, c.monthly) for c in b.clients] == [("A", 200.0)]
    assert b.end == date(2025, 12, 31)


def test_cents_survive(add_dataset, store):
    # 0.10 + 0.20 = 0.30 exactly in DECIMAL; 12 months → 0.025.
    b = client_baseline(store, add_dataset([("2025-01-01", "A", "0.10"), ("2025-12-31", "A", "0.20")]))
    assert b.clients[0].net == 0.3
    assert b.clients[0].monthly == pytest.approx(0.025, abs=1e-15)


@pytest.mark.parametrize(
    ("end", "expected"),
    [
        (date(2025, 12, 31), "2026-01"),  # across December
        (date(2025, 12, 1), "2026-01"),
        (date(2025, 11, 30), "2025-12"),
        (date(2025, 1, 15), "2025-02"),
        (date(999, 12, 31), "1000-01"),  # zero-padded year
    ],
)
def test_next_month(end, expected):
    b = Baseline(date(2025, 1, 1), end, 12, (ClientRate("A", 12.0, 1.0),), ())
    assert b.next_month == expected
