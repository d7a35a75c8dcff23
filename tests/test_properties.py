"""Property-based tests of the concentration figures (hypothesis): bounds that hold for every
dataset, and invariance under shuffling rows, scaling all amounts, and splitting payments."""

from __future__ import annotations

import math
import random
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.concentration import concentration
from analytics.store import MEMORY, Store
from analytics.window import Window
from conftest import insert_dataset

WINDOW = Window(date(2025, 1, 1), date(2025, 12, 31))
# Client revenues in cents: 1 cent to 10 million, 1 to 25 clients.
revenues = st.lists(st.integers(min_value=1, max_value=1_000_000_000), min_size=1, max_size=25)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def report_for(rows: list[tuple[str, str, str]]):
    with Store(MEMORY) as store:
        dataset_id = insert_dataset(store, rows)
        return concentration(store, dataset_id, WINDOW)


def one_row_each(cents: list[int]) -> list[tuple[str, str, str]]:
    return [(f"2025-{1 + i % 12:02d}-15", f"Client {i:02d}", f"{c / 100:.2f}") for i, c in enumerate(cents)]


def signature(report) -> list[tuple[str, float, float]]:
    return [(c.client, c.revenue, c.share) for c in report.clients_table]


@SETTINGS
@given(revenues)
def test_bounds_hold_for_every_dataset(cents):
    report = report_for(one_row_each(cents))
    n = len(cents)
    assert report.clients == n
    assert math.isclose(sum(c.share for c in report.clients_table), 1.0, rel_tol=1e-9)
    assert 1 / n - 1e-12 <= report.hhi <= 1 + 1e-12
    assert 1 - 1e-9 <= report.effective_clients <= n + 1e-9
    assert -1e-12 <= report.gini <= 1 - 1 / n + 1e-12
    assert report.lorenz[0] == (0.0, 0.0) and math.isclose(report.lorenz[-1][1], 1.0)
    assert all(b[1] >= a[1] - 1e-12 for a, b in zip(report.lorenz, report.lorenz[1:]))  # non-decreasing
    assert 1 <= report.pareto_80_clients <= n


@SETTINGS
@given(revenues, st.randoms(use_true_random=False))
def test_shuffling_rows_changes_nothing(cents, rng):
    rows = one_row_each(cents)
    shuffled = rows[:]
    rng.shuffle(shuffled)
    a, b = report_for(rows), report_for(shuffled)
    assert signature(a) == signature(b)
    assert (a.hhi, a.gini, a.pareto_80_clients) == (b.hhi, b.gini, b.pareto_80_clients)


@SETTINGS
@given(revenues, st.integers(min_value=2, max_value=1000))
def test_scaling_every_amount_keeps_every_share(cents, factor):
    a = report_for(one_row_each(cents))
    b = report_for(one_row_each([c * factor for c in cents]))
    assert math.isclose(b.total_revenue, a.total_revenue * factor, rel_tol=1e-12)
    for x, y in zip(a.clients_table, b.clients_table):
        assert x.client == y.client and math.isclose(x.share, y.share, rel_tol=1e-9)
    assert math.isclose(a.hhi, b.hhi, rel_tol=1e-9) and math.isclose(a.gini, b.gini, rel_tol=1e-9, abs_tol=1e-12)
    assert a.pareto_80_clients == b.pareto_80_clients


@SETTINGS
@given(revenues, st.integers(min_value=2, max_value=12), st.integers(min_value=0, max_value=2**32 - 1))
def test_splitting_a_clients_revenue_across_rows_changes_nothing(cents, parts, seed):
    rows = one_row_each(cents)
    rng = random.Random(seed)
    victim = rng.randrange(len(cents))
    total = cents[victim]
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    pieces = [b - a for a, b in zip([0, *cuts], [*cuts, total])]
    client = rows[victim][1]
    split_rows = [r for i, r in enumerate(rows) if i != victim]
    split_rows += [(f"2025-{1 + k % 12:02d}-03", client, f"{p / 100:.2f}") for k, p in enumerate(pieces)]
    assert signature(report_for(rows)) == signature(report_for(split_rows))
