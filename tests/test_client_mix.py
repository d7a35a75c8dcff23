"""New vs returning revenue, revenue by tenure and quarterly cohorts, against a hand-worked ledger."""

from __future__ import annotations

from datetime import date

import pytest

from analytics.client_mix import (
    CohortCell,
    NewReturningPoint,
    TenurePoint,
    cohort_revenue,
    new_vs_returning,
    revenue_by_tenure,
)

# First rows: A Jan 2024, C Feb 2024, B Mar 2024 (cohort 2024-Q1); D May 2024 (2024-Q2);
# E Apr 2025 (2025-Q2). The data runs Jan 2024 … Feb 2026 (26 months, 9 quarters).
LEDGER = [
    ("2024-01-10", "A", "100"),
    ("2024-01-20", "A", "50"),
    ("2024-02-14", "C", "80"),
    ("2024-02-15", "C", "-80"),  # C's only payment, refunded: new, but 0 revenue
    ("2024-03-05", "A", "200"),
    ("2024-03-31", "B", "500"),
    ("2024-04-01", "B", "-100"),  # a refund, no payment: B is not a paying returning client in April
    ("2024-05-10", "D", "1000"),
    ("2024-08-01", "D", "500"),  # D's last row: its cohort drops to zero afterwards
    ("2024-12-31", "A", "10"),  # A at tenure 11 (Jan → Dec)
    ("2025-01-15", "A", "300"),  # tenure 12
    ("2025-04-10", "E", "50"),
    ("2025-04-20", "E", "-50"),  # E's first quarter nets 0: no base for retention
    ("2025-08-01", "E", "120"),
    ("2026-01-10", "A", "400"),  # tenure 24
    ("2026-02-01", "A", "-50"),  # tenure 25, a refund
]


def all_months(first: date, count: int) -> list[date]:
    return [date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1) for i in range(count)]


MONTHS = all_months(date(2024, 1, 1), 26)


def test_new_vs_returning(add_dataset, store):
    points = new_vs_returning(store, add_dataset(LEDGER))
    assert [p.month for p in points] == MONTHS
    # (new, returning, new_clients, returning_clients) for every month with a row; all others 0.
    expected = {
        date(2024, 1, 1): (150.0, 0.0, 1, 0),  # A 100 + 50, new
        date(2024, 2, 1): (0.0, 0.0, 1, 0),  # C 80 − 80, new with 0 revenue
        date(2024, 3, 1): (500.0, 200.0, 1, 1),  # B new 500; A returning 200
        date(2024, 4, 1): (0.0, -100.0, 0, 0),  # B's refund: returning revenue −100, no payment
        date(2024, 5, 1): (1000.0, 0.0, 1, 0),  # D new
        date(2024, 8, 1): (0.0, 500.0, 0, 1),  # D returning
        date(2024, 12, 1): (0.0, 10.0, 0, 1),  # A
        date(2025, 1, 1): (0.0, 300.0, 0, 1),  # A
        date(2025, 4, 1): (0.0, 0.0, 1, 0),  # E 50 − 50, new
        date(2025, 8, 1): (0.0, 120.0, 0, 1),  # E returning
        date(2026, 1, 1): (0.0, 400.0, 0, 1),  # A
        date(2026, 2, 1): (0.0, -50.0, 0, 0),  # A's refund
    }
    for p in points:
        assert (p.new, p.returning, p.new_clients, p.returning_clients) == expected.get(p.month, (0.0, 0.0, 0, 0))
    # Every client is new exactly once: A, B, C, D, E.
    assert sum(p.new_clients for p in points) == 5


def test_revenue_by_tenure(add_dataset, store):
    points = revenue_by_tenure(store, add_dataset(LEDGER))
    assert [p.month for p in points] == MONTHS
    expected = {
        date(2024, 1, 1): (150.0, 0.0, 0.0),  # A tenure 0
        date(2024, 3, 1): (700.0, 0.0, 0.0),  # A tenure 2 (200) + B tenure 0 (500)
        date(2024, 4, 1): (-100.0, 0.0, 0.0),  # B tenure 1: 31 March → 1 April is one calendar month
        date(2024, 5, 1): (1000.0, 0.0, 0.0),  # D tenure 0
        date(2024, 8, 1): (500.0, 0.0, 0.0),  # D tenure 3
        date(2024, 12, 1): (10.0, 0.0, 0.0),  # A tenure 11: still the first year
        date(2025, 1, 1): (0.0, 300.0, 0.0),  # A tenure 12: second year
        date(2025, 8, 1): (120.0, 0.0, 0.0),  # E tenure 4
        date(2026, 1, 1): (0.0, 0.0, 400.0),  # A tenure 24: two plus
        date(2026, 2, 1): (0.0, 0.0, -50.0),  # A tenure 25, refund
    }
    for p in points:
        assert (p.first_year, p.one_to_two_years, p.two_plus_years) == expected.get(p.month, (0.0, 0.0, 0.0))


def test_cohort_revenue_with_a_cohort_dropping_to_zero(add_dataset, store):
    cells = cohort_revenue(store, add_dataset(LEDGER))
    q1_base = 850  # 2024-Q1: A 100 + 50 + 200 = 350, B 500, C 80 − 80 = 0 → 850

    def cell(cohort, quarter, since, revenue, retention, clients, size):
        return CohortCell(cohort, quarter, since, revenue, pytest.approx(retention, abs=1e-15), clients, size)

    assert cells == [
        # 2024-Q1 (A, B, C): 9 quarters up to 2026-Q1.
        cell("2024-Q1", "2024-Q1", 0, 850.0, 1.0, 3, 3),  # all three made a payment
        cell("2024-Q1", "2024-Q2", 1, -100.0, -100 / q1_base, 0, 3),  # B's refund only
        cell("2024-Q1", "2024-Q3", 2, 0.0, 0.0, 0, 3),
        cell("2024-Q1", "2024-Q4", 3, 10.0, 10 / q1_base, 1, 3),  # A 10
        cell("2024-Q1", "2025-Q1", 4, 300.0, 300 / q1_base, 1, 3),  # A 300
        cell("2024-Q1", "2025-Q2", 5, 0.0, 0.0, 0, 3),
        cell("2024-Q1", "2025-Q3", 6, 0.0, 0.0, 0, 3),
        cell("2024-Q1", "2025-Q4", 7, 0.0, 0.0, 0, 3),
        cell("2024-Q1", "2026-Q1", 8, 350.0, 350 / q1_base, 1, 3),  # A 400 − 50
        # 2024-Q2 (D): 1000, then 500 (retention 0.5), then zero cells until 2026-Q1.
        cell("2024-Q2", "2024-Q2", 0, 1000.0, 1.0, 1, 1),
        cell("2024-Q2", "2024-Q3", 1, 500.0, 0.5, 1, 1),
        cell("2024-Q2", "2024-Q4", 2, 0.0, 0.0, 0, 1),
        cell("2024-Q2", "2025-Q1", 3, 0.0, 0.0, 0, 1),
        cell("2024-Q2", "2025-Q2", 4, 0.0, 0.0, 0, 1),
        cell("2024-Q2", "2025-Q3", 5, 0.0, 0.0, 0, 1),
        cell("2024-Q2", "2025-Q4", 6, 0.0, 0.0, 0, 1),
        cell("2024-Q2", "2026-Q1", 7, 0.0, 0.0, 0, 1),
        # 2025-Q2 (E): first quarter nets 0 → retention 0 in every cell, even with 120 in Q3.
        cell("2025-Q2", "2025-Q2", 0, 0.0, 0.0, 1, 1),
        cell("2025-Q2", "2025-Q3", 1, 120.0, 0.0, 1, 1),
        cell("2025-Q2", "2025-Q4", 2, 0.0, 0.0, 0, 1),
        cell("2025-Q2", "2026-Q1", 3, 0.0, 0.0, 0, 1),
    ]


def test_first_row_may_be_a_refund(add_dataset, store):
    # X's earliest row is a refund in January: X counts as known from January, so its February
    # payment is returning revenue, not new.
    points = new_vs_returning(store, add_dataset([("2025-01-05", "X", "-20"), ("2025-02-05", "X", "300")]))
    assert points == [
        NewReturningPoint(date(2025, 1, 1), -20.0, 0.0, 1, 0),
        NewReturningPoint(date(2025, 2, 1), 0.0, 300.0, 0, 1),
    ]


def test_empty_dataset(add_dataset, store):
    ds = add_dataset([])
    assert new_vs_returning(store, ds) == []
    assert revenue_by_tenure(store, ds) == []
    assert cohort_revenue(store, ds) == []


def test_tenure_point_sums_to_month_net(add_dataset, store):
    ds = add_dataset(LEDGER)
    # March 2024: A 200 + B 500 = 700, split 700 / 0 / 0, and the new/returning split 500 + 200.
    tenure = {p.month: p for p in revenue_by_tenure(store, ds)}[date(2024, 3, 1)]
    mix = {p.month: p for p in new_vs_returning(store, ds)}[date(2024, 3, 1)]
    assert tenure == TenurePoint(date(2024, 3, 1), 700.0, 0.0, 0.0)
    assert mix.new + mix.returning == 700.0
