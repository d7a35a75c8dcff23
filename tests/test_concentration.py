"""Concentration figures against published values, hand computations and second methods."""

from __future__ import annotations

import json
from datetime import date
from fractions import Fraction

import pytest

from analytics.concentration import ClientShare, NoRevenueError, concentration
from analytics.window import Window

YEAR_2025 = Window(date(2025, 1, 1), date(2025, 12, 31))

# The example vector of R's ineq package documentation (?Gini, ?conc):
#   x <- c(541, 1463, 2445, 3438, 4437, 5401, 6392, 8304, 11904, 22261)
#   Gini(x)                     # 0.4620911
#   conc(x, type = "Herfindahl") # 0.1840812
INEQ_X = [541, 1463, 2445, 3438, 4437, 5401, 6392, 8304, 11904, 22261]
INEQ_GINI = 0.462091130267624
INEQ_HHI = 0.184081230915485


def one_row_each(amounts, day="2025-06-01"):
    return [(day, f"Client {i:02d}", str(a)) for i, a in enumerate(amounts)]


def report_for(add_dataset, store, rows, window=YEAR_2025):
    return concentration(store, add_dataset(rows), window)


# -- published values -----------------------------------------------------------------------------


def test_ineq_documentation_example(add_dataset, store):
    report = report_for(add_dataset, store, one_row_each(INEQ_X))
    assert report.gini == pytest.approx(INEQ_GINI, abs=1e-12)
    assert report.hhi == pytest.approx(INEQ_HHI, abs=1e-12)
    assert report.hhi_points == pytest.approx(INEQ_HHI * 10_000, abs=1e-8)
    assert report.effective_clients == pytest.approx(1 / INEQ_HHI, rel=1e-12)
    assert report.clients == 10
    assert report.total_revenue == 66_586.0  # sum(INEQ_X)


def test_gini_matches_mean_absolute_difference(add_dataset, store):
    # Second method: G = Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² μ), exact with fractions.
    x = INEQ_X
    n = len(x)
    mean = Fraction(sum(x), n)
    expected = Fraction(sum(abs(a - b) for a in x for b in x)) / (2 * n * n * mean)
    report = report_for(add_dataset, store, one_row_each(x))
    assert report.gini == pytest.approx(float(expected), abs=1e-12)


def test_shares_and_top_shares_match_exact_fractions(add_dataset, store):
    x = INEQ_X
    total = sum(x)
    desc = sorted(x, reverse=True)
    report = report_for(add_dataset, store, one_row_each(x))
    assert [c.revenue for c in report.clients_table] == [float(v) for v in desc]
    for row, v in zip(report.clients_table, desc, strict=True):
        assert row.share == pytest.approx(float(Fraction(v, total)), rel=1e-15)
    for k in (1, 3, 5, 10):
        assert report.top_shares[k] == pytest.approx(float(Fraction(sum(desc[:k]), total)), rel=1e-15)
    # 22261 + 11904 + 8304 + 6392 = 48861 (73.4%) < 80% ≤ 48861 + 5401 = 54262 (81.5%)
    assert report.pareto_80_clients == 5


def test_doj_hhi_example(add_dataset, store):
    # US DOJ: four firms with 30, 30, 20 and 20 percent have an HHI of 2,600.
    rows = [("2025-03-01", name, amount) for name, amount in [("D", 20), ("A", 30), ("C", 20), ("B", 30)]]
    report = report_for(add_dataset, store, rows)
    assert report.hhi_points == pytest.approx(2600, abs=1e-9)
    assert report.effective_clients == pytest.approx(10_000 / 2600, rel=1e-12)
    # Ascending 20, 20, 30, 30: Σ(2i − 5)·x = −60 − 20 + 30 + 90 = 40; G = 40 / (4 · 100) = 0.1
    assert report.gini == pytest.approx(0.1, abs=1e-15)
    # Ties by name: A before B, C before D.
    assert [(c.client, c.revenue, c.share) for c in report.clients_table] == [
        ("A", 30.0, 0.3),
        ("B", 30.0, 0.3),
        ("C", 20.0, 0.2),
        ("D", 20.0, 0.2),
    ]
    # 30 + 30 = 60% < 80%; + 20 = exactly 80% → reached with 3 clients.
    assert report.pareto_80_clients == 3
    assert report.risk.level == "high"  # top client 30%
    assert report.risk.hhi_band == "highly concentrated"  # 2,600 > 1,800


# -- edge cases --------------------------------------------------------------------------------------


def test_single_client(add_dataset, store):
    rows = [("2025-02-01", "Solo Ltd", "1200.00"), ("2025-03-01", "Solo Ltd", "300.00")]
    report = report_for(add_dataset, store, rows)
    assert report.clients == 1
    assert report.total_revenue == 1500.0
    assert report.hhi == 1.0
    assert report.hhi_points == 10_000.0
    assert report.effective_clients == 1.0
    assert report.gini == 0.0
    assert report.lorenz == [(0.0, 0.0), (1.0, 1.0)]
    assert report.top_shares == {1: 1.0, 3: 1.0, 5: 1.0, 10: 1.0}
    assert report.pareto_80_clients == 1
    assert report.clients_table == [ClientShare("Solo Ltd", 1500.0, 1.0)]
    assert report.risk.level == "critical"
    assert report.risk.reasons[0].startswith("Only one client paid you in this period")


def test_lorenz_three_clients_by_hand(add_dataset, store):
    # Revenues 50, 30, 20 (total 100); ascending 20, 30, 50 → cumulative 0.2, 0.5, 1.0.
    rows = [("2025-05-05", "Big", "50"), ("2025-05-05", "Mid", "30"), ("2025-05-05", "Small", "20")]
    report = report_for(add_dataset, store, rows)
    # Each coordinate is one correctly rounded division of exact integers, so equality is exact.
    assert report.lorenz == [(0.0, 0.0), (1 / 3, 0.2), (2 / 3, 0.5), (1.0, 1.0)]
    # Σ(2i − 4)·x = −2·20 + 0·30 + 2·50 = 60; G = 60 / (3 · 100) = 0.2
    assert report.gini == pytest.approx(0.2, abs=1e-15)
    # 0.5² + 0.3² + 0.2² = 0.38
    assert report.hhi == pytest.approx(0.38, abs=1e-15)
    assert report.top_shares == {1: 0.5, 3: 1.0, 5: 1.0, 10: 1.0}


def test_top_shares_with_fewer_than_ten_clients(add_dataset, store):
    # 40, 30, 20, 10 of 100.
    report = report_for(add_dataset, store, one_row_each([10, 40, 20, 30]))
    assert report.top_shares == {1: 0.4, 3: 0.9, 5: 1.0, 10: 1.0}
    assert report.clients == 4


def test_refunds_exceeding_revenue_exclude_the_client(add_dataset, store):
    rows = [
        ("2025-01-10", "Acme", "300.00"),
        ("2025-01-10", "Beta", "100.00"),
        ("2025-02-01", "Gone Co", "100.00"),
        ("2025-03-01", "Gone Co", "-150.00"),  # net −50
        ("2025-04-01", "Even Ltd", "80.00"),
        ("2025-04-02", "Even Ltd", "-80.00"),  # net 0: no revenue either
    ]
    report = report_for(add_dataset, store, rows)
    assert report.clients == 2
    assert report.total_revenue == 400.0  # excluded clients do not reduce the total
    assert [(c.client, c.share) for c in report.clients_table] == [("Acme", 0.75), ("Beta", 0.25)]
    assert report.excluded_clients == [ClientShare("Gone Co", -50.0, 0.0), ClientShare("Even Ltd", 0.0, 0.0)]


def test_revenue_split_across_rows_and_refunds_are_netted(add_dataset, store):
    rows = [
        ("2025-01-01", "Acme", "0.10"),
        ("2025-02-01", "Acme", "0.20"),  # 0.1 + 0.2 must be exactly 0.30, not 0.30000000000000004
        ("2025-03-01", "Acme", "1000.00"),
        ("2025-04-01", "Acme", "-250.30"),  # Acme: 0.10 + 0.20 + 1000.00 − 250.30 = 750.00
        ("2025-05-01", "Beta", "125.00"),
        ("2025-06-01", "Beta", "125.00"),  # Beta: 250.00
    ]
    report = report_for(add_dataset, store, rows)
    assert [(c.client, c.revenue, c.share) for c in report.clients_table] == [
        ("Acme", 750.0, 0.75),
        ("Beta", 250.0, 0.25),
    ]
    assert report.total_revenue == 1000.0
    assert report.excluded_clients == []


def test_rows_outside_the_window_and_other_datasets_are_ignored(add_dataset, store):
    add_dataset([("2025-06-01", "Other dataset", "1000000.00")])
    rows = [
        ("2024-12-31", "Before", "999.00"),
        ("2025-01-01", "Acme", "60.00"),  # first day: in
        ("2025-12-31", "Beta", "40.00"),  # last day: in
        ("2026-01-01", "After", "999.00"),
        ("2026-01-01", "Acme", "-60.00"),  # a refund after the window does not count either
    ]
    report = report_for(add_dataset, store, rows)
    assert [(c.client, c.revenue) for c in report.clients_table] == [("Acme", 60.0), ("Beta", 40.0)]
    assert report.excluded_clients == []


def test_empty_window_raises_no_revenue_error(add_dataset, store):
    ds = add_dataset([("2024-06-01", "Acme", "100.00")])
    with pytest.raises(NoRevenueError) as caught:
        concentration(store, ds, YEAR_2025)
    assert str(caught.value) == (
        "No positive revenue between 2025-01-01 and 2025-12-31: nothing to measure. "
        "Pick a wider window or check the import."
    )
    assert isinstance(caught.value, ValueError)


def test_only_refunds_in_window_raises_no_revenue_error(add_dataset, store):
    ds = add_dataset([("2025-06-01", "Acme", "-100.00"), ("2025-06-02", "Beta", "0.00")])
    with pytest.raises(NoRevenueError, match="No positive revenue between 2025-01-01 and 2025-12-31"):
        concentration(store, ds, YEAR_2025)


# -- Pareto 80% boundary (compared in exact cents) ------------------------------------------------------


@pytest.mark.parametrize(
    ("amounts", "expected"),
    [
        (["80.00", "20.00"], 1),  # exactly 80% counts as reached
        (["79.00", "21.00"], 2),
        (["79.99", "20.01"], 2),  # one cent short
        (["70.00", "10.00", "10.00", "10.00"], 2),  # 70 + 10 = 80 exactly; in floats 0.7 + 0.1 < 0.8
        (["0.70", "0.10", "0.10", "0.10"], 2),
        (["25", "25", "25", "25"], 4),  # 75% after three, 100% after four
        # One cent short of 80% of 10^16: as doubles 7999999999999999.99 / 10^16 rounds to 0.8.
        (["7999999999999999.99", "2000000000000000.01"], 2),
    ],
)
def test_pareto_80_boundary(add_dataset, store, amounts, expected):
    report = report_for(add_dataset, store, one_row_each(amounts))
    assert report.pareto_80_clients == expected


# -- JSON contract -------------------------------------------------------------------------------------


def test_to_json_dict_shape(add_dataset, store):
    rows = [
        ("2025-01-01", "Acme", "100.01"),
        ("2025-02-01", "Acme", "233.33"),
        ("2025-03-01", "Beta", "166.67"),
        ("2025-03-02", "Refunded", "-5.00"),
    ]
    report = report_for(add_dataset, store, rows)
    data = report.to_json_dict()
    assert list(data) == [
        "period",
        "total_revenue",
        "clients",
        "top_shares",
        "hhi",
        "hhi_points",
        "effective_clients",
        "gini",
        "pareto_80_clients",
        "risk",
        "clients_table",
        "lorenz",
    ]
    assert data["period"] == {"start": "2025-01-01", "end": "2025-12-31"}
    assert data["total_revenue"] == 500.01  # 100.01 + 233.33 + 166.67; the refund's client is excluded
    assert data["clients"] == 2
    assert list(data["top_shares"]) == ["1", "3", "5", "10"]
    assert data["top_shares"]["1"] == report.top_shares[1]
    assert data["hhi"] == report.hhi and data["gini"] == report.gini
    assert data["risk"] == {"level": report.risk.level, "reasons": report.risk.reasons}
    assert [list(row) for row in data["clients_table"]] == [["client", "revenue", "share"]] * 2
    assert data["clients_table"][0] == {"client": "Acme", "revenue": 333.34, "share": report.clients_table[0].share}
    assert data["lorenz"] == [[x, y] for x, y in report.lorenz]
    assert "rows" not in data
    assert json.loads(json.dumps(data)) == data  # plain JSON types only


def test_money_is_exact_to_the_cent(add_dataset, store):
    # 1000 rows of 0.01 and 3 rows of 33.33: exact sums 10.00 and 99.99 (floats would drift).
    rows = [("2025-07-01", "Tiny", "0.01")] * 1000 + [("2025-07-02", "Thirds", "33.33")] * 3
    report = report_for(add_dataset, store, rows)
    assert [(c.client, c.revenue) for c in report.clients_table] == [("Thirds", 99.99), ("Tiny", 10.0)]
    assert report.total_revenue == 109.99
    # 1000 / 10999 cents, correctly rounded (the SQL divides exact integer cents)
    assert report.clients_table[1].share == float(Fraction(1000, 10999))


# -- one pass over income --------------------------------------------------------------------------------


def test_income_is_scanned_once(add_dataset, store):
    from analytics.concentration import _CONCENTRATION_SQL

    add_dataset(one_row_each([1, 2, 3]))
    params = {"dataset_id": 1, "start": date(2025, 1, 1), "end": date(2025, 12, 31)}
    with store.cursor() as cur:
        plan = "\n".join(row[1] for row in cur.execute("EXPLAIN " + _CONCENTRATION_SQL, params).fetchall())
    assert plan.count("SEQ_SCAN") == 1
