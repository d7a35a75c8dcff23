"""Revenue per period and trailing-12-month concentration, against hand-worked fixtures."""

from __future__ import annotations

from datetime import date

import pytest

from analytics.concentration import concentration
from analytics.over_time import (
    ConcentrationPoint,
    PeriodRevenue,
    concentration_over_time,
    other_label,
    revenue_by_period,
)
from analytics.window import Window

# -- revenue_by_period ----------------------------------------------------------------------------

# Totals over the data: A 1000 + 500 = 1500; B 800 − 100 = 700; C 300; D 200; E 50 − 80 = −30.
# February has no row at all.
SMALL_LEDGER = [
    ("2025-01-10", "A", "1000"),
    ("2025-01-20", "B", "800"),
    ("2025-01-25", "B", "-100"),
    ("2025-01-15", "D", "200"),
    ("2025-03-05", "A", "500"),
    ("2025-03-01", "C", "300"),
    ("2025-03-20", "E", "50"),
    ("2025-03-21", "E", "-80"),
]


def rows_of(points):
    return [(p.period, p.client, p.revenue) for p in points]


def test_top_n_named_rest_in_other_bucket_with_empty_month_kept(add_dataset, store):
    ds = add_dataset(SMALL_LEDGER)
    points = revenue_by_period(store, ds, "month", top_n=2)
    # Named: A (1500), B (700). Other: C, D and E (E's net −30 also lands there) → N = 3.
    # Jan: A 1000, B 800 − 100 = 700, Other = D 200.  Feb: no rows → one A row of 0.
    # Mar: A 500, Other = C 300 + E (50 − 80) = 270.
    assert rows_of(points) == [
        (date(2025, 1, 1), "A", 1000.0),
        (date(2025, 1, 1), "B", 700.0),
        (date(2025, 1, 1), "Other (3 clients)", 200.0),
        (date(2025, 2, 1), "A", 0.0),
        (date(2025, 3, 1), "A", 500.0),
        (date(2025, 3, 1), "Other (3 clients)", 270.0),
    ]
    assert [p.other_clients for p in points] == [0, 0, 3, 0, 0, 3]
    assert [p.is_other for p in points] == [False, False, True, False, False, True]
    # Every euro is somewhere: 1500 + 700 + 300 + 200 − 30 = 2670.
    assert sum(p.revenue for p in points) == pytest.approx(2670.0)


def test_quarter_grain_with_an_empty_quarter(add_dataset, store):
    ds = add_dataset([*SMALL_LEDGER, ("2025-08-01", "B", "100")])
    points = revenue_by_period(store, ds, "quarter", top_n=2)
    # Totals: A 1500, B 700 + 100 = 800 → both named; Other = C, D, E (N = 3).
    # Q1: A 1000 + 500 = 1500, B 700, Other 200 + 300 − 30 = 470. Q2: no rows → A 0. Q3: B 100.
    assert rows_of(points) == [
        (date(2025, 1, 1), "A", 1500.0),
        (date(2025, 1, 1), "B", 700.0),
        (date(2025, 1, 1), "Other (3 clients)", 470.0),
        (date(2025, 4, 1), "A", 0.0),
        (date(2025, 7, 1), "B", 100.0),
    ]


def test_window_limits_ranking_and_pads_its_periods(add_dataset, store):
    ds = add_dataset(SMALL_LEDGER)
    window = Window(date(2025, 2, 15), date(2025, 5, 10))
    points = revenue_by_period(store, ds, "month", top_n=1, window=window)
    # Inside the window only March's rows: A 500, C 300, E −30. Named: A. Other: C and E (N = 2),
    # March Other = 300 − 30 = 270. Periods Feb … May (the window's), empty ones as A 0.
    assert rows_of(points) == [
        (date(2025, 2, 1), "A", 0.0),
        (date(2025, 3, 1), "A", 500.0),
        (date(2025, 3, 1), "Other (2 clients)", 270.0),
        (date(2025, 4, 1), "A", 0.0),
        (date(2025, 5, 1), "A", 0.0),
    ]


def test_no_other_bucket_when_everyone_is_named_and_ties_by_name(add_dataset, store):
    ds = add_dataset([("2025-01-01", "Zeta", "100"), ("2025-01-02", "Alpha", "100"), ("2025-02-01", "Mid", "50")])
    points = revenue_by_period(store, ds, top_n=8)
    # Zeta and Alpha tie at 100: Alpha first by name. Mid 50 third. Three clients ≤ 8: no Other.
    assert rows_of(points) == [
        (date(2025, 1, 1), "Alpha", 100.0),
        (date(2025, 1, 1), "Zeta", 100.0),
        (date(2025, 2, 1), "Mid", 50.0),
    ]


def test_top_n_zero_puts_everyone_in_other(add_dataset, store):
    ds = add_dataset([("2025-01-01", "A", "100"), ("2025-03-01", "B", "40")])
    # Nobody named: Other holds A and B (N = 2); the empty February is an Other row of 0.
    assert rows_of(revenue_by_period(store, ds, top_n=0)) == [
        (date(2025, 1, 1), "Other (2 clients)", 100.0),
        (date(2025, 2, 1), "Other (2 clients)", 0.0),
        (date(2025, 3, 1), "Other (2 clients)", 40.0),
    ]


def test_at_most_periods_times_top_n_plus_one_points(add_dataset, store):
    # 30 clients, client i pays i × 10 in January and in February.
    rows = [(f"2025-0{m}-05", f"C{i:02d}", str(i * 10)) for m in (1, 2) for i in range(1, 31)]
    points = revenue_by_period(store, add_dataset(rows), top_n=3)
    assert len(points) == 2 * (3 + 1)
    # Named C30, C29, C28 (300, 290, 280 a month); Other = C01…C27: (1 + … + 27) × 10 = 378 × 10 = 3780.
    assert rows_of(points[:4]) == [
        (date(2025, 1, 1), "C30", 300.0),
        (date(2025, 1, 1), "C29", 290.0),
        (date(2025, 1, 1), "C28", 280.0),
        (date(2025, 1, 1), "Other (27 clients)", 3780.0),
    ]


def test_other_label_singular():
    assert other_label(1) == "Other (1 client)"
    assert other_label(12) == "Other (12 clients)"


def test_empty_dataset_and_empty_window(add_dataset, store):
    assert revenue_by_period(store, add_dataset([])) == []
    ds = add_dataset(SMALL_LEDGER)
    assert revenue_by_period(store, ds, window=Window(date(2030, 1, 1), date(2030, 12, 31))) == []


@pytest.mark.parametrize(("grain", "top_n"), [("week", 8), ("month", -1), ("month", 2.5)])
def test_bad_arguments(add_dataset, store, grain, top_n):
    with pytest.raises(ValueError):
        revenue_by_period(store, add_dataset(SMALL_LEDGER), grain, top_n)


# -- concentration_over_time ----------------------------------------------------------------------

# A pays Jan and Jun 2024; B pays Mar 2024 and refunds 100 in Apr; C's February payment is fully
# refunded (active, but never positive); D pays once in Jul 2025 so the data runs to Jul 2025.
TIMELINE = [
    ("2024-01-15", "A", "1000"),
    ("2024-02-10", "C", "400"),
    ("2024-02-20", "C", "-400"),
    ("2024-03-01", "B", "600"),
    ("2024-04-01", "B", "-100"),
    ("2024-06-10", "A", "500"),
    ("2025-07-05", "D", "100"),
]


def point(month, revenue, top1, top3, hhi, effective, active, covered=12):
    return ConcentrationPoint(month, revenue, top1, top3, hhi, effective, active, covered)


def assert_point(actual, expected):
    assert actual.month == expected.month
    assert actual.revenue == expected.revenue
    for name in ("top1", "top3", "hhi", "effective_clients"):
        assert getattr(actual, name) == pytest.approx(getattr(expected, name), abs=1e-12), name
    assert actual.active_clients == expected.active_clients
    assert actual.months_covered == expected.months_covered


def test_trailing_year_month_by_month(add_dataset, store):
    points = {p.month: p for p in concentration_over_time(store, add_dataset(TIMELINE))}
    assert list(points) == [date(2024 + (m - 1) // 12, (m - 1) % 12 + 1, 1) for m in range(1, 20)]  # Jan 24–Jul 25
    expected = [
        # Jan 24: only A 1000. One month of data.
        point(date(2024, 1, 1), 1000.0, 1.0, 1.0, 1.0, 1.0, 1, covered=1),
        # Feb 24: A 1000; C paid and refunded (net 0: no share, but active).
        point(date(2024, 2, 1), 1000.0, 1.0, 1.0, 1.0, 1.0, 2, covered=2),
        # Mar 24: A 1000, B 600, total 1600: top1 0.625, hhi 0.625² + 0.375² = 0.53125, eff 1/0.53125.
        point(date(2024, 3, 1), 1600.0, 0.625, 1.0, 0.53125, 1 / 0.53125, 3, covered=3),
        # Apr 24: B 600 − 100 = 500: total 1500, top1 2/3, hhi 4/9 + 1/9 = 5/9, eff 1.8.
        point(date(2024, 4, 1), 1500.0, 2 / 3, 1.0, 5 / 9, 1.8, 3, covered=4),
        # Jun 24: A 1500, B 500: top1 0.75, hhi 0.5625 + 0.0625 = 0.625, eff 1.6.
        point(date(2024, 6, 1), 2000.0, 0.75, 1.0, 0.625, 1.6, 3, covered=6),
        # Dec 24: the same 12 months' money, a full year of data.
        point(date(2024, 12, 1), 2000.0, 0.75, 1.0, 0.625, 1.6, 3),
        # Jan 25 (Feb 24 … Jan 25): A's January payment drops out: A 500, B 500 → 0.5, hhi 0.5, eff 2.
        # Active: A (Jun), B (Mar), C (Feb) = 3.
        point(date(2025, 1, 1), 1000.0, 0.5, 1.0, 0.5, 2.0, 3),
        # Feb 25 (Mar 24 …): C's last payment (Feb 24) is now 13 months back: C drops out → 2 active.
        point(date(2025, 2, 1), 1000.0, 0.5, 1.0, 0.5, 2.0, 2),
        # Mar 25 (Apr 24 …): B's payment is out, its April refund is in: B net −100, not positive,
        # and a refund is not a payment, so B is not active either. Only A 500.
        point(date(2025, 3, 1), 500.0, 1.0, 1.0, 1.0, 1.0, 1),
        # May 25 (Jun 24 … May 25): A's June payment is the 12th month back: still active.
        point(date(2025, 5, 1), 500.0, 1.0, 1.0, 1.0, 1.0, 1),
        # Jun 25 (Jul 24 … Jun 25): nothing at all: kept, all zero, no division by zero.
        point(date(2025, 6, 1), 0.0, 0.0, 0.0, 0.0, 0.0, 0),
        # Jul 25: D 100 alone.
        point(date(2025, 7, 1), 100.0, 1.0, 1.0, 1.0, 1.0, 1),
    ]
    for exp in expected:
        assert_point(points[exp.month], exp)


def test_top3_with_more_than_three_clients(add_dataset, store):
    rows = [("2025-05-05", name, amount) for name, amount in [("A", 50), ("B", 20), ("C", 15), ("D", 10), ("E", 5)]]
    (only,) = concentration_over_time(store, add_dataset(rows))
    # Total 100: top1 0.5, top3 (50 + 20 + 15) / 100 = 0.85,
    # hhi 0.25 + 0.04 + 0.0225 + 0.01 + 0.0025 = 0.325, eff 1 / 0.325.
    assert_point(only, point(date(2025, 5, 1), 100.0, 0.5, 0.85, 0.325, 1 / 0.325, 5, covered=1))


def test_dataset_shorter_than_twelve_months(add_dataset, store):
    points = concentration_over_time(store, add_dataset([("2025-01-31", "A", "100"), ("2025-03-01", "B", "300")]))
    # Jan: A 100. Feb: A 100 still (nothing new). Mar: A 100 + B 300 = 400, top1 0.75,
    # hhi 0.0625 + 0.5625 = 0.625. Each point uses the 1, 2, 3 months that exist.
    assert len(points) == 3
    assert_point(points[0], point(date(2025, 1, 1), 100.0, 1.0, 1.0, 1.0, 1.0, 1, covered=1))
    assert_point(points[1], point(date(2025, 2, 1), 100.0, 1.0, 1.0, 1.0, 1.0, 1, covered=2))
    assert_point(points[2], point(date(2025, 3, 1), 400.0, 0.75, 1.0, 0.625, 1.6, 2, covered=3))


def test_empty_dataset_has_no_points(add_dataset, store):
    assert concentration_over_time(store, add_dataset([])) == []


def month_end(d: date) -> date:
    nxt = date(d.year + 1, 1, 1) if d.month == 12 else date(d.year, d.month + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def test_matches_concentration_on_the_same_twelve_months(add_dataset, store):
    # Second method: analytics.concentration over Window(first day of M − 11, last day of M).
    # 9 clients paying in irregular months over 2023–2025, with a few refunds.
    rows = []
    for i in range(1, 10):
        for m in range(0, 30, 1 + i % 4):
            year, month = 2023 + m // 12, m % 12 + 1
            rows.append((f"{year}-{month:02d}-{1 + (i * 3 + m) % 28:02d}", f"Client {i}", str(100 * i + 7 * m)))
            if (i + m) % 11 == 0:
                rows.append((f"{year}-{month:02d}-28", f"Client {i}", str(-40 * i)))
    ds = add_dataset(rows)
    points = {p.month: p for p in concentration_over_time(store, ds)}
    for month in (date(2023, 6, 1), date(2023, 12, 1), date(2024, 7, 1), date(2025, 6, 1)):
        start = date(month.year - 1, month.month + 1, 1) if month.month < 12 else date(month.year, 1, 1)
        report = concentration(store, ds, Window(start, month_end(month)))
        p = points[month]
        assert p.revenue == report.total_revenue
        assert p.top1 == pytest.approx(report.top_shares[1], rel=1e-12)
        assert p.top3 == pytest.approx(report.top_shares[3], rel=1e-12)
        assert p.hhi == pytest.approx(report.hhi, rel=1e-12)
        assert p.effective_clients == pytest.approx(report.effective_clients, rel=1e-12)


def test_revenue_by_period_types(add_dataset, store):
    (only,) = revenue_by_period(store, add_dataset([("2025-01-01", "A", "12.34")]))
    assert only == PeriodRevenue(date(2025, 1, 1), "A", 12.34, 0)
