"""Baseline run-rates as of a cut-off date (analytics/baseline.py, ``as_of``), worked out by hand.

Rule: only records up to ``as_of`` count and the trailing window ends on ``as_of`` itself; the
short-data rule (whole span ÷ calendar months covered) applies to the records up to ``as_of``.
"""

from __future__ import annotations

from datetime import date

import pytest

from analytics.baseline import NoBaselineError, client_baseline
from test_baseline import FIVE_CLIENTS

ROWS = FIVE_CLIENTS  # test_baseline.py's fixture: Acme … Wayne, 2024-12-31 … 2025-12-31


def test_cut_off_inside_the_data_uses_only_earlier_records(add_dataset, store):
    # as_of 2025-09-30: trailing start 2024-10-01 is before the first record (2024-12-31), so the
    # whole span counts: Dec 2024 … Sep 2025 = 10 calendar months.
    # Acme (99999.99 + 18000) / 10 = 11799.999; Globex 2400; Initech 1200; Hooli 600.
    b = client_baseline(store, add_dataset(ROWS), as_of=date(2025, 9, 30))
    assert (b.start, b.end, b.months) == (date(2024, 12, 31), date(2025, 9, 30), 10)
    assert [(c.client, c.monthly) for c in b.clients] == [
        ("Acme", pytest.approx(11799.999)), ("Globex", 2400.0), ("Initech", 1200.0), ("Hooli", 600.0)]
    assert b.next_month == "2025-10"


def test_cut_off_after_the_data_ends_the_window_on_the_cut_off(add_dataset, store):
    # as_of 2026-06-30: window 2025-07-01 … 2026-06-30, ÷ 12: Acme 18000 → 1500, Hooli 500,
    # Umbrella 500; Wayne −500 → non-positive. Globex and Initech fall outside.
    b = client_baseline(store, add_dataset(ROWS), as_of=date(2026, 6, 30))
    assert (b.start, b.end, b.months) == (date(2025, 7, 1), date(2026, 6, 30), 12)
    assert [(c.client, c.monthly) for c in b.clients] == [("Acme", 1500.0), ("Hooli", 500.0), ("Umbrella", 500.0)]
    assert [c.client for c in b.non_positive] == ["Wayne"]


def test_cut_off_on_the_last_record_equals_no_cut_off(add_dataset, store):
    ds = add_dataset(ROWS)
    assert client_baseline(store, ds, as_of=date(2025, 12, 31)) == client_baseline(store, ds)


def test_cut_off_before_the_first_record_is_refused(add_dataset, store):
    with pytest.raises(NoBaselineError, match="on or before 30 Dec 2024"):
        client_baseline(store, add_dataset(ROWS), as_of=date(2024, 12, 30))
